import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, LessThan } from 'typeorm';
import { ClockService } from '../clock/clock.service';
import { Actor } from '../common/actor';
import { DomainError } from '../common/errors/domain-error';
import { newId } from '../common/ids';
import { ListResponse, toList } from '../common/pagination';
import { CteStatement } from '../database/cte-statement';
import { DomainEvent } from '../events/domain-event';
import { EventsService } from '../events/events.service';
import { ListReviewsQueryDto } from './dto/list-reviews.query';
import { ReviewView, toReviewView } from './dto/review.view';
import { ReviewClosedReason, ReviewEntity } from './entities/review.entity';

@Injectable()
export class ReviewsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly events: EventsService,
    private readonly clock: ClockService,
  ) {}

  /** Opens a review as part of a payment-creation statement; returns its review.opened event. */
  appendOpen(statement: CteStatement, merchantId: string, paymentId: string, now: Date): DomainEvent {
    const review = newReview(merchantId, paymentId, now);
    const p = (value: unknown) => statement.param(value);
    statement.with(
      'review',
      `INSERT INTO reviews (id, merchant_id, payment_id, status, reason, closed_reason, created_at, updated_at)
       VALUES (${p(review.id)}, ${p(merchantId)}, ${p(paymentId)}, 'open', ${p(review.reason)}, NULL, ${p(now)}, ${p(now)})`,
    );
    return reviewEvent('review.opened', review);
  }

  /** Opens a review in the caller's transaction (a payment authorized once its 3-D Secure step ended); returns review.opened. */
  async open(manager: EntityManager, merchantId: string, paymentId: string, now: Date): Promise<DomainEvent> {
    const review = newReview(merchantId, paymentId, now);
    await manager.insert(ReviewEntity, review);
    return reviewEvent('review.opened', review);
  }

  async list(actor: Actor, query: ListReviewsQueryDto): Promise<ListResponse<ReviewView>> {
    const rows = await this.db.manager.find(ReviewEntity, {
      where: {
        merchantId: actor.merchantId,
        ...(query.status ? { status: query.status } : {}),
        ...(query.starting_after ? { id: LessThan(query.starting_after) } : {}),
      },
      order: { id: 'DESC' },
      take: query.limit + 1,
    });
    return toList(rows, query.limit, toReviewView);
  }

  async get(actor: Actor, id: string): Promise<ReviewView> {
    const row = await this.db.manager.findOneBy(ReviewEntity, { id, merchantId: actor.merchantId });
    if (!row) throw DomainError.notFound('review', id);
    return toReviewView(row);
  }

  /** Closes an open review as approved (409 review_not_open when it is already closed). */
  async approve(actor: Actor, id: string): Promise<ReviewView> {
    const { review, afterCommit } = await this.db.transaction(async (manager) => {
      const row = await manager.findOne(ReviewEntity, { where: { id, merchantId: actor.merchantId }, lock: { mode: 'pessimistic_write' } });
      if (!row) throw DomainError.notFound('review', id);
      if (row.status !== 'open') {
        throw new DomainError('review_not_open', `This review is already closed (${row.closedReason}).`, undefined, { review_id: row.id });
      }
      const event = await this.close(manager, actor.merchantId, row, 'approved');
      return { review: row, afterCommit: await this.events.record(manager, actor.merchantId, [event]) };
    });
    afterCommit();
    return toReviewView(review);
  }

  /** A refund of the payment closes its open review as refunded (in the refund's transaction); returns the events to record. */
  async closeForRefund(manager: EntityManager, merchantId: string, paymentId: string): Promise<DomainEvent[]> {
    const row = await manager.findOne(ReviewEntity, { where: { merchantId, paymentId, status: 'open' }, lock: { mode: 'pessimistic_write' } });
    if (!row) return [];
    return [await this.close(manager, merchantId, row, 'refunded')];
  }

  private async close(manager: EntityManager, merchantId: string, row: ReviewEntity, reason: ReviewClosedReason): Promise<DomainEvent> {
    row.status = 'closed';
    row.closedReason = reason;
    row.updatedAt = await this.clock.now(merchantId, manager);
    await manager.update(ReviewEntity, { id: row.id }, { status: row.status, closedReason: reason, updatedAt: row.updatedAt });
    return reviewEvent('review.closed', row);
  }
}

function newReview(merchantId: string, paymentId: string, now: Date): ReviewEntity {
  return { id: newId('review'), merchantId, paymentId, status: 'open', reason: 'rule', closedReason: null, createdAt: now, updatedAt: now };
}

function reviewEvent(type: string, review: ReviewEntity): DomainEvent {
  return {
    type,
    paymentId: review.paymentId,
    object: toReviewView(review) as unknown as Record<string, unknown>,
    occurredAt: review.updatedAt,
  };
}
