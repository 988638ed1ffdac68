import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsObject, IsOptional, IsString, MaxLength, MinLength, ValidateIf, ValidateNested } from 'class-validator';
import { WebhookChaosDto } from './webhook-chaos.dto';
import { WebhookEndpointStatus } from '../entities/webhook-endpoint.entity';
import { SUBSCRIBABLE_EVENTS } from '../webhook-event-types';

/** Optional, but not nullable: `null` is validated (and refused) instead of reaching a NOT NULL column. */
const IsOptionalNotNull = () => ValidateIf((_object: object, value: unknown) => value !== undefined);

export class UpdateWebhookEndpointDto {
  @ApiPropertyOptional({ example: 'https://example.com/webhooks/v2', maxLength: 2048 })
  @IsOptionalNotNull()
  @IsString()
  @MinLength(1)
  @MaxLength(2048)
  url?: string;

  @ApiPropertyOptional({ example: ['*'], enum: SUBSCRIBABLE_EVENTS, isArray: true })
  @IsOptionalNotNull()
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
  @IsOptionalNotNull()
  @IsIn(['enabled', 'disabled'])
  status?: WebhookEndpointStatus;

  @ApiPropertyOptional({ type: WebhookChaosDto, nullable: true, description: 'Replace the chaos settings (omitted fields are 0); null turns chaos off.' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => WebhookChaosDto)
  chaos?: WebhookChaosDto | null;
}
