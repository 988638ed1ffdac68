import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ScheduledActionsService } from '../scheduling/scheduled-actions.service';
import type { StepTimer } from './customer-step';

/** The scheduled-work kind every customer-step timer runs as. */
export const CUSTOMER_STEP_TIMER_KIND = 'payment.customer_step';

export interface StepTimerPayload {
  payment_id: string;
  timer: StepTimer;
}

export function isStepTimerPayload(payload: Record<string, unknown>): payload is Record<string, unknown> & StepTimerPayload {
  return typeof payload.payment_id === 'string' && ['auto', 'expire', 'late'].includes(payload.timer as string);
}

/**
 * The one seam between customer steps and scheduled work on the merchant clock (scheduled_actions):
 * schedules a timer in the caller's transaction, at most one per (payment, timer).
 */
@Injectable()
export class StepTimers {
  constructor(private readonly actions: ScheduledActionsService) {}

  async schedule(manager: EntityManager, merchantId: string, paymentId: string, timer: StepTimer, dueAt: Date): Promise<void> {
    const payload: StepTimerPayload = { payment_id: paymentId, timer };
    await this.actions.schedule(manager, { merchantId, kind: CUSTOMER_STEP_TIMER_KIND, dueAt, payload: { ...payload }, dedupeKey: `${paymentId}:${timer}` });
  }
}
