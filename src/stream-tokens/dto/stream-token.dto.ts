import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** The token acts for the API key that asked for it. Unknown fields are 400 like everywhere. */
export class CreateStreamTokenDto {
  @ApiPropertyOptional({ minimum: 10, maximum: 86_400, example: 300, description: 'Lifetime in seconds (default STREAM_TOKEN_TTL, 15 min).' })
  @IsOptional()
  @IsInt({ message: 'ttl_seconds must be an integer between 10 and 86400' })
  @Min(10, { message: 'ttl_seconds must be an integer between 10 and 86400' })
  @Max(86_400, { message: 'ttl_seconds must be an integer between 10 and 86400' })
  ttl_seconds?: number;
}

export class StreamTokenView {
  @ApiProperty({ enum: ['stream_token'] }) object: 'stream_token';
  @ApiProperty({ example: 'sst_Jm2C8q4Vx0xQ6p3Qe3Jm2C8q4Vx0xQ6p3Qe3', description: 'Shown once. Pass as ?token= to GET /v1/events/stream or /v1/ws.' })
  token: string;
  @ApiProperty({ example: '2026-11-22T10:15:00.000Z', description: 'After this the token opens no new stream (open streams stay open).' })
  expires_at: string;
}
