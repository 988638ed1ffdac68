import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor } from '../auth/current-actor.decorator';
import { Actor } from '../common/actor';
import { ConnectorsService } from './connectors.service';
import { ConnectorHealthView, ConnectorListView, ConnectorView } from './dto/connector.view';
import { CreateConnectorDto, UpdateConnectorDto } from './dto/create-connector.dto';
import { CreateOutageDto, ForceCircuitDto } from './dto/outage.dto';

@ApiTags('Connectors')
@ApiBearerAuth()
@Controller('v1/connectors')
export class ConnectorsController {
  constructor(private readonly connectors: ConnectorsService) {}

  @Get()
  @ApiOperation({ summary: "List the merchant's connectors: the five built-ins (its own copies), then custom ones" })
  @ApiOkResponse({ type: ConnectorListView })
  list(@CurrentActor() actor: Actor): Promise<ConnectorListView> {
    return this.connectors.list(actor);
  }

  @Post()
  @ApiOperation({ summary: 'Add a custom simulated connector' })
  @ApiCreatedResponse({ type: ConnectorView })
  create(@CurrentActor() actor: Actor, @Body() dto: CreateConnectorDto): Promise<ConnectorView> {
    return this.connectors.create(actor, dto);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Retrieve a connector' })
  @ApiOkResponse({ type: ConnectorView })
  get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<ConnectorView> {
    return this.connectors.get(actor, id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Enable/disable a connector or change its profile (latency, technical errors, declines)' })
  @ApiOkResponse({ type: ConnectorView })
  update(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: UpdateConnectorDto): Promise<ConnectorView> {
    return this.connectors.update(actor, id, dto);
  }

  @Post(':id/outages')
  @ApiOperation({ summary: 'Start an outage: every call fails technically (mode) for `for` or until `until` (merchant clock)' })
  @ApiCreatedResponse({ type: ConnectorView })
  startOutage(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: CreateOutageDto): Promise<ConnectorView> {
    return this.connectors.startOutage(actor, id, dto);
  }

  @Delete(':id/outages')
  @ApiOperation({ summary: 'End the outage now' })
  @ApiOkResponse({ type: ConnectorView })
  endOutage(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<ConnectorView> {
    return this.connectors.endOutage(actor, id);
  }

  @Get(':id/health')
  @ApiOperation({ summary: 'Circuit state, recent failures and success rate (last 30 s, merchant clock), last error, outage' })
  @ApiOkResponse({ type: ConnectorHealthView })
  health(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<ConnectorHealthView> {
    return this.connectors.health(actor, id);
  }

  @Post(':id/circuit')
  @HttpCode(200)
  @ApiOperation({ summary: 'Force the circuit open (until forced closed) or closed' })
  @ApiOkResponse({ type: ConnectorHealthView })
  forceCircuit(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: ForceCircuitDto): Promise<ConnectorHealthView> {
    return this.connectors.forceCircuit(actor, id, dto);
  }
}
