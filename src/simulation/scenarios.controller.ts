import { Body, Controller, Delete, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor } from '../auth/current-actor.decorator';
import { Actor } from '../common/actor';
import { ListQueryDto } from '../common/pagination';
import { CreateScenarioDto } from './dto/create-scenario.dto';
import { DeletedScenarioView, ScenarioView } from './dto/scenario.view';
import { ScenariosService } from './scenarios.service';

@ApiTags('Simulation scenarios')
@ApiBearerAuth()
@Controller('v1/simulation-scenarios')
export class ScenariosController {
  constructor(private readonly scenarios: ScenariosService) {}

  @Post()
  @ApiOperation({
    summary: 'Script the outcomes of matching payment creates',
    description:
      'Each payment create that matches (and names no simulate in its body or Sandbox-Simulate header) takes the next outcome, ' +
      'exactly once each, also under concurrency; the newest matching scenario wins. An idempotent replay takes none.',
  })
  @ApiCreatedResponse({ type: ScenarioView })
  create(@CurrentActor() actor: Actor, @Body() dto: CreateScenarioDto): Promise<ScenarioView> {
    return this.scenarios.create(actor, dto);
  }

  @Get()
  @ApiOperation({ summary: 'List simulation scenarios, newest first' })
  list(@CurrentActor() actor: Actor, @Query() query: ListQueryDto) {
    return this.scenarios.list(actor, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Retrieve a simulation scenario (with how many outcomes it has handed out)' })
  @ApiOkResponse({ type: ScenarioView })
  get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<ScenarioView> {
    return this.scenarios.get(actor, id);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Delete a simulation scenario (matching creates go back to the usual rules)' })
  @ApiOkResponse({ type: DeletedScenarioView })
  remove(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<DeletedScenarioView> {
    return this.scenarios.remove(actor, id);
  }
}
