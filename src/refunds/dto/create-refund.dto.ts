import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { MAX_AMOUNT } from '../../common/money';
import { SIMULATE_REFUND_MODES, SimulateRefundMode } from '../../payments/card-simulation';
import { SimulateDelayDto } from '../../payments/dto/simulate-delay.dto';
import { REFUND_REASONS, RefundReason } from '../entities/refund.entity';


export class CreateRefundDto extends SimulateDelayDto {
  @ApiPropertyOptional({
    example: 500,
    minimum: 1,
    maximum: MAX_AMOUNT,
    description: 'Minor units. Defaults to what remains refundable (amount_captured - amount_refunded).',
  })
  @IsOptional()
  @IsInt({ message: 'amount must be a positive integer in minor units' })
  @Min(1, { message: 'amount must be a positive integer in minor units' })
  @Max(MAX_AMOUNT, { message: `amount must be at most ${MAX_AMOUNT}` })
  amount?: number;

  @ApiPropertyOptional({ enum: REFUND_REASONS, example: 'requested_by_customer' })
  @IsOptional()
  @IsIn(REFUND_REASONS)
  reason?: RefundReason;

  @ApiPropertyOptional({
    enum: SIMULATE_REFUND_MODES,
    description: 'refund_failure: the refund is recorded as FAILED and the payment is left unchanged.',
  })
  @IsOptional()
  @IsIn(SIMULATE_REFUND_MODES)
  simulate?: SimulateRefundMode;
}
