import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { ApiKeysService, AuthenticatedKey } from '../api-keys/api-keys.service';
import { requestOrigin } from '../auth/api-key.guard';
import { Actor } from '../common/actor';
import { DomainError } from '../common/errors/domain-error';
import { toErrorResponse } from '../common/errors/error-response';
import { newId } from '../common/ids';
import { AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { StreamTokensService } from '../stream-tokens/stream-tokens.service';
import { StreamService } from './stream.service';
import { WsSession } from './ws-session';

export const WS_PATH = '/v1/ws';
const MAX_MESSAGE_BYTES = 16 * 1024;

/** The WebSocket endpoint (`ws`, on the HTTP server's upgrade): authenticates the upgrade, then runs a WsSession. */
@Injectable()
export class WsGateway implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WsGateway.name);
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  private server?: Server;
  private readonly onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => void this.upgrade(request, socket, head);

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly apiKeys: ApiKeysService,
    private readonly streamTokens: StreamTokensService,
    private readonly stream: StreamService,
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {}

  onApplicationBootstrap(): void {
    this.server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    this.server?.on('upgrade', this.onUpgrade);
  }

  onApplicationShutdown(): void {
    this.server?.off('upgrade', this.onUpgrade);
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
  }

  private async upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const requestId = newId('request');
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname !== WS_PATH) return this.refuse(socket, new DomainError('route_not_found', `Unrecognized WebSocket URL: ${url.pathname}`), requestId);
    let key: AuthenticatedKey;
    try {
      key = await this.authenticate(request, url);
    } catch (error) {
      return this.refuse(socket, error, requestId);
    }
    const origin = requestOrigin({ id: requestId, headers: request.headers, ip: request.socket.remoteAddress });
    const actor: Actor = { ...key, ...origin };
    this.wss.handleUpgrade(request, socket, head, (ws) => {
      new WsSession(ws, actor, this.stream, {
        heartbeatMs: this.config.streamHeartbeatMs,
        maxBufferedBytes: this.config.streamClientBufferBytes,
        onDropped: () => this.metrics.streamDropped.inc(),
      });
    });
  }

  private authenticate(request: IncomingMessage, url: URL): Promise<AuthenticatedKey> {
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
    if (bearer) return this.apiKeys.authenticate(bearer);
    const token = url.searchParams.get('token');
    if (token) return this.streamTokens.authenticate(token);
    return Promise.reject(new DomainError('api_key_missing', 'No API key provided. Send Authorization: Bearer sk_test_... or ?token= from POST /v1/stream-tokens.'));
  }

  /** Answers the upgrade request with the documented JSON error and closes the socket. */
  private refuse(socket: Duplex, error: unknown, requestId: string): void {
    const { status, body } = toErrorResponse(error, requestId);
    const json = JSON.stringify(body);
    socket.end(
      `HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : status === 404 ? 'Not Found' : 'Error'}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(json)}\r\nRequest-Id: ${requestId}\r\nConnection: close\r\n\r\n${json}`,
    );
    if (status >= 500) this.logger.warn(`WebSocket upgrade failed: ${body.error.message}`);
  }
}
