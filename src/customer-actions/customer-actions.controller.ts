import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor } from '../auth/current-actor.decorator';
import { Actor } from '../common/actor';
import { CustomerActionDto } from '../payment-methods/dto/customer-action.dto';
import { PaymentView } from '../payments/dto/payment.view';
import { CustomerActionsService } from './customer-actions.service';

@ApiTags('Payments')
@ApiBearerAuth()
@Controller('v1/payments')
export class CustomerActionsController {
  constructor(private readonly customerActions: CustomerActionsService) {}

  @Post(':id/customer-action')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Test helper: resolve the pending customer step now',
    description:
      'Acts as the customer of a REQUIRES_ACTION (3-D Secure) or PROCESSING (UPI, M-Pesa) payment. approve completes the step ' +
      '(the bank’s answer still applies: a card that declines after authentication, failure@/nofunds@ VPAs, M-Pesa code 1); ' +
      'fail, cancel and abandon fail it. Without this call the step resolves by itself on the merchant clock.',
  })
  @ApiOkResponse({ type: PaymentView })
  @ApiConflictResponse({ description: 'payment_invalid_state: nothing is pending' })
  @ApiNotFoundResponse({ description: 'resource_missing: no such payment for this merchant' })
  act(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: CustomerActionDto): Promise<PaymentView> {
    return this.customerActions.act(actor, id, dto.action);
  }
}
