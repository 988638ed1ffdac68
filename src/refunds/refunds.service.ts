import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, FindOptionsWhere, LessThan } from 'typeorm';
import { ClockService } from '../clock/clock.service';
import { Actor } from '../common/actor';
import { DomainError } from '../common/errors/domain-error';
import { newId } from '../common/ids';
import { createdWithin, ListResponse, toList } from '../common/pagination';
import { sleep } from '../common/sleep';
import { AfterCommit, DomainEvent } from '../events/domain-event';
import { EventsService } from '../events/events.service';
import { PaymentEntity } from '../payments/entities/payment.entity';
import { PaymentEvent } from '../payments/payment.machine';
import { PaymentsService } from '../payments/payments.service';
import { ScheduledActionsService } from '../scheduling/scheduled-actions.service';
import { ReviewsService } from '../reviews/reviews.service';
import { CreateRefundDto } from './dto/create-refund.dto';
import { REFUND_FAIL_LATER_DELAY_MS, REFUND_FAIL_LATER_KIND } from './refund-fail-later.kind';
import { SimulationService } from '../simulation/simulation.service';
import { parseSimulateHeader, REFUND_SIMULATE_VALUES } from '../simulation/simulation-vocabulary';
import { ListRefundsQueryDto } from './dto/list-refunds.query';
import { RefundView, toRefundView } from './dto/refund.view';
import { RefundEntity, RefundStatus } from './entities/refund.entity';

const REFUND_FAILURE_CODE = 'refund_failure';

interface Outcome {
  refund: RefundEntity;
  afterCommit: AfterCommit;
}

