import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { WebhookEndpointEntity, WebhookEndpointStatus } from '../entities/webhook-endpoint.entity';

export class WebhookEndpointView {
  @ApiProperty({ example: 'we_01JD4C1Z0K3M5N7P9Q2R4S6T8V' }) id: string;
  @ApiProperty({ enum: ['webhook_endpoint'] }) object: 'webhook_endpoint';
  @ApiProperty({ example: 'https://example.com/webhooks/sandbox' }) url: string;
  @ApiProperty({ example: ['*'], type: [String] }) enabled_events: string[];
  @ApiProperty({ nullable: true, type: String, example: 'Order service (staging)' }) description: string | null;
  @ApiProperty({ enum: ['enabled', 'disabled'] }) status: WebhookEndpointStatus;
  @ApiProperty({ example: '2026-11-22T10:00:00.000Z' }) created_at: string;
  @ApiProperty({ example: '2026-11-22T10:00:00.000Z' }) updated_at: string;
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    description:
      'The signing secret. Only in the responses of create and rotate-secret: store it then (rotate to get a new one). ' +
      'null in an idempotent replay (`Idempotent-Replayed: true`): secrets are never kept for replays.',
  })
  secret?: string | null;
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description: 'While a rotated-out secret still signs (24 h after rotation): when it stops.',
  })
  previous_secret_expires_at?: string | null;
}

/** `now`: the merchant's time (the rotated-out secret's overlap runs on the merchant clock). */
export function toWebhookEndpointView(row: WebhookEndpointEntity, now: Date, options: { withSecret?: boolean } = {}): WebhookEndpointView {
  const overlapping = row.previousSecretExpiresAt && row.previousSecretExpiresAt > now;
  return {
    id: row.id,
    object: 'webhook_endpoint',
    url: row.url,
    enabled_events: row.enabledEvents,
    description: row.description,
    status: row.status,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
    previous_secret_expires_at: overlapping ? row.previousSecretExpiresAt!.toISOString() : null,
    ...(options.withSecret ? { secret: row.secret } : {}),
  };
}

export class DeletedWebhookEndpointView {
  @ApiProperty({ example: 'we_01JD4C1Z0K3M5N7P9Q2R4S6T8V' }) id: string;
  @ApiProperty({ enum: ['webhook_endpoint'] }) object: 'webhook_endpoint';
  @ApiProperty({ example: true }) deleted: true;
}
