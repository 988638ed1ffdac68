import { Injectable, OnModuleInit } from '@nestjs/common';
import { ActionContext, ScheduledAction } from '../scheduling/scheduled-action';
import { ScheduledActionsService } from '../scheduling/scheduled-actions.service';
import { REFUND_FAIL_LATER_KIND } from './refund-fail-later.kind';
import { RefundsService } from './refunds.service';


/** Registers the handler: the refund becomes FAILED and the payment gets its amount back (idempotent). */
@Injectable()
export class RefundFailure implements OnModuleInit {
  constructor(
    private readonly scheduler: ScheduledActionsService,
    private readonly refunds: RefundsService,
  ) {}

  onModuleInit(): void {
    this.scheduler.registerHandler(REFUND_FAIL_LATER_KIND, (action, context) => this.fail(action, context));
  }

  private async fail(action: ScheduledAction, { manager, afterCommit }: ActionContext): Promise<void> {
    afterCommit(await this.refunds.failPending(manager, action.merchantId, String(action.payload.refund_id), `scheduled_action_${action.id}`));
  }
}
