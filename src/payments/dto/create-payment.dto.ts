import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { plainToInstance, Transform } from 'class-transformer';
import { IsEmail, IsIn, IsIP, IsOptional, IsString, IsUrl, Matches, MaxLength } from 'class-validator';
import { AnyPaymentMethodDto, CardPaymentMethodDto, IsPaymentMethod } from '../../payment-methods/dto/payment-method.dto';
import { THREE_D_SECURE_MODES, ThreeDSecureMode } from '../../payment-methods/three-d-secure';
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
  return number ? plainToInstance(CardPaymentMethodDto, { type: 'card', card: { number, ...TEST_PAYMENT_METHOD_EXPIRY } }) : value;
}

export { CardDto } from '../../payment-methods/dto/payment-method.dto';

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

  @IsPaymentMethod({ testIds: TEST_PAYMENT_METHOD_IDS, objectMessage: PAYMENT_METHOD_FORMS_MESSAGE })
  @Transform(expandTestPaymentMethod)
  // A test id is expanded to its card before validation; the union keeps the OpenAPI schema a plain oneOf.
  payment_method?: AnyPaymentMethodDto | string;

  @ApiPropertyOptional({ enum: THREE_D_SECURE_MODES, default: 'automatic', description: 'Cards: automatic (only cards that demand it) or required.' })
  @IsOptional()
  @IsIn(THREE_D_SECURE_MODES, { message: "three_d_secure must be 'automatic' or 'required'" })
  three_d_secure?: ThreeDSecureMode;

  @ApiPropertyOptional({ example: 'https://shop.example/checkout/return', description: 'Where the 3-D Secure page sends the customer back (http or https).' })
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false }, { message: 'return_url must be an http(s) URL' })
  @MaxLength(2000)
  return_url?: string;

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
