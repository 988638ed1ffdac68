import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor } from '../auth/current-actor.decorator';
import { Actor } from '../common/actor';
import { EventView } from './dto/event.view';
import { ListEventsQueryDto } from './dto/list-events.query';
import { EventsService } from './events.service';

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
}
