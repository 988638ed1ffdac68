import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsObject, IsOptional, IsString, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { WebhookChaosDto } from './webhook-chaos.dto';
import { SUBSCRIBABLE_EVENTS } from '../webhook-event-types';

const EVENTS_MESSAGE = `each value in enabled_events must be "*" or one of: ${SUBSCRIBABLE_EVENTS.slice(1).join(', ')}`;

export class CreateWebhookEndpointDto {
  @ApiProperty({ example: 'https://example.com/webhooks/sandbox', maxLength: 2048, description: 'An http(s) URL.' })
  @IsString()
  @MinLength(1)
  @MaxLength(2048)
  url: string;

  @ApiPropertyOptional({
    example: ['payment.captured', 'refund.succeeded'],
    default: ['*'],
    description: '`["*"]` for every event, or a list of event types.',
    enum: SUBSCRIBABLE_EVENTS,
    isArray: true,
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(SUBSCRIBABLE_EVENTS.length)
  @IsIn(SUBSCRIBABLE_EVENTS, { each: true, message: EVENTS_MESSAGE })
  enabled_events?: string[];

  @ApiPropertyOptional({ example: 'Order service (staging)', maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;

  @ApiPropertyOptional({ type: WebhookChaosDto, description: 'Webhook chaos for this endpoint (design-v2 §5); omitted fields are 0 (off).' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => WebhookChaosDto)
  chaos?: WebhookChaosDto;
}
