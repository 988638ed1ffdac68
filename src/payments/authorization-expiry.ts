import { Injectable, OnModuleInit } from '@nestjs/common';
import { Actor } from '../common/actor';
import { ActionContext, ScheduledAction } from '../scheduling/scheduled-action';
import { ScheduledActionsService } from '../scheduling/scheduled-actions.service';
import { AUTHORIZATION_EXPIRY_KIND } from './authorization-expiry.kind';
import { PaymentEntity } from './entities/payment.entity';
import { PaymentsService } from './payments.service';

/**
 * The scheduled action due at a payment's capture_before: cancels it through the machine
 * (cancellation_reason authorization_expired, a history row, payment.canceled). Idempotent: a
 * payment no longer AUTHORIZED (captured, canceled, already expired) is left alone.
 */
@Injectable()
export class AuthorizationExpiry implements OnModuleInit {
  constructor(
    private readonly scheduler: ScheduledActionsService,
    private readonly payments: PaymentsService,
  ) {}

  onModuleInit(): void {
    this.scheduler.registerHandler(AUTHORIZATION_EXPIRY_KIND, (action, context) => this.expire(action, context));
  }

  private async expire(action: ScheduledAction, { manager, afterCommit }: ActionContext): Promise<void> {
    const payment = await manager.findOne(PaymentEntity, {
      where: { id: String(action.payload.payment_id), merchantId: action.merchantId },
      lock: { mode: 'pessimistic_write' },
    });
    if (!payment || payment.status !== 'AUTHORIZED') return;
    const actor: Actor = { merchantId: action.merchantId, apiKeyId: null, requestId: `scheduled_action_${action.id}` };
    afterCommit(await this.payments.applyAndRecord(manager, actor, payment, { type: 'CANCEL', reason: 'authorization_expired' }));
  }
}
