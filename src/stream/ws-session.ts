import { ValidationPipe } from '@nestjs/common';
import WebSocket, { RawData } from 'ws';
import { Actor } from '../common/actor';
import { DomainError } from '../common/errors/domain-error';
import { toErrorResponse } from '../common/errors/error-response';
import { createValidationPipe } from '../common/validation';
import { EventView } from '../events/dto/event.view';
import { WsClientMessageDto } from './dto/ws-message.dto';
import { OpenSubscription } from './stream-hub';
import { StreamService } from './stream.service';

/** Close code after an error frame (RFC 6455 "policy violation"). */
export const WS_CLOSE_ON_ERROR = 1008;

export interface WsSessionOptions {
  heartbeatMs: number;
  maxBufferedBytes: number;
  onDropped(): void;
}

const pipe: ValidationPipe = createValidationPipe();

/**
 * One WebSocket client. Protocol (JSON text frames):
 *   → {"type":"subscribe"} (the whole merchant) or {"type":"subscribe","payment_id":"pay_…","types":[…],"last_event_id":"evt_…"}
 *   ← {"type":"subscribed","payment_id":…,"types":…}, then {"type":"event","event":<webhook body>} per event
 *   → {"type":"ping"} ← {"type":"pong"}
 * Anything invalid (not JSON, unknown fields, unknown types, another merchant's payment) → {"type":"error","error":{…}} and close 1008.
 */
export class WsSession {
  private subscription?: OpenSubscription;
  private alive = true;
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    private readonly socket: WebSocket,
    private readonly actor: Actor,
    private readonly stream: StreamService,
    private readonly options: WsSessionOptions,
  ) {
    socket.on('message', (data, isBinary) => void this.onMessage(data, isBinary));
    socket.on('pong', () => (this.alive = true));
    socket.on('close', () => this.end());
    socket.on('error', () => this.end());
    this.heartbeat = setInterval(() => this.ping(), options.heartbeatMs);
  }

  private async onMessage(data: RawData, isBinary: boolean): Promise<void> {
    try {
      const message = await this.parse(data, isBinary);
      if (message.type === 'ping') return this.sendJson({ type: 'pong' });
      await this.subscribe(message);
    } catch (error) {
      this.fail(error);
    }
  }

  private async parse(data: RawData, isBinary: boolean): Promise<WsClientMessageDto> {
    if (isBinary) throw new DomainError('parameter_invalid', 'Send JSON text frames.');
    let value: unknown;
    try {
      value = JSON.parse(data.toString());
    } catch {
      throw new DomainError('invalid_json', 'The message is not valid JSON.');
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new DomainError('invalid_json', 'The message must be a JSON object such as {"type":"subscribe"}.');
    }
    return (await pipe.transform(value, { type: 'body', metatype: WsClientMessageDto })) as WsClientMessageDto;
  }

  /** A new subscribe replaces the previous one. */
  private async subscribe(message: WsClientMessageDto): Promise<void> {
    const { subscription, filter } = await this.stream.subscribe(
      this.actor,
      {
        types: message.types,
        paymentId: message.payment_id,
        lastEventId: message.last_event_id,
        params: { types: 'types', paymentId: 'payment_id', lastEventId: 'last_event_id' },
      },
      (event) => this.deliver(event),
    );
    this.subscription?.close();
    this.subscription = subscription;
    this.sendJson({ type: 'subscribed', payment_id: filter.paymentId ?? null, types: filter.types ?? null });
  }

  private deliver(event: EventView): boolean {
    if (this.socket.readyState !== WebSocket.OPEN) return false;
    if (this.socket.bufferedAmount > this.options.maxBufferedBytes) {
      this.options.onDropped();
      this.socket.terminate();
      return false;
    }
    this.sendJson({ type: 'event', event });
    return true;
  }

  private fail(error: unknown): void {
    const { body } = toErrorResponse(error, this.actor.requestId);
    this.sendJson({ type: 'error', error: body.error });
    this.socket.close(WS_CLOSE_ON_ERROR, body.error.code);
    this.end();
  }

  private ping(): void {
    if (!this.alive) {
      this.socket.terminate();
      return;
    }
    this.alive = false;
    this.socket.ping();
  }

  private sendJson(value: unknown): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(value));
  }

  private end(): void {
    clearInterval(this.heartbeat);
    this.subscription?.close();
    this.subscription = undefined;
  }
}
