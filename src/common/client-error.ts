import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { DomainError } from './errors/domain-error';
import { toErrorResponse } from './errors/error-response';
import { newId } from './ids';

/** What Node's HTTP parser attaches to the error it could not get past (rawPacket is a Buffer at run time). */
export interface ClientParseError extends Error {
  code?: string;
  bytesParsed?: number;
  rawPacket?: unknown;
}

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,64}$/;

/**
 * The header whose line the parser stopped in (e.g. a control character in Sandbox-Simulate), in
 * its usual spelling, or undefined when the error is elsewhere (request line, an earlier chunk).
 * Only the header's name is read, never its value.
 */
export function offendingHeader(rawPacket: unknown, bytesParsed: number | undefined): string | undefined {
  if (!Buffer.isBuffer(rawPacket) || bytesParsed === undefined || bytesParsed < 0) return undefined;
  const parsed = rawPacket.subarray(0, Math.min(bytesParsed, rawPacket.length)).toString('latin1');
  const lineStart = parsed.lastIndexOf('\n') + 1;
  if (lineStart === 0) return undefined;
  const line = parsed.slice(lineStart);
  const colon = line.indexOf(':');
  const name = colon > 0 ? line.slice(0, colon) : '';
  if (!HEADER_NAME.test(name)) return undefined;
  return name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1).toLowerCase())
    .join('-');
}

/** The documented error for a request Node's parser refused (never reached a route: nothing ran). */
export function parseErrorResponse(error: ClientParseError): { status: number; body: string; requestId: string } {
  const header = offendingHeader(error.rawPacket, error.bytesParsed);
  const domain = header
    ? new DomainError('parameter_invalid', `The ${header} header holds a character HTTP does not allow in a header (such as a control character).`, header)
    : new DomainError('parameter_invalid', 'The request is not valid HTTP/1.1 (a malformed request line or header).');
  const requestId = newId('request');
  const { status, body } = toErrorResponse(domain, requestId);
  return { status, body: JSON.stringify(body), requestId };
}

/**
 * Fastify's clientErrorHandler: a request the HTTP parser refuses (a control character in a header
 * value, a malformed header line) gets the documented 400 error, with `param` naming the header,
 * instead of Fastify's bare `{"error":"Bad Request"}`. Timeouts (408) and oversized headers (431)
 * are answered as Fastify does.
 */
export function answerClientError(error: ClientParseError, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  let status: number;
  let body: string;
  let extraHeaders = '';
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    status = 408;
    body = JSON.stringify({ error: STATUS_CODES[408], message: 'Client Timeout', statusCode: 408 });
  } else if (error.code === 'HPE_HEADER_OVERFLOW') {
    status = 431;
    body = JSON.stringify({ error: STATUS_CODES[431], message: 'Exceeded maximum allowed HTTP header size', statusCode: 431 });
  } else {
    const response = parseErrorResponse(error);
    ({ status, body } = response);
    extraHeaders = `Request-Id: ${response.requestId}\r\n`;
  }
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n${extraHeaders}Connection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
