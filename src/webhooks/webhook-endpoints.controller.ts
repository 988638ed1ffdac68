import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor } from '../auth/current-actor.decorator';
import { Actor } from '../common/actor';
import { RedactOnReplay } from '../idempotency/redact-on-replay.decorator';
import { ListQueryDto } from '../common/pagination';
import { CreateWebhookEndpointDto } from './dto/create-webhook-endpoint.dto';
import { UpdateWebhookEndpointDto } from './dto/update-webhook-endpoint.dto';
import { DeletedWebhookEndpointView, WebhookEndpointView } from './dto/webhook-endpoint.view';
import { WebhookEndpointsService } from './webhook-endpoints.service';

@ApiTags('Webhook endpoints')
@ApiBearerAuth()
@Controller('v1/webhook-endpoints')
export class WebhookEndpointsController {
  constructor(private readonly endpoints: WebhookEndpointsService) {}

  @Post()
  @RedactOnReplay('secret') // the secret is never stored for replays: a replay answers secret: null
  @ApiOperation({ summary: 'Register an endpoint; the signing secret is in this response (and rotate-secret) only' })
  @ApiCreatedResponse({ type: WebhookEndpointView })
  create(@CurrentActor() actor: Actor, @Body() dto: CreateWebhookEndpointDto): Promise<WebhookEndpointView> {
    return this.endpoints.create(actor, dto);
  }

  @Get()
  @ApiOperation({ summary: 'List webhook endpoints, newest first (without secrets)' })
  list(@CurrentActor() actor: Actor, @Query() query: ListQueryDto) {
    return this.endpoints.list(actor, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Retrieve a webhook endpoint (without its secret)' })
  @ApiOkResponse({ type: WebhookEndpointView })
  get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<WebhookEndpointView> {
    return this.endpoints.get(actor, id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Update url, enabled_events, description or status (enabled|disabled)' })
  @ApiOkResponse({ type: WebhookEndpointView })
  update(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: UpdateWebhookEndpointDto): Promise<WebhookEndpointView> {
    return this.endpoints.update(actor, id, dto);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Delete a webhook endpoint and its delivery log' })
  @ApiOkResponse({ type: DeletedWebhookEndpointView })
  remove(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<DeletedWebhookEndpointView> {
    return this.endpoints.remove(actor, id);
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @RedactOnReplay('secret')
  @ApiOperation({ summary: 'Issue a new signing secret; the old one keeps signing (second v1 entry) for 24 h' })
  @ApiOkResponse({ type: WebhookEndpointView })
  rotateSecret(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<WebhookEndpointView> {
    return this.endpoints.rotateSecret(actor, id);
  }
}
