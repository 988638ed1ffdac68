import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor } from '../auth/current-actor.decorator';
import { Actor } from '../common/actor';
import { CancelPaymentDto, CapturePaymentDto } from './dto/capture-payment.dto';
import { CreatePaymentDto } from './dto/create-payment.dto';
import { CardPaymentMethodDto } from '../payment-methods/dto/payment-method.dto';
import { ListPaymentsQueryDto } from './dto/list-payments.query';
import { PaymentView } from './dto/payment.view';
import { PaymentsService } from './payments.service';

@ApiTags('Payments')
@ApiBearerAuth()
@ApiExtraModels(CardPaymentMethodDto)
@Controller('v1/payments')
export class PaymentsController {
  constructor(private readonly payments: PaymentsService) {}

  @Post()
  @ApiOperation({
    summary: 'Create and process a payment',
    description:
      'Authorizes (and, with capture_method=automatic, captures) a payment. Declines still answer 201 with status FAILED; ' +
      'simulate=network_timeout answers 504 after the delay, naming the FAILED payment in error.payment_id.',
  })
  @ApiCreatedResponse({ type: PaymentView })
  create(@CurrentActor() actor: Actor, @Body() dto: CreatePaymentDto): Promise<PaymentView> {
    return this.payments.create(actor, dto);
  }

  @Get()
  @ApiOperation({ summary: 'List payments, newest first' })
  list(@CurrentActor() actor: Actor, @Query() query: ListPaymentsQueryDto) {
    return this.payments.list(actor, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Retrieve a payment' })
  @ApiOkResponse({ type: PaymentView })
  get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<PaymentView> {
    return this.payments.get(actor, id);
  }

  @Post(':id/capture')
  @HttpCode(200)
  @ApiOperation({ summary: 'Capture an AUTHORIZED payment (full or partial)' })
  @ApiOkResponse({ type: PaymentView })
  capture(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: CapturePaymentDto): Promise<PaymentView> {
    return this.payments.capture(actor, id, dto);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel (void) an AUTHORIZED payment' })
  @ApiOkResponse({ type: PaymentView })
  cancel(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: CancelPaymentDto): Promise<PaymentView> {
    return this.payments.cancel(actor, id, dto);
  }
}
