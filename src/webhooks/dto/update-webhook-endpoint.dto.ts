import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { WebhookEndpointStatus } from '../entities/webhook-endpoint.entity';
import { SUBSCRIBABLE_EVENTS } from '../webhook-event-types';

export class UpdateWebhookEndpointDto {
  @ApiPropertyOptional({ example: 'https://example.com/webhooks/v2', maxLength: 2048 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(2048)
  url?: string;

  @ApiPropertyOptional({ example: ['*'], enum: SUBSCRIBABLE_EVENTS, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(SUBSCRIBABLE_EVENTS.length)
  @IsIn(SUBSCRIBABLE_EVENTS, { each: true, message: `each value in enabled_events must be "*" or a known event type` })
  enabled_events?: string[];

  @ApiPropertyOptional({ example: 'Order service (production)', maxLength: 500, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;

  @ApiPropertyOptional({ enum: ['enabled', 'disabled'], example: 'disabled' })
  @IsOptional()
  @IsIn(['enabled', 'disabled'])
  status?: WebhookEndpointStatus;
}
