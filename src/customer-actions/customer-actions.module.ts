import { Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { EventsModule } from '../events/events.module';
import { PaymentMethodsModule } from '../payment-methods/payment-methods.module';
import { CUSTOMER_STEP_TIMER_KIND, isStepTimerPayload } from '../payment-methods/step-timers';
import { ReviewsModule } from '../reviews/reviews.module';
import { RiskModule } from '../risk/risk.module';
import { PaymentsModule } from '../payments/payments.module';
import { ScheduledActionsService } from '../scheduling/scheduled-actions.service';
import { CustomerActionsController } from './customer-actions.controller';
import { CustomerActionsService } from './customer-actions.service';
import { acceptChallengeForms } from './form-body';
import { ThreeDSecurePageController } from './three-d-secure-page.controller';
import { ThreeDSecurePageService } from './three-d-secure-page.service';

/**
 * The customer's side of pending steps: the customer-action test helper, the 3-D Secure page, and
 * the timers (automatic answers, expiries, late UPI authorizations) on the merchant clock.
 */
@Module({
  imports: [PaymentsModule, PaymentMethodsModule, EventsModule, RiskModule, ReviewsModule],
  controllers: [CustomerActionsController, ThreeDSecurePageController],
  providers: [CustomerActionsService, ThreeDSecurePageService],
})
export class CustomerActionsModule implements OnModuleInit {
  constructor(
    private readonly actions: ScheduledActionsService,
    private readonly customerActions: CustomerActionsService,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  onModuleInit(): void {
    this.actions.registerHandler(CUSTOMER_STEP_TIMER_KIND, async (action, context) => {
      if (!isStepTimerPayload(action.payload)) return;
      const actor = { merchantId: action.merchantId, apiKeyId: null, requestId: `scheduled_action_${action.id}` };
      context.afterCommit(await this.customerActions.onTimer(context.manager, actor, action.payload.payment_id, action.payload.timer));
    });
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (fastify) acceptChallengeForms(fastify, '/v1/3ds/');
  }
}
