import { ApiPropertyOptional } from '@nestjs/swagger';

import { IsOptional, IsString, MaxLength } from 'class-validator';

export class StreamQueryDto {
  @ApiPropertyOptional({
    example: 'payment.captured,refund.*',
    description: 'Comma list of event types; `payment.*`-style prefixes and `*` allowed. An unknown type is 400.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  types?: string;

  @ApiPropertyOptional({ example: 'pay_01JD4C1Z0K3M5N7P9Q2R4S6T8V', description: "Only this payment's events (another merchant's id is 404)." })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  payment_id?: string;

  @ApiPropertyOptional({
    example: 'evt_01JD4C1Z0K3M5N7P9Q2R4S6T8V',
    description: 'Resume after this event (the Last-Event-ID header does the same and wins; browsers send it when they reconnect).',
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  last_event_id?: string;

  @ApiPropertyOptional({ example: 'sst_Jm2C8q4Vx0xQ6p3Qe3Jm2C8q4Vx0xQ6p3Qe3', description: 'A stream token (POST /v1/stream-tokens), for clients that cannot send Authorization.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  token?: string;
}

/** The comma list of `types`, trimmed. */
export function splitTypes(types: string | undefined): string[] | undefined {
  return types === undefined ? undefined : types.split(',').map((type) => type.trim());
}

