import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor } from '../auth/current-actor.decorator';
import { Actor } from '../common/actor';
import { ListResponse } from '../common/pagination';
import { CreateRefundDto } from './dto/create-refund.dto';
import { ListRefundsQueryDto } from './dto/list-refunds.query';
import { RefundView } from './dto/refund.view';
import { RefundsService } from './refunds.service';
import { ApiSimulateHeader, SimulateHeader } from '../simulation/simulate-header.decorator';
import { REFUND_SIMULATE_VALUES } from '../simulation/simulation-vocabulary';

@ApiTags('Refunds')
@ApiBearerAuth()
@Controller('v1')
export class RefundsController {
  constructor(private readonly refunds: RefundsService) {}

  @Post('payments/:id/refunds')
  @ApiOperation({
    summary: 'Refund a captured payment (full or partial)',
    description:
      'amount defaults to what remains refundable. Not captured → 409 payment_invalid_state (whatever the amount); ' +
      'more than remains → 400 refund_exceeds_captured. simulate=refund_failure records a FAILED refund and leaves the payment unchanged. ' +
      'API faults as on payment create: api_error (500), service_unavailable (503 + Retry-After), connection_reset (no answer) ' +
      'commit nothing; lost_response commits the refund, then closes the connection.',
  })
  @ApiSimulateHeader(REFUND_SIMULATE_VALUES)
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Retry safely: the same key and body answer the stored result (Idempotent-Replayed: true).',
    example: 'refund-order-1234',
  })
  @ApiCreatedResponse({ type: RefundView })
  create(
    @CurrentActor() actor: Actor,
    @Param('id') paymentId: string,
    @Body() dto: CreateRefundDto,
    @SimulateHeader() simulate?: string | string[],
  ): Promise<RefundView> {
    return this.refunds.create(actor, paymentId, dto, simulate);
  }

  @Get('refunds')
  @ApiOperation({ summary: 'List refunds, newest first (filter by payment_id)' })
  list(@CurrentActor() actor: Actor, @Query() query: ListRefundsQueryDto): Promise<ListResponse<RefundView>> {
    return this.refunds.list(actor, query);
  }

  @Get('refunds/:id')
  @ApiOperation({ summary: 'Retrieve a refund' })
  @ApiOkResponse({ type: RefundView })
  get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<RefundView> {
    return this.refunds.get(actor, id);
  }
}
