import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor } from '../auth/current-actor.decorator';
import { Actor } from '../common/actor';
import { NoParametersPipe } from '../common/no-parameters.pipe';
import { AdvanceClockDto } from './dto/advance-clock.dto';
import { TestClockView } from './dto/test-clock.view';
import { TestClockService } from './test-clock.service';

@ApiTags('Test clock')
@ApiBearerAuth()
@Controller('v1/test-clock')
export class TestClockController {
  constructor(private readonly clocks: TestClockService) {}

  @Get()
  @ApiOperation({ summary: "The merchant's clock", description: 'Every merchant lives on its own clock; by default it follows the wall clock.' })
  @ApiOkResponse({ type: TestClockView })
  get(@CurrentActor() actor: Actor): Promise<TestClockView> {
    return this.clocks.get(actor);
  }

  @Post('advance')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Move the clock forward and run the work that falls due',
    description:
      'Give `by` ("7d"; units ms, s, m, h, d) or `to` (an ISO time). Forward only (400 clock_backwards), at most 400 days per call. ' +
      "Before answering, runs every scheduled action of this merchant that falls due, in time order, each at its own due time " +
      '(what it records carries that time): authorization expiries, webhook retries, customer-action timers.',
  })
  @ApiBody({
    type: AdvanceClockDto,
    examples: { by: { summary: 'A week later', value: { by: '7d' } }, to: { summary: 'To a given time', value: { to: '2026-12-08T10:00:00Z' } } },
  })
  @ApiOkResponse({ type: TestClockView })
  @ApiBadRequestResponse({ description: 'Malformed, both or neither of by/to (parameter_invalid / parameter_missing), backwards (clock_backwards), more than 400 days.' })
  advance(@CurrentActor() actor: Actor, @Body() dto: AdvanceClockDto): Promise<TestClockView> {
    return this.clocks.advance(actor, dto);
  }

  @Post('freeze')
  @HttpCode(200)
  @ApiOperation({ summary: 'Stop the clock', description: 'Time stands still (every created_at equal) until advanced or unfrozen.' })
  @ApiOkResponse({ type: TestClockView })
  freeze(@CurrentActor() actor: Actor, @Body(NoParametersPipe) _body: unknown): Promise<TestClockView> {
    return this.clocks.freeze(actor);
  }

  @Post('unfreeze')
  @HttpCode(200)
  @ApiOperation({ summary: 'Let the clock run again', description: 'Time runs on from where it stood.' })
  @ApiOkResponse({ type: TestClockView })
  unfreeze(@CurrentActor() actor: Actor, @Body(NoParametersPipe) _body: unknown): Promise<TestClockView> {
    return this.clocks.unfreeze(actor);
  }
}
