import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { IsAmount, MAX_AMOUNT } from '../../common/money';
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
  @IsAmount()
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
