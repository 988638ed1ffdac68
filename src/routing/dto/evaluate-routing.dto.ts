import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches } from 'class-validator';
import { CreatePaymentDto } from '../../payments/dto/create-payment.dto';

/** A payment body, as for POST /v1/payments; payment_id reproduces a volume split for an existing id. */
export class EvaluateRoutingDto extends CreatePaymentDto {
  @ApiPropertyOptional({ example: 'pay_01JD4C1Z0K3M5N7P9Q2R4S6T8V', description: 'The id the volume split hashes; a fresh one when omitted.' })
  @IsOptional()
  @IsString()
  @Matches(/^pay_[0-9A-Z]{26}$/, { message: 'payment_id must be a payment id (pay_…)' })
  payment_id?: string;
}
