import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

export class ResendEventDto {
  @ApiPropertyOptional({
    example: 'we_01JD4C1Z0K3M5N7P9Q2R4S6T8V',
    description: 'Resend only to this endpoint (default: every enabled endpoint that has or should have a delivery).',
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  endpoint_id?: string;
}
