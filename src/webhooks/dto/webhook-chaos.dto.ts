import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export const MAX_CHAOS_DELAY_MS = 5_000;
export const MAX_DROPPED_ATTEMPTS = 10;

const percent = (name: string) => ({ message: `${name} must be an integer from 0 to 100` });

/** Per-endpoint webhook chaos; every field defaults to 0 (off). Deterministic for a given seed. */
export class WebhookChaosDto {
  @ApiPropertyOptional({ minimum: 0, maximum: 100, default: 0, example: 20, description: 'Chance (%) that an attempt is followed by an identical copy.' })
  @IsOptional()
  @IsInt(percent('duplicate_percent'))
  @Min(0, percent('duplicate_percent'))
  @Max(100, percent('duplicate_percent'))
  duplicate_percent?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: MAX_DROPPED_ATTEMPTS, default: 0, example: 1, description: 'The first N attempts of each delivery are not sent (recorded as dropped, retried on schedule).' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_DROPPED_ATTEMPTS)
  drop_first_attempts?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: MAX_CHAOS_DELAY_MS, default: 0, example: 500, description: 'Each attempt waits a seeded share of this window (wall clock), so events arrive out of order.' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_CHAOS_DELAY_MS)
  reorder_window_ms?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 100, default: 0, example: 10, description: 'Chance (%) that an attempt is followed by an extra copy with a signature that does not verify (the real one always verifies).' })
  @IsOptional()
  @IsInt(percent('bad_signature_percent'))
  @Min(0, percent('bad_signature_percent'))
  @Max(100, percent('bad_signature_percent'))
  bad_signature_percent?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: MAX_CHAOS_DELAY_MS, default: 0, example: 250, description: 'Every attempt waits this long before it is sent (wall clock).' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_CHAOS_DELAY_MS)
  extra_delay_ms?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 2147483647, example: 42, description: 'Same seed, same chaos for the same delivery and attempt. Random when omitted (then shown).' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(2147483647)
  seed?: number;
}

export class WebhookChaosView {
  @ApiProperty({ example: 20 }) duplicate_percent: number;
  @ApiProperty({ example: 1 }) drop_first_attempts: number;
  @ApiProperty({ example: 500 }) reorder_window_ms: number;
  @ApiProperty({ example: 10 }) bad_signature_percent: number;
  @ApiProperty({ example: 250 }) extra_delay_ms: number;
  @ApiProperty({ example: 42 }) seed: number;
}
