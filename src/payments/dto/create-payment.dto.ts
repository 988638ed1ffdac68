import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsIn, IsOptional, IsString, IsUrl, Matches, MaxLength } from 'class-validator';
import { IsAmount, MAX_AMOUNT } from '../../common/money';
import { AnyPaymentMethodDto, IsPaymentMethod } from '../../payment-methods/dto/payment-method.dto';
import { THREE_D_SECURE_MODES, ThreeDSecureMode } from '../../payment-methods/three-d-secure';
import { IsStringMap } from '../../common/string-map.validator';
import { SIMULATE_CREATE_MODES, SimulateCreateMode } from '../card-simulation';
import { SimulateDelayDto } from './simulate-delay.dto';

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

  @IsPaymentMethod()
  payment_method?: AnyPaymentMethodDto;

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

  @ApiPropertyOptional({ enum: SIMULATE_CREATE_MODES, description: 'Force an outcome; wins over the test card.' })
  @IsOptional()
  @IsIn(SIMULATE_CREATE_MODES)
  simulate?: SimulateCreateMode;
}
