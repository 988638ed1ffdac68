import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentActor } from '../auth/current-actor.decorator';
import { AllowStreamToken } from '../auth/public.decorator';
import { Actor } from '../common/actor';
import { StreamQueryDto } from './dto/stream-query.dto';
import { StreamService } from './stream.service';

@ApiTags('Live stream')
@ApiBearerAuth()
@Controller('v1/events/stream')
export class StreamController {
  constructor(private readonly stream: StreamService) {}

  @Get()
  @AllowStreamToken()
  @ApiOperation({
    summary: 'Live events (Server-Sent Events)',
    description:
      'Each event as `id: evt_…`, `event: <type>`, `data: <the webhook body>`; a `: heartbeat` comment every STREAM_HEARTBEAT_MS. ' +
      'Reconnect with Last-Event-ID (or ?last_event_id=) to receive what you missed, from the stored events (up to 10,000). ' +
      'Authenticate with Authorization, or ?token= from POST /v1/stream-tokens. A client that falls more than ' +
      'STREAM_CLIENT_BUFFER_BYTES behind is disconnected. WebSocket clients use /v1/ws (see the README).',
  })
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Resume after this event id.', example: 'evt_01JD4C1Z0K3M5N7P9Q2R4S6T8V' })
  @ApiProduces('text/event-stream')
  @ApiResponse({
    status: 200,
    description: 'An endless text/event-stream.',
    content: {
      'text/event-stream': {
        schema: { type: 'string' },
        example:
          'id: evt_01JD4C1Z0K3M5N7P9Q2R4S6T8V\nevent: payment.captured\ndata: {"id":"evt_01JD4C1Z0K3M5N7P9Q2R4S6T8V","object":"event","type":"payment.captured","created_at":"2026-11-22T10:00:00.000Z","data":{"object":{"id":"pay_01JD4C1Z0K3M5N7P9Q2R4S6T8V","object":"payment","status":"CAPTURED"}}}\n\n',
      },
    },
  })
  open(
    @CurrentActor() actor: Actor,
    @Query() query: StreamQueryDto,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.stream.openSse(actor, query, lastEventId, reply);
  }
}
