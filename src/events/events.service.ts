import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, FindOperator, FindOptionsWhere, In, LessThan, Like, MoreThan, Repository } from 'typeorm';
import { Actor } from '../common/actor';
import { DomainError } from '../common/errors/domain-error';
import { newId } from '../common/ids';
import { createdWithin, ListResponse, toList } from '../common/pagination';
import { WebhookDeliveryListView } from '../webhooks/dto/webhook-delivery.view';
import { WebhookDeliveriesService } from '../webhooks/webhook-deliveries.service';
import { OutboxEvent, SELECT_DELIVERY_IDS, WebhookOutboxService } from '../webhooks/webhook-outbox.service';
import { CteStatement } from '../database/cte-statement';
import { EVENT_BUS, EventBus } from '../stream/bus/event-bus';
import { AfterCommit, DomainEvent } from './domain-event';
import { EventView, toEventView } from './dto/event.view';
import { ListEventsQueryDto } from './dto/list-events.query';
import { EventEntity } from './entities/event.entity';

export interface RecordedInStatement {
  finalQuery: string;
  afterCommit(rows: Array<{ id: string }>): AfterCommit;
}

function toOutboxEvents(events: DomainEvent[]): OutboxEvent[] {
  return events.map((event) => ({
    id: newId('event'),
    type: event.type,
    paymentId: event.paymentId ?? null,
    refundId: event.refundId ?? null,
    data: { object: event.object },
    createdAt: event.occurredAt,
  }));
}

/** `payment.captured,refund.*` → exact types (one IN) OR prefixes (one LIKE each): where-alternatives. */
function typeConditions(filter: string): Array<FindOperator<string>> {
  const items = [...new Set(filter.split(','))];
  const exact = items.filter((item) => !item.endsWith('.*'));
  const prefixes = items.filter((item) => item.endsWith('.*')).map((item) => Like(`${item.slice(0, -1).replace(/_/g, '\\_')}%`));
  return [...(exact.length > 0 ? [In(exact)] : []), ...prefixes];
}

@Injectable()
export class EventsService {
  constructor(
    @InjectRepository(EventEntity) private readonly events: Repository<EventEntity>,
    private readonly outbox: WebhookOutboxService,
    private readonly deliveries: WebhookDeliveriesService,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
  ) {}

  /**
   * Persists events in the caller's transaction (the outbox), with one webhook delivery row per
   * subscribed endpoint. Returns what to run after commit: hand the deliveries to the scheduler.
   */
  async record(manager: EntityManager, merchantId: string, events: DomainEvent[]): Promise<AfterCommit> {
    if (events.length === 0) return () => undefined;
    const outboxEvents = toOutboxEvents(events);
    const deliveryIds = await this.outbox.insertEvents(manager, merchantId, outboxEvents);
    return () => {
      this.outbox.schedule(deliveryIds);
      this.announce(merchantId, outboxEvents);
    };
  }

  /**
   * The same as `record`, as part of one statement the caller runs (see CteStatement): ends the
   * statement with `finalQuery`, then `afterCommit(rows)` with the rows it returned.
   */
  appendRecord(statement: CteStatement, merchantId: string, events: DomainEvent[]): RecordedInStatement {
    const outboxEvents = toOutboxEvents(events);
    this.outbox.appendEvents(statement, merchantId, outboxEvents);
    return {
      finalQuery: SELECT_DELIVERY_IDS,
      afterCommit: (rows) => () => {
        this.outbox.schedule(rows.map((row) => row.id));
        this.announce(merchantId, outboxEvents);
      },
    };
  }

  /** Tells live streams in every process that these events are committed (they read the rows). */
  private announce(merchantId: string, events: OutboxEvent[]): void {
    if (events.length > 0) this.bus.publish({ merchantId, eventIds: events.map((event) => event.id) });
  }

  /** The merchant's events among `ids`, oldest first (what a live stream sends after a notice). */
  async findMany(merchantId: string, ids: string[]): Promise<EventEntity[]> {
    if (ids.length === 0) return [];
    return this.events.find({ where: { merchantId, id: In(ids) }, order: { id: 'ASC' } });
  }

  /** The merchant's events after `afterId` (exclusive), oldest first, up to `limit`: what a resuming stream missed. */
  async listAfter(merchantId: string, afterId: string, filter: { paymentId?: string; types?: string[] }, limit: number): Promise<EventEntity[]> {
    return this.events.find({
      where: {
        merchantId,
        id: MoreThan(afterId),
        ...(filter.paymentId ? { paymentId: filter.paymentId } : {}),
        ...(filter.types ? { type: In(filter.types) } : {}),
      },
      order: { id: 'ASC' },
      take: limit,
    });
  }

  /** Each endpoint's delivery of this event, with every attempt. */
  async listDeliveries(actor: Actor, id: string): Promise<WebhookDeliveryListView> {
    const event = await this.find(actor, id);
    return this.deliveries.listForEvent(actor.merchantId, event.id);
  }

  /** A new attempt now, to every endpoint or to `endpointId`. */
  async resend(actor: Actor, id: string, endpointId?: string): Promise<WebhookDeliveryListView> {
    const event = await this.find(actor, id);
    return this.deliveries.resend(actor.merchantId, event, endpointId);
  }

  async list(actor: Actor, query: ListEventsQueryDto): Promise<ListResponse<EventView>> {
    const where: FindOptionsWhere<EventEntity> = {
      merchantId: actor.merchantId,
      ...(query.payment_id ? { paymentId: query.payment_id } : {}),
      ...(query.starting_after ? { id: LessThan(query.starting_after) } : {}),
      ...createdWithin(query.created),
    };
    const rows = await this.events.find({
      where: query.type ? typeConditions(query.type).map((type) => ({ ...where, type })) : where,
      order: { id: 'DESC' },
      take: query.limit + 1,
    });
    return toList(rows, query.limit, toEventView);
  }

  async get(actor: Actor, id: string): Promise<EventView> {
    return toEventView(await this.find(actor, id));
  }

  async find(actor: Actor, id: string): Promise<EventEntity> {
    const row = await this.events.findOneBy({ id, merchantId: actor.merchantId });
    if (!row) throw DomainError.notFound('event', id);
    return row;
  }
}
