import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, Matches } from 'class-validator';
import { TECHNICAL_ERRORS, TechnicalError } from '../connector.model';

export class CreateOutageDto {
  @ApiPropertyOptional({ example: '5m', description: 'How long, from now on the merchant clock (units ms, s, m, h, d; at most 400d). Give `for` or `until`.' })
  @IsOptional()
  @IsString()
  @Matches(/^[1-9]\d{0,11}(ms|s|m|h|d)$/, { message: 'for must be a positive duration such as 5m' })
  for?: string;

  @ApiPropertyOptional({ example: '2026-12-01T12:00:00.000Z', description: 'Until when (merchant clock); must be in the future.' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'until must be an ISO 8601 date-time' })
  until?: string;

  @ApiPropertyOptional({ enum: TECHNICAL_ERRORS, default: 'http_5xx', description: 'How every call fails while it lasts.' })
  @IsOptional()
  @IsIn(TECHNICAL_ERRORS)
  mode?: TechnicalError;
}

export class ForceCircuitDto {
  @ApiProperty({ enum: ['open', 'closed'], description: 'open: stays open until forced closed; closed: closes and starts counting afresh.' })
  @IsIn(['open', 'closed'])
  state: 'open' | 'closed';
}
