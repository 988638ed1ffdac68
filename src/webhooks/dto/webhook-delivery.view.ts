import { ApiProperty } from '@nestjs/swagger';
import { CHAOS_ACTIONS, ChaosAction } from '../../simulation/webhook-chaos';
import { WebhookAttemptEntity } from '../entities/webhook-attempt.entity';
import { WebhookDeliveryEntity, WebhookDeliveryStatus } from '../entities/webhook-delivery.entity';

export class WebhookAttemptView {
  @ApiProperty({ example: 1 }) attempt: number;
  @ApiProperty({ example: '2026-11-22T10:00:00.000Z' }) at: string;
  @ApiProperty({ nullable: true, type: Number, example: 500, description: 'null when no response arrived (timeout, connection error)' })
  response_status: number | null;
  @ApiProperty({ example: 42 }) duration_ms: number;
  @ApiProperty({ nullable: true, type: String, example: 'timed out after 10000 ms' }) error: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'ok', description: 'The first 1 KB of the response body.' })
  response_body: string | null;
  @ApiProperty({
    nullable: true,
    enum: CHAOS_ACTIONS,
    example: null,
    description: 'Webhook chaos on this attempt: dropped (not sent), delayed / reordered (held), or an extra copy (duplicate, bad_signature).',
  })
  chaos: ChaosAction | null;
}

export class WebhookDeliveryView {
  @ApiProperty({ example: 'whd_01JD4C1Z0K3M5N7P9Q2R4S6T8V' }) id: string;
  @ApiProperty({ enum: ['webhook_delivery'] }) object: 'webhook_delivery';
  @ApiProperty({ example: 'evt_01JD4C1Z0K3M5N7P9Q2R4S6T8V' }) event_id: string;
  @ApiProperty({ example: 'we_01JD4C1Z0K3M5N7P9Q2R4S6T8V' }) endpoint_id: string;
  @ApiProperty({ enum: ['pending', 'succeeded', 'failed'] }) status: WebhookDeliveryStatus;
  @ApiProperty({ nullable: true, type: String, example: '2026-11-22T10:05:00.000Z', description: 'When the next attempt is due (pending only).' })
  next_attempt_at: string | null;
  @ApiProperty({ example: 1 }) attempt_count: number;
  @ApiProperty({ type: [WebhookAttemptView] }) attempts: WebhookAttemptView[];
  @ApiProperty({ example: '2026-11-22T10:00:00.000Z' }) created_at: string;
}

export class WebhookDeliveryListView {
  @ApiProperty({ enum: ['list'] }) object: 'list';
  @ApiProperty({ type: [WebhookDeliveryView] }) data: WebhookDeliveryView[];
  @ApiProperty({ example: false }) has_more: boolean;
}

export function toWebhookAttemptView(row: WebhookAttemptEntity): WebhookAttemptView {
  return {
    attempt: row.attempt,
    at: row.attemptedAt.toISOString(),
    response_status: row.responseStatus,
    duration_ms: row.durationMs,
    error: row.error,
    response_body: row.responseBody,
    chaos: row.chaos ?? null,
  };
}

export function toWebhookDeliveryView(row: WebhookDeliveryEntity, attempts: WebhookAttemptEntity[]): WebhookDeliveryView {
  return {
    id: row.id,
    object: 'webhook_delivery',
    event_id: row.eventId,
    endpoint_id: row.endpointId,
    status: row.status,
    // A retry's wait is merchant time; a first attempt is due at once (the wall-clock dispatch time).
    next_attempt_at: row.status === 'pending' ? ((row.retryDueAt ?? row.nextAttemptAt)?.toISOString() ?? null) : null,
    attempt_count: row.attemptCount,
    attempts: attempts.map(toWebhookAttemptView),
    created_at: row.createdAt.toISOString(),
  };
}
