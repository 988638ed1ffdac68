import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { StepTimer } from './customer-step';

/** The scheduled-work kind every customer-step timer runs as. */
export const CUSTOMER_STEP_TIMER_KIND = 'payment.customer_step';

export interface StepTimerPayload {
  paymentId: string;
  timer: StepTimer;
}

/**
 * The one seam between customer steps and scheduled work on the merchant clock: schedules a
 * timer in the caller's transaction. Handlers are idempotent (they re-check the payment under its lock).
 */
@Injectable()
export class StepTimers {
  async schedule(_manager: EntityManager, _merchantId: string, _payload: StepTimerPayload, _dueAt: Date): Promise<void> {
    // Wired to scheduled_actions once the clock issue lands.
  }
}
