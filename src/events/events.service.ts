import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, LessThan, Repository } from 'typeorm';
import { Actor } from '../common/actor';
import { DomainError } from '../common/errors/domain-error';
import { newId } from '../common/ids';
import { ListResponse, toList } from '../common/pagination';
import { AfterCommit, DomainEvent } from './domain-event';
import { EventView, toEventView } from './dto/event.view';
import { ListEventsQueryDto } from './dto/list-events.query';
import { EventEntity } from './entities/event.entity';

@Injectable()
export class EventsService {
  constructor(@InjectRepository(EventEntity) private readonly events: Repository<EventEntity>) {}

  /**
   * Persists events in the caller's transaction (the outbox). Returns what to run after commit.
   */
  async record(manager: EntityManager, merchantId: string, events: DomainEvent[]): Promise<AfterCommit> {
    if (events.length === 0) return () => undefined;
    const rows = events.map((event) => ({
      id: newId('event'),
      merchantId,
      type: event.type,
      paymentId: event.paymentId ?? null,
      refundId: event.refundId ?? null,
      data: { object: event.object },
      createdAt: event.occurredAt,
    }));
    await manager.insert(EventEntity, rows);
    return () => undefined;
  }

  async list(actor: Actor, query: ListEventsQueryDto): Promise<ListResponse<EventView>> {
    const rows = await this.events.find({
      where: {
        merchantId: actor.merchantId,
        ...(query.type ? { type: query.type } : {}),
        ...(query.payment_id ? { paymentId: query.payment_id } : {}),
        ...(query.starting_after ? { id: LessThan(query.starting_after) } : {}),
      },
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
