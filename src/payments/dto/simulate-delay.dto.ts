import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export const MAX_SIMULATED_DELAY_MS = 30_000;

/** Any payment action can be slowed down on purpose for latency testing. */
export class SimulateDelayDto {
  @ApiPropertyOptional({ minimum: 0, maximum: MAX_SIMULATED_DELAY_MS, example: 0, description: 'Delay the response by this many ms (0-30000).' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_SIMULATED_DELAY_MS)
  simulate_delay_ms?: number;
}
