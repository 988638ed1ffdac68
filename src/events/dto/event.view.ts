import { ApiProperty } from '@nestjs/swagger';
import { EventEntity } from '../entities/event.entity';

export class EventView {
  @ApiProperty({ example: 'evt_01JD4C1Z0K3M5N7P9Q2R4S6T8V' }) id: string;
  @ApiProperty({ enum: ['event'] }) object: 'event';
  @ApiProperty({ example: 'payment.captured' }) type: string;
  @ApiProperty({
    type: Number,
    nullable: true,
    example: 3,
    description:
      "The event's place among its payment's events: strictly increasing in transition order (refund events included); " +
      'null for events that belong to no payment. Webhook delivery order is not guaranteed: order by sequence.',
  })
  sequence: number | null;
  @ApiProperty({ example: '2026-11-22T10:00:00.000Z' }) created_at: string;
  @ApiProperty({ example: { object: { id: 'pay_01JD4C1Z0K3M5N7P9Q2R4S6T8V', object: 'payment', status: 'CAPTURED' } } })
  data: Record<string, unknown>;
}

export function toEventView(row: EventEntity): EventView {
  return {
    id: row.id,
    object: 'event',
    type: row.type,
    sequence: row.sequence ?? null,
    created_at: row.createdAt.toISOString(),
    data: row.data,
  };
}
