import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { plainToInstance, Transform, Type } from 'class-transformer';
import {
  Equals,
  IsEmail,
  IsIn,
  IsInt,
  IsIP,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsAmount, MAX_AMOUNT } from '../../common/money';
import { IsStringMap } from '../../common/string-map.validator';
import { SIMULATE_CREATE_MODES, SimulateCreateMode } from '../card-simulation';
import { PAYMENT_METHOD_FORMS_MESSAGE, TEST_PAYMENT_METHOD_EXPIRY, TEST_PAYMENT_METHOD_IDS, testPaymentMethodCard } from '../test-payment-methods';
import { IsCountryCode } from '../../payer-country/is-country-code.validator';
import { SimulateDelayDto } from './simulate-delay.dto';

/** `"pm_card_visa"` (or `"tok_visa"`) becomes the card object it stands for; any other value is left to validation. */
function expandTestPaymentMethod({ value }: { value: unknown }): unknown {
  const number = typeof value === 'string' ? testPaymentMethodCard(value) : undefined;
  // A @Transform result is not converted again by @Type: build the instances validation expects.
  return number ? plainToInstance(PaymentMethodDto, { type: 'card', card: { number, ...TEST_PAYMENT_METHOD_EXPIRY } }) : value;
}

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

export class PaymentMethodDto {
  @ApiProperty({ enum: ['card'] })
  @Equals('card', { message: "type must be 'card'" })
  type: 'card';

  @ApiProperty({ type: CardDto })
  @IsObject()
  @ValidateNested()
  @Type(() => CardDto)
  card: CardDto;
}

export class CreatePaymentDto extends SimulateDelayDto {
  @ApiProperty({ example: 2000, minimum: 1, maximum: MAX_AMOUNT, description: 'Positive integer in minor units (2000 = $20.00).' })
  @IsAmount()
  amount: number;

  @ApiProperty({ example: 'usd', description: 'ISO 4217 code, any case; answered in upper case.' })
  @IsString()
  @Matches(/^[A-Za-z]{3}$/, { message: 'currency must be a three-letter ISO 4217 code' })
  currency: string;

  @ApiPropertyOptional({ enum: ['automatic', 'manual'], default: 'automatic' })
  @IsOptional()
  @IsIn(['automatic', 'manual'])
  capture_method?: 'automatic' | 'manual';

  @ApiPropertyOptional({
    oneOf: [{ $ref: '#/components/schemas/PaymentMethodDto' }, { type: 'string', enum: [...TEST_PAYMENT_METHOD_IDS] }],
    example: 'pm_card_visa',
    description:
      'A card, or a Stripe-style test payment method id (pm_card_visa, pm_card_chargeDeclined, ... or the tok_* twin) ' +
      'that stands for one of the test cards. Defaults to the test card 4242 4242 4242 4242.',
  })
  @IsOptional()
  @IsObject({ message: PAYMENT_METHOD_FORMS_MESSAGE })
  @ValidateNested()
  @Type(() => PaymentMethodDto)
  @Transform(expandTestPaymentMethod)
  // A test id is expanded to its card before validation; the union keeps the OpenAPI schema a plain oneOf.
  payment_method?: PaymentMethodDto | string;

  @ApiPropertyOptional({ example: 'Order #1234', maxLength: 1000 })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  description?: string;

  @ApiPropertyOptional({ example: 'jane@example.com' })
  @IsOptional()
  @IsEmail()
  @MaxLength(254)
  customer_email?: string;

  @ApiPropertyOptional({ example: { order_id: '1234' }, type: 'object', additionalProperties: { type: 'string' } })
  @IsOptional()
  @IsStringMap({ maxKeys: 50, maxKeyLength: 40, maxValueLength: 500 })
  metadata?: Record<string, string>;

  @ApiPropertyOptional({ example: 'DE', description: "The payer's country (ISO 3166-1 alpha-2); wins over customer_ip and the card's country." })
  @IsOptional()
  @IsCountryCode()
  customer_country?: string;

  @ApiPropertyOptional({ example: '81.2.69.160', description: "The payer's IP (v4 or v6): its country (offline table) is the payer country unless customer_country is given." })
  @IsOptional()
  @IsString()
  @IsIP(undefined, { message: 'customer_ip must be an IPv4 or IPv6 address' })
  customer_ip?: string;

  @ApiPropertyOptional({ example: 'adyen_sim', description: 'Force this connector (400 if it cannot take the payment); skips routing.' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  connector?: string;

  @ApiPropertyOptional({ enum: SIMULATE_CREATE_MODES, description: 'Force an outcome; wins over the test card.' })
  @IsOptional()
  @IsIn(SIMULATE_CREATE_MODES)
  simulate?: SimulateCreateMode;
}