@Injectable()
export class RefundsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly payments: PaymentsService,
    private readonly events: EventsService,
    private readonly clock: ClockService,
    private readonly simulation: SimulationService,
    private readonly scheduler: ScheduledActionsService,
    private readonly reviews: ReviewsService,
  ) {}

  /**
   * Refunds (part of) a captured payment. The payment row lock serialises concurrent refunds,
   * the machine decides legality, and payments_amount_refunded_chk backs it in the database.
   */
  async create(actor: Actor, paymentId: string, dto: CreateRefundDto, simulateHeader?: string | string[]): Promise<RefundView> {
    const header = parseSimulateHeader(simulateHeader, REFUND_SIMULATE_VALUES);
    const requested = dto.simulate ?? header;
    const { refund, afterCommit } = await this.db.transaction(async (manager): Promise<Outcome> => {
      const payment = await this.payments.lockForUpdate(manager, actor, paymentId);
      const recovered = await this.findByIdempotencyKey(manager, actor);
      if (recovered) return { refund: recovered, afterCommit: () => undefined };
      this.simulation.failBeforeCommit(actor, 'refund.create', requested);
      const event: PaymentEvent = { type: 'REFUND', amount: dto.amount ?? payment.amountCaptured - payment.amountRefunded };
      const status: RefundStatus = requested === 'fail_later' || payment.refundFailsLater ? 'PENDING' : 'SUCCEEDED';
      const outcome =
        requested === 'refund_failure'
          ? await this.recordFailure(manager, actor, payment, event, dto)
          : await this.recordSuccess(manager, actor, payment, event, dto, status);
      // lost_response: the payment's timeline shows the refund's answer was lost on purpose (same transaction).
      await this.simulation.recordCommittedFault(manager, actor, requested, {
        operation: 'refund.create',
        paymentId: payment.id,
        refundId: outcome.refund.id,
        at: outcome.refund.createdAt,
      });
      return outcome;
    });
    afterCommit();
    this.simulation.afterCommit(actor, 'refund.create', requested);
    await sleep(dto.simulate_delay_ms);
    return toRefundView(refund);
  }

  async get(actor: Actor, id: string): Promise<RefundView> {
    const row = await this.db.manager.findOneBy(RefundEntity, { id, merchantId: actor.merchantId });
    if (!row) throw DomainError.notFound('refund', id);
    return toRefundView(row);
  }

  async list(actor: Actor, query: ListRefundsQueryDto): Promise<ListResponse<RefundView>> {
    const where: FindOptionsWhere<RefundEntity> = {
      merchantId: actor.merchantId,
      ...(query.payment_id ? { paymentId: query.payment_id } : {}),
      ...(query.status ? { status: query.status } : {}),
      ...(query.starting_after ? { id: LessThan(query.starting_after) } : {}),
      ...createdWithin(query.created),
    };
    const rows = await this.db.manager.find(RefundEntity, { where, order: { id: 'DESC' }, take: query.limit + 1 });
    return toList(rows, query.limit, toRefundView);
  }

  private async recordSuccess(
    manager: EntityManager,
    actor: Actor,
    payment: PaymentEntity,
    event: { type: 'REFUND'; amount: number },
    dto: CreateRefundDto,
    status: RefundStatus,
  ): Promise<Outcome> {
    // A PENDING refund moves the payment now (its amount counts as refunded) and gives it back if it fails.
    const paymentEvents = await this.payments.applyEvent(manager, actor, payment, event);
    const refund = await this.insertRefund(manager, actor, payment, event.amount, status, dto);
    if (status === 'PENDING') {
      const dueAt = new Date(refund.createdAt.getTime() + REFUND_FAIL_LATER_DELAY_MS);
      await this.scheduler.schedule(manager, { merchantId: actor.merchantId, kind: REFUND_FAIL_LATER_KIND, dueAt, payload: { refund_id: refund.id }, dedupeKey: refund.id });
    }
    // A refund settles the question a review asked: its open review (if any) closes as refunded.
    const reviewEvents = await this.reviews.closeForRefund(manager, actor.merchantId, payment.id);
    // Order (ids and sequence follow it): the refund, then the payment state change it caused, then the review.
    const afterCommit = await this.events.record(manager, actor.merchantId, [
      this.refundEvent(status === 'PENDING' ? 'refund.pending' : 'refund.succeeded', refund),
      ...paymentEvents.map((paymentEvent) => ({ ...paymentEvent, refundId: refund.id })),
      ...reviewEvents,
    ]);
    return { refund, afterCommit };
  }

  /** A simulated processor failure: still only for a refund the machine would allow; the payment is untouched. */
  private async recordFailure(
    manager: EntityManager,
    actor: Actor,
    payment: PaymentEntity,
    event: { type: 'REFUND'; amount: number },
    dto: CreateRefundDto,
  ): Promise<Outcome> {
    this.payments.assertAllowed(payment, event);
    const refund = await this.insertRefund(manager, actor, payment, event.amount, 'FAILED', dto);
    const afterCommit = await this.events.record(manager, actor.merchantId, [this.refundEvent('refund.failed', refund)]);
    return { refund, afterCommit };
  }

  /**
   * The failure of a PENDING refund (due 1 h after it was created, merchant clock): the refund
   * becomes FAILED and the payment gets the amount back through the machine (REVERT_REFUND, a
   * history row, payment.refund_reverted). Idempotent: a refund no longer PENDING is left alone.
   */
  async failPending(manager: EntityManager, merchantId: string, refundId: string, requestId: string): Promise<AfterCommit> {
    const pending = await manager.findOneBy(RefundEntity, { id: refundId, merchantId });
    if (!pending) return () => undefined;
    const actor: Actor = { merchantId, apiKeyId: '', requestId };
    const payment = await this.payments.lockForUpdate(manager, actor, pending.paymentId);
    const refund = await manager.findOne(RefundEntity, { where: { id: refundId }, lock: { mode: 'pessimistic_write' } });
    if (!refund || refund.status !== 'PENDING') return () => undefined;
    const paymentEvents = await this.payments.applyEvent(manager, actor, payment, { type: 'REVERT_REFUND', amount: refund.amount });
    refund.status = 'FAILED';
    refund.failureCode = REFUND_FAILURE_CODE;
    await manager.update(RefundEntity, { id: refund.id }, { status: refund.status, failureCode: refund.failureCode });
    return this.events.record(manager, merchantId, [
      this.refundEvent('refund.failed', refund, payment.updatedAt),
      ...paymentEvents.map((paymentEvent) => ({ ...paymentEvent, refundId: refund.id })),
    ]);
  }

  private async insertRefund(
    manager: EntityManager,
    actor: Actor,
    payment: PaymentEntity,
    amount: number,
    status: RefundStatus,
    dto: CreateRefundDto,
  ): Promise<RefundEntity> {
    const refund = Object.assign(new RefundEntity(), {
      id: newId('refund'),
      merchantId: actor.merchantId,
      paymentId: payment.id,
      amount,
      currency: payment.currency,
      status,
      reason: dto.reason ?? null,
      failureCode: status === 'FAILED' ? REFUND_FAILURE_CODE : null,
      idempotencyKey: actor.idempotencyKey ?? null,
      createdAt: await this.clock.now(actor.merchantId, manager),
    } satisfies RefundEntity);
    await manager.insert(RefundEntity, refund);
    return refund;
  }

  /** After a crashed first attempt, the retry returns the refund that attempt committed. */
  private async findByIdempotencyKey(manager: EntityManager, actor: Actor): Promise<RefundEntity | null> {
    if (!actor.idempotencyKey) return null;
    return manager.findOneBy(RefundEntity, { merchantId: actor.merchantId, idempotencyKey: actor.idempotencyKey });
  }

  private refundEvent(type: string, refund: RefundEntity, occurredAt: Date = refund.createdAt): DomainEvent {
    return {
      type,
      paymentId: refund.paymentId,
      refundId: refund.id,
      object: toRefundView(refund) as unknown as Record<string, unknown>,
      occurredAt,
    };
  }
}
