import http from 'node:http';
import type { AddressInfo } from 'node:net';
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
