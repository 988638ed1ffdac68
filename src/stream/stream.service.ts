import { Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Actor } from '../common/actor';
import { DomainError } from '../common/errors/domain-error';
import { AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { PaymentsService } from '../payments/payments.service';
import { splitTypes, StreamQueryDto } from './dto/stream-query.dto';
import { SseConnection } from './sse-connection';
import { EventSink, OpenSubscription, StreamHub } from './stream-hub';
import { parseEventTypes, parseLastEventId, StreamFilter } from './stream-filter';

/** What a client asks a live stream for, before validation. `params` names each input in errors. */
export interface StreamRequest {
  types?: string[];
  paymentId?: string;
  lastEventId?: string;
  params: { types: string; paymentId: string; lastEventId: string };
}

/** Opens live streams (SSE here, WebSocket sessions through `subscribe`) on the hub, after checking what they ask for. */
@Injectable()
export class StreamService {
  constructor(
    private readonly hub: StreamHub,
    private readonly payments: PaymentsService,
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {}

  /** GET /v1/events/stream: validates (400/404 as JSON), then takes the response over as text/event-stream. */
  async openSse(actor: Actor, query: StreamQueryDto, lastEventIdHeader: string | undefined, reply: FastifyReply): Promise<void> {
    const useHeader = lastEventIdHeader !== undefined && lastEventIdHeader !== '';
    const request: StreamRequest = {
      types: splitTypes(query.types),
      paymentId: query.payment_id,
      lastEventId: useHeader ? lastEventIdHeader : query.last_event_id,
      params: { types: 'types', paymentId: 'payment_id', lastEventId: useHeader ? 'Last-Event-ID' : 'last_event_id' },
    };
    const { filter, afterId } = await this.resolve(actor, request);
    reply.hijack();
    const connection = new SseConnection(reply.raw, {
      heartbeatMs: this.config.streamHeartbeatMs,
      maxBufferedBytes: this.config.streamClientBufferBytes,
      headers: { 'Request-Id': actor.requestId },
      onDropped: () => this.metrics.streamDropped.inc(),
    });
    const subscription = this.hub.open(actor.merchantId, filter, (event) => connection.send(event), afterId, () => connection.drained());
    connection.onClose(() => subscription.close());
  }

  /** A WebSocket subscription (validated like SSE); the caller closes it when the socket closes. */
  async subscribe(actor: Actor, request: StreamRequest, sink: EventSink): Promise<{ subscription: OpenSubscription; filter: StreamFilter }> {
    const { filter, afterId } = await this.resolve(actor, request);
    return { subscription: this.hub.open(actor.merchantId, filter, sink, afterId), filter };
  }

  private async resolve(actor: Actor, request: StreamRequest): Promise<{ filter: StreamFilter; afterId?: string }> {
    const types = parseEventTypes(request.types, request.params.types);
    const afterId = parseLastEventId(request.lastEventId, request.params.lastEventId);
    if (request.paymentId !== undefined) await this.assertOwnPayment(actor, request.paymentId, request.params.paymentId);
    return { filter: { types, paymentId: request.paymentId }, afterId };
  }

  private async assertOwnPayment(actor: Actor, paymentId: string, param: string): Promise<void> {
    try {
      await this.payments.get(actor, paymentId);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'resource_missing') throw DomainError.notFound('payment', paymentId, param);
      throw error;
    }
  }
}
