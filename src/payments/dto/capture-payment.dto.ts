import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { MAX_AMOUNT } from '../../common/money';
import { SIMULATE_CAPTURE_MODES } from '../card-simulation';
import { SimulateDelayDto } from './simulate-delay.dto';

export class CapturePaymentDto extends SimulateDelayDto {
  @ApiPropertyOptional({
    example: 1500,
    minimum: 1,
    maximum: MAX_AMOUNT,
    description: 'Defaults to the full authorized amount; may be less (partial capture).',
  })
  @IsOptional()
  @IsInt({ message: 'amount must be a positive integer in minor units' })
  @Min(1, { message: 'amount must be a positive integer in minor units' })
  @Max(MAX_AMOUNT, { message: `amount must be at most ${MAX_AMOUNT}` })
  amount?: number;

  @ApiPropertyOptional({ enum: SIMULATE_CAPTURE_MODES, description: 'Make the capture fail (payment becomes FAILED).' })
  @IsOptional()
  @IsIn(SIMULATE_CAPTURE_MODES)
  simulate?: (typeof SIMULATE_CAPTURE_MODES)[number];
}

export class CancelPaymentDto extends SimulateDelayDto {}
