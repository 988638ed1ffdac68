import { Body, Controller, Get, HttpCode, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor } from '../auth/current-actor.decorator';
import { Actor } from '../common/actor';
import { SkipIdempotency } from '../idempotency/skip-idempotency.decorator';
import { EvaluateRoutingDto } from './dto/evaluate-routing.dto';
import { PutRoutingDto } from './dto/routing-config.dto';
import { RoutingEvaluationView, RoutingView } from './dto/routing.view';
import { RoutingService } from './routing.service';

@ApiTags('Routing')
@ApiBearerAuth()
@Controller('v1/routing')
export class RoutingController {
  constructor(private readonly routing: RoutingService) {}

  @Get()
  @ApiOperation({ summary: "The merchant's routing rules (the documented default until it sets its own)" })
  @ApiOkResponse({ type: RoutingView })
  get(@CurrentActor() actor: Actor): Promise<RoutingView> {
    return this.routing.get(actor);
  }

  @Put()
  @ApiOperation({ summary: 'Replace the routing rules (validated: connectors must exist, splits sum to 100)' })
  @ApiOkResponse({ type: RoutingView })
  put(@CurrentActor() actor: Actor, @Body() dto: PutRoutingDto): Promise<RoutingView> {
    return this.routing.put(actor, dto);
  }

  @Post('evaluate')
  @HttpCode(200)
  @SkipIdempotency() // creates nothing: a read with a body
  @ApiOperation({ summary: 'Explain where a payment with this body would go (matching rule, candidates, order); creates nothing' })
  @ApiOkResponse({ type: RoutingEvaluationView })
  evaluate(@CurrentActor() actor: Actor, @Body() dto: EvaluateRoutingDto): Promise<RoutingEvaluationView> {
    return this.routing.evaluate(actor, dto);
  }
}
