import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CteStatement } from '../database/cte-statement';
import { ScheduleRequest } from '../scheduling/scheduled-action';
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
    await this.actions.schedule(manager, request(merchantId, paymentId, timer, dueAt));
  }

  /** The same, as the `scheduled_action` CTE of the caller's one-statement write. */
  appendSchedule(statement: CteStatement, merchantId: string, paymentId: string, timers: Array<[StepTimer, Date]>): void {
    this.actions.appendSchedule(statement, timers.map(([timer, dueAt]) => request(merchantId, paymentId, timer, dueAt)));
  }
}

function request(merchantId: string, paymentId: string, timer: StepTimer, dueAt: Date): ScheduleRequest {
  const payload: StepTimerPayload = { payment_id: paymentId, timer };
  return { merchantId, kind: CUSTOMER_STEP_TIMER_KIND, dueAt, payload: { ...payload }, dedupeKey: `${paymentId}:${timer}` };
}
