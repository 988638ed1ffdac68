import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

/** Exactly one of `by` and `to` (checked by the service, which also parses them). */
export class AdvanceClockDto {
  @ApiPropertyOptional({
    example: '7d',
    pattern: '^[1-9][0-9]*(ms|s|m|h|d)$',
    description: 'How far to move the clock forward: a whole number and a unit (ms, s, m, h, d). At most 400d.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  by?: string;

  @ApiPropertyOptional({
    example: '2026-12-08T10:00:00Z',
    format: 'date-time',
    description: 'The time to move the clock to (ISO 8601 with a zone): after the current time, at most 400 days ahead.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  to?: string;
}
