import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { IsAmount, MAX_AMOUNT } from '../../common/money';
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
  @IsAmount()
  amount?: number;

  @ApiPropertyOptional({ enum: SIMULATE_CAPTURE_MODES, description: 'Make the capture fail (payment becomes FAILED).' })
  @IsOptional()
  @IsIn(SIMULATE_CAPTURE_MODES)
  simulate?: (typeof SIMULATE_CAPTURE_MODES)[number];
}

export class CancelPaymentDto extends SimulateDelayDto {}
