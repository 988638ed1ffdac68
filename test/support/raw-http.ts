import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import type { SandboxApp } from '../../src/app';

export type RawOutcome =
  | { kind: 'response'; status: number; headers: http.IncomingHttpHeaders; body: Record<string, unknown> }
  | { kind: 'reset'; code: string | undefined; message: string };

/** Makes the app listen on an ephemeral port (once) and returns its base port. */
export async function listenOnEphemeralPort(sandbox: SandboxApp): Promise<number> {
  const server = sandbox.app.getHttpServer();
  if (!server.listening) await sandbox.app.listen(0, '127.0.0.1');
  return (server.address() as AddressInfo).port;
}

/** A plain node:http POST (no retries, no agent reuse): shows exactly what a real client sees, including a reset socket. */
export function rawPost(port: number, path: string, headers: Record<string, string>, body: unknown): Promise<RawOutcome> {
  const payload = JSON.stringify(body);
  return new Promise((resolve) => {
    const request = http.request(
      { host: '127.0.0.1', port, path, method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...headers } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', (error: NodeJS.ErrnoException) => resolve({ kind: 'reset', code: error.code, message: error.message }));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ kind: 'response', status: response.statusCode ?? 0, headers: response.headers, body: text ? JSON.parse(text) : {} });
        });
      },
    );
    request.on('error', (error: NodeJS.ErrnoException) => resolve({ kind: 'reset', code: error.code, message: error.message }));
    request.end(payload);
  });
}

/**
 * A POST written byte for byte on a TCP socket, so header values a Node client would refuse
 * (control characters, raw UTF-8) reach the server as sent. `extraHeaders` are whole header lines
 * (name, colon, value bytes) without the CRLF. Resolves with the parsed status and JSON body.
 */
export function rawSocketPost(
  port: number,
  path: string,
  authorization: string,
  extraHeaders: Buffer[],
  body: unknown,
): Promise<{ status: number; headers: Record<string, string>; body: Record<string, unknown> }> {
  const payload = Buffer.from(JSON.stringify(body), 'utf8');
  const head = Buffer.from(
    `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${authorization}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${payload.length}\r\nConnection: close\r\n`,
    'latin1',
  );
  const request = Buffer.concat([head, ...extraHeaders.flatMap((line) => [line, Buffer.from('\r\n')]), Buffer.from('\r\n'), payload]);
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      if (split < 0) return reject(new Error(`no HTTP response: ${JSON.stringify(text.slice(0, 200))}`));
      const [statusLine, ...lines] = text.slice(0, split).split('\r\n');
      const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
      const rest = text.slice(split + 4);
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: rest ? JSON.parse(rest) : {} });
    });
    // Not end(): a half-closed request is aborted by Node's server (httpAllowHalfOpen is off); Connection: close ends it.
    socket.write(request);
  });
}
