import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor } from '../auth/current-actor.decorator';
import { Actor } from '../common/actor';
import { TimelineView } from './dto/timeline.view';
import { TimelineService } from './timeline.service';

@ApiTags('Payments')
@ApiBearerAuth()
@Controller('v1/payments')
export class TimelineController {
  constructor(private readonly timeline: TimelineService) {}

  @Get(':id/timeline')
  @ApiOperation({
    summary: "A payment's timeline",
    description:
      'Transitions (from, to, API key, request id, client IP, user agent), events, webhook deliveries with their attempts ' +
      '(and connector attempts and reviews where those features record them), in time order; `at` is merchant time.',
  })
  @ApiOkResponse({ type: TimelineView })
  get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<TimelineView> {
    return this.timeline.forPayment(actor, id);
  }
}
