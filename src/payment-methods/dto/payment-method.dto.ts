import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { Allow, IsIn, IsInt, IsObject, IsOptional, IsString, Matches, Max, Min, ValidateNested } from 'class-validator';
import { PAYMENT_METHOD_TYPES, PaymentMethodType } from '../../payments/payment.machine';
import { MPESA_PHONE_PATTERN } from '../mpesa';
import { UPI_FLOWS, UPI_MAX_EXPIRE_AFTER_S, UPI_MIN_EXPIRE_AFTER_S, UpiFlow, VPA_PATTERN } from '../upi';

export class CardDto {
  @ApiProperty({ example: '4242424242424242', description: 'Test card number (digits, 12-19). Never stored or logged.' })
  @IsString()
  @Matches(/^\d{12,19}$/, { message: 'number must be 12 to 19 digits' })
  number: string;

  @ApiProperty({ minimum: 1, maximum: 12, example: 12 })
  @IsInt()
  @Min(1)
  @Max(12)
  exp_month: number;

  @ApiProperty({ minimum: 2000, maximum: 2100, example: 2030 })
  @IsInt()
  @Min(2000)
  @Max(2100)
  exp_year: number;

  @ApiPropertyOptional({ example: '123', description: 'Checked for shape only; never stored or logged.' })
  @IsOptional()
  @IsString()
  @Matches(/^\d{3,4}$/, { message: 'cvc must be 3 or 4 digits' })
  cvc?: string;
}

export class UpiDto {
  @ApiPropertyOptional({ example: 'success@sandbox', description: 'The payer’s VPA; required for collect. Test VPAs pick the outcome.' })
  @IsOptional()
  @IsString()
  @Matches(VPA_PATTERN, { message: 'vpa must be a UPI address such as name@bank' })
  vpa?: string;

  @ApiProperty({ enum: UPI_FLOWS, example: 'collect' })
  @IsIn(UPI_FLOWS, { message: "flow must be 'collect' or 'intent'" })
  flow: UpiFlow;

  @ApiPropertyOptional({ minimum: UPI_MIN_EXPIRE_AFTER_S, maximum: UPI_MAX_EXPIRE_AFTER_S, default: 600, description: 'Seconds until the request expires.' })
  @IsOptional()
  @IsInt()
  @Min(UPI_MIN_EXPIRE_AFTER_S)
  @Max(UPI_MAX_EXPIRE_AFTER_S)
  expire_after_s?: number;
}

export class MpesaDto {
  @ApiProperty({ example: '254708374149', description: '12 digits, 2547… or 2541…; 2547000 + a 5-digit ResultCode picks the answer.' })
  @IsString()
  @Matches(MPESA_PHONE_PATTERN, { message: 'phone must be 12 digits starting with 2547 or 2541, such as 254708374149' })
  phone: string;
}

/** What every payment method has: its `type`, which picks the subtype below. */
export class PaymentMethodDto {
  @ApiProperty({ enum: PAYMENT_METHOD_TYPES })
  @IsIn(PAYMENT_METHOD_TYPES, { message: "type must be one of 'card', 'upi', 'mpesa'" })
  type: PaymentMethodType;
}

export class CardPaymentMethodDto extends PaymentMethodDto {
  @ApiProperty({ enum: ['card'] }) declare type: 'card';

  @ApiProperty({ type: CardDto })
  @IsObject()
  @ValidateNested()
  @Type(() => CardDto)
  card: CardDto;
}

export class UpiPaymentMethodDto extends PaymentMethodDto {
  @ApiProperty({ enum: ['upi'] }) declare type: 'upi';

  @ApiProperty({ type: UpiDto })
  @IsObject()
  @ValidateNested()
  @Type(() => UpiDto)
  upi: UpiDto;
}

export class MpesaPaymentMethodDto extends PaymentMethodDto {
  @ApiProperty({ enum: ['mpesa'] }) declare type: 'mpesa';

  @ApiProperty({ type: MpesaDto })
  @IsObject()
  @ValidateNested()
  @Type(() => MpesaDto)
  mpesa: MpesaDto;
}

/**
 * What a missing or unknown `type` is read as: only `type` is reported (the details of whatever
 * method was meant are not also flagged as unknown).
 */
class UntypedPaymentMethodDto extends PaymentMethodDto {
  @Allow() card?: unknown;
  @Allow() upi?: unknown;
  @Allow() mpesa?: unknown;
}

export type AnyPaymentMethodDto = CardPaymentMethodDto | UpiPaymentMethodDto | MpesaPaymentMethodDto;

const SUBTYPES = [
  { name: 'card', value: CardPaymentMethodDto },
  { name: 'upi', value: UpiPaymentMethodDto },
  { name: 'mpesa', value: MpesaPaymentMethodDto },
];

/**
 * `payment_method`, discriminated by `type` (an unknown type fails on `type`, a foreign key is
 * unknown). `testIds`: string ids that also stand for a test card (expanded by the caller).
 */
export function IsPaymentMethod(options: { testIds?: readonly string[]; objectMessage?: string } = {}): PropertyDecorator {
  return (target, key) => {
    ApiExtraModels(CardPaymentMethodDto, UpiPaymentMethodDto, MpesaPaymentMethodDto)(target.constructor);
    const ids = options.testIds?.length ? [{ type: 'string', enum: [...options.testIds] }] : [];
    ApiPropertyOptional({
      description:
        'A card, UPI or M-Pesa, discriminated by `type`' +
        (ids.length ? ', or a Stripe-style test payment method id (pm_card_visa, … or the tok_* twin) standing for a test card' : '') +
        '. Defaults to the test card 4242 4242 4242 4242.',
      example: { type: 'card', card: { number: '4242424242424242', exp_month: 12, exp_year: 2030, cvc: '123' } },
      oneOf: [...SUBTYPES.map((subtype) => ({ $ref: getSchemaPath(subtype.value) })), ...ids],
      ...(ids.length
        ? {}
        : { discriminator: { propertyName: 'type', mapping: Object.fromEntries(SUBTYPES.map((subtype) => [subtype.name, getSchemaPath(subtype.value)])) } }),
    } as never)(target, key);
    IsOptional()(target, key);
    IsObject(options.objectMessage ? { message: options.objectMessage } : undefined)(target, key);
    ValidateNested()(target, key);
    Type(() => UntypedPaymentMethodDto, { discriminator: { property: 'type', subTypes: SUBTYPES }, keepDiscriminatorProperty: true })(target, key);
  };
}
