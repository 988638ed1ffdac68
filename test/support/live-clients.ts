import { createParser, EventSourceMessage } from 'eventsource-parser';
import { get, IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { TestApp } from './test-app';

/** Listens on a random port (once) so real HTTP clients (SSE, WebSocket) can connect. */
export async function baseUrl(app: TestApp): Promise<string> {
  const server = app.sandbox.app.getHttpServer();
  if (!server.listening) await app.sandbox.app.listen(0, '127.0.0.1');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export interface SseClient {
  status: number;
  headers: IncomingHttpHeaders;
  messages: EventSourceMessage[];
  comments: string[];
  /** The body when the server answered with JSON (an error) instead of a stream. */
  body: string;
  ended: boolean;
  close(): void;
}

/** Opens a Server-Sent Events stream and records every message and comment (heartbeats). */
export function openSse(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
  return new Promise((resolve, reject) => {
    const request = get(url, { headers: { Accept: 'text/event-stream', ...headers } }, (response: IncomingMessage) => {
      const client: SseClient = {
        status: response.statusCode ?? 0,
        headers: response.headers,
        messages: [],
        comments: [],
        body: '',
        ended: false,
        close: () => request.destroy(),
      };
      const parser = createParser({
        onEvent: (message) => client.messages.push(message),
        onComment: (comment) => client.comments.push(comment),
      });
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        if (client.status === 200) parser.feed(chunk);
        else client.body += chunk;
      });
      response.on('end', () => (client.ended = true));
      response.on('close', () => (client.ended = true));
      response.on('error', () => (client.ended = true));
      // Errors are complete JSON answers: wait for the body; streams resolve at once.
      if (client.status === 200) resolve(client);
      else response.on('end', () => resolve(client));
    });
    request.on('error', (error) => ((error as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(error)));
  });
}

export interface WsClient {
  socket: WebSocket;
  messages: Array<Record<string, any>>;
  closeCode?: number;
  send(value: unknown): void;
  close(): void;
}

/** Opens a WebSocket and records every JSON message; rejects with the HTTP status when the upgrade is refused. */
export function openWs(url: string, headers: Record<string, string> = {}): Promise<WsClient> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    const client: WsClient = {
      socket,
      messages: [],
      send: (value) => socket.send(typeof value === 'string' ? value : JSON.stringify(value)),
      close: () => socket.close(),
    };
    socket.on('message', (data) => client.messages.push(JSON.parse(String(data))));
    socket.on('close', (code) => (client.closeCode = code));
    socket.on('open', () => resolve(client));
    socket.on('unexpected-response', (_request, response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk));
      response.on('end', () => reject(Object.assign(new Error(`upgrade refused: ${response.statusCode}`), { status: response.statusCode, body })));
    });
    socket.on('error', (error) => reject(error));
  });
}
