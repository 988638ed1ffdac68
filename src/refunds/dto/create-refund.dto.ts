import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { IsAmount, MAX_AMOUNT } from '../../common/money';
import { SimulateDelayDto } from '../../payments/dto/simulate-delay.dto';
import { REFUND_SIMULATE_VALUES, RefundSimulateValue } from '../../simulation/simulation-vocabulary';
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
    enum: REFUND_SIMULATE_VALUES,
    description:
      'refund_failure: the refund is recorded as FAILED and the payment is left unchanged. Wins over the Sandbox-Simulate header. ' +
      'api_error / service_unavailable / connection_reset commit nothing; lost_response commits, then closes the connection.',
  })
  @IsOptional()
  @IsIn(REFUND_SIMULATE_VALUES)
  simulate?: RefundSimulateValue;
}
