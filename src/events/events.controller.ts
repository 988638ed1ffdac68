import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor } from '../auth/current-actor.decorator';
import { Actor } from '../common/actor';
import { EventView } from './dto/event.view';
import { ListEventsQueryDto } from './dto/list-events.query';
import { EventsService } from './events.service';
import { ResendEventDto } from '../webhooks/dto/resend-event.dto';
import { WebhookDeliveryListView } from '../webhooks/dto/webhook-delivery.view';

@ApiTags('Events')
@ApiBearerAuth()
@Controller('v1/events')
export class EventsController {
  constructor(private readonly events: EventsService) {}

  @Get()
  @ApiOperation({ summary: 'List events, newest first (filter by type or payment_id)' })
  list(@CurrentActor() actor: Actor, @Query() query: ListEventsQueryDto) {
    return this.events.list(actor, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Retrieve an event' })
  @ApiOkResponse({ type: EventView })
  get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<EventView> {
    return this.events.get(actor, id);
  }

  @Get(':id/deliveries')
  @ApiOperation({ summary: "Each endpoint's delivery of this event, with every attempt (time, status code, duration, error)" })
  @ApiOkResponse({ type: WebhookDeliveryListView })
  deliveries(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<WebhookDeliveryListView> {
    return this.events.listDeliveries(actor, id);
  }

  @Post(':id/resend')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Deliver the event again now',
    description:
      'To every enabled endpoint that has a delivery of this event or is subscribed to its type (creating missing deliveries), ' +
      'or only to endpoint_id. Answers 202 with the deliveries that will be attempted.',
  })
  @ApiAcceptedResponse({ type: WebhookDeliveryListView })
  resend(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: ResendEventDto): Promise<WebhookDeliveryListView> {
    return this.events.resend(actor, id, dto?.endpoint_id);
  }
}
