import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { TIMELINE_ENTRY_TYPES, TimelineEntryType } from '../timeline-source';

export class TimelineEntryView {
  @ApiProperty({ enum: TIMELINE_ENTRY_TYPES, example: 'transition' }) type: TimelineEntryType;
  @ApiProperty({ example: '2026-11-22T10:00:00.000Z', description: 'When it happened, in merchant time.' }) at: string;
  @ApiPropertyOptional({ nullable: true, type: String, example: 'CREATED', description: 'transition: the status before (null for the first).' })
  from?: string | null;
  @ApiPropertyOptional({ example: 'AUTHORIZED', description: 'transition: the status after.' }) to?: string;
  @ApiPropertyOptional({ example: 'AUTHORIZE', description: 'transition: the machine event that caused it.' }) trigger?: string;
  @ApiPropertyOptional({ nullable: true, type: String, example: 'key_01JD4C1Z0K3M5N7P9Q2R4S6T8V', description: 'transition, simulated_fault: the API key that asked for it.' })
  api_key_id?: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, example: 'req_01JD4C1Z0K3M5N7P9Q2R4S6T8V', description: 'transition, simulated_fault: the request.' }) request_id?: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, example: '203.0.113.7', description: 'transition: client address (null before it was recorded).' })
  ip?: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, example: 'curl/8.5.0' }) user_agent?: string | null;
  @ApiPropertyOptional({ example: 'evt_01JD4C1Z0K3M5N7P9Q2R4S6T8V', description: 'event: the event id; delivery: the delivery id; attempt: the attempt id; simulated_fault: its record id.' })
  id?: string;
  @ApiPropertyOptional({ example: 'payment.captured', description: 'event: its type.' }) event_type?: string;
  @ApiPropertyOptional({ example: 'evt_01JD4C1Z0K3M5N7P9Q2R4S6T8V', description: 'delivery: the event delivered.' }) event_id?: string;
  @ApiPropertyOptional({ example: 'we_01JD4C1Z0K3M5N7P9Q2R4S6T8V', description: 'delivery: the endpoint.' }) endpoint_id?: string;
  @ApiPropertyOptional({ example: 'succeeded', description: 'delivery: pending | succeeded | failed; attempt: succeeded | declined | failed.' }) status?: string;
  @ApiPropertyOptional({ example: 'stripe_sim', description: 'attempt: the connector called.' }) connector?: string;
  @ApiPropertyOptional({ nullable: true, type: String, example: 'http_5xx', description: 'attempt: the technical error or decline code (null when it succeeded).' })
  error?: string | null;
  @ApiPropertyOptional({ example: 180, description: "attempt: the connector's simulated latency." }) latency_ms?: number;
  @ApiPropertyOptional({ example: 'fallback', description: 'attempt: why this connector (rule, default, volume_split, fallback, forced).' }) reason?: string;
  @ApiPropertyOptional({ example: 'lost_response', description: 'simulated_fault: the API fault that struck a request which committed (the answer was deliberately lost).' })
  fault?: string;
  @ApiPropertyOptional({ example: 'payment.create', description: 'simulated_fault: the request it struck (payment.create or refund.create).' })
  operation?: string;
  @ApiPropertyOptional({ nullable: true, type: String, example: 're_01JD4C1Z0K3M5N7P9Q2R4S6T8V', description: 'simulated_fault: the refund that request committed (null for payment.create).' })
  refund_id?: string | null;
  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    example: [{ attempt: 1, at: '2026-11-22T10:00:00.120Z', response_status: 200, duration_ms: 12, error: null }],
    description: 'delivery: every HTTP attempt.',
  })
  attempts?: Array<Record<string, unknown>>;
}

export class TimelineView {
  @ApiProperty({ enum: ['list'] }) object: 'list';
  @ApiProperty({
    type: [TimelineEntryView],
    example: [
      { type: 'transition', at: '2026-11-22T10:00:00.000Z', from: null, to: 'CREATED', trigger: 'CREATE', api_key_id: 'key_01JD4C1Z0K3M5N7P9Q2R4S6T8V', request_id: 'req_01JD4C1Z0K3M5N7P9Q2R4S6T8V', ip: '203.0.113.7', user_agent: 'curl/8.5.0' },
      { type: 'event', at: '2026-11-22T10:00:00.000Z', id: 'evt_01JD4C1Z0K3M5N7P9Q2R4S6T8V', event_type: 'payment.created' },
      { type: 'delivery', at: '2026-11-22T10:00:00.010Z', id: 'whd_01JD4C1Z0K3M5N7P9Q2R4S6T8V', event_id: 'evt_01JD4C1Z0K3M5N7P9Q2R4S6T8V', endpoint_id: 'we_01JD4C1Z0K3M5N7P9Q2R4S6T8V', status: 'succeeded', attempts: [] },
    ],
  })
  data: TimelineEntryView[];
}
