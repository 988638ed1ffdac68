import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNumber, IsObject, IsOptional, Max, Min, ValidateNested } from 'class-validator';
import { MAX_LATENCY_MS } from '../connector-simulator';
import { TECHNICAL_ERRORS, TechnicalError } from '../connector.model';

export class LatencyDto {
  @ApiProperty({ example: 120, minimum: 0, maximum: MAX_LATENCY_MS, description: 'Median latency (ms).' })
  @IsInt()
  @Min(0)
  @Max(MAX_LATENCY_MS)
  p50: number;

  @ApiProperty({ example: 900, minimum: 0, maximum: MAX_LATENCY_MS, description: '99th percentile latency (ms); at least p50.' })
  @IsInt()
  @Min(0)
  @Max(MAX_LATENCY_MS)
  p99: number;
}

/** Every field optional: a PATCH changes only what it names. */
export class ConnectorProfileDto {
  @ApiPropertyOptional({ type: LatencyDto, description: 'Latency is drawn from a log-normal fitted to p50 and p99.' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => LatencyDto)
  latency_ms?: LatencyDto;

  @ApiPropertyOptional({ example: 0.05, minimum: 0, maximum: 1, description: 'Share of calls that fail technically.' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  technical_error_rate?: number;

  @ApiPropertyOptional({ enum: TECHNICAL_ERRORS, example: 'timeout' })
  @IsOptional()
  @IsIn(TECHNICAL_ERRORS)
  technical_error?: TechnicalError;

  @ApiPropertyOptional({ example: 0.02, minimum: 0, maximum: 1, description: 'Share of otherwise successful calls the processor declines.' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  decline_rate?: number;
}
