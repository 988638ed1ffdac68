import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

export interface Reply {
  /** HTTP status, or 0 when the request failed (connection error). */
  status: number;
  body: string;
  /** Milliseconds from `startedAt` (default: when the request was sent) to the last byte of the reply. */
  ms: number;
}

/**
 * A keep-alive HTTP/1.1 client for the measured load of the scenarios autocannon cannot express
 * (open model, multi-step flows that read ids from replies). Latency is taken with performance.now().
 */
export class BenchClient {
  private readonly agent: Agent;
  private readonly url: URL;

  constructor(
    base: string,
    private readonly key: string,
    maxSockets: number,
  ) {
    this.url = new URL(base);
    this.agent = new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  }

  /** `startedAt` (performance.now()) lets an open-model caller count the time a request waited to be sent. */
  send(method: 'GET' | 'POST', path: string, body?: unknown, startedAt = performance.now()): Promise<Reply> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve) => {
      const req = request(
        {
          agent: this.agent,
          host: this.url.hostname,
          port: this.url.port,
          method,
          path,
          headers: {
            authorization: `Bearer ${this.key}`,
            ...(payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - startedAt }));
          res.on('error', () => resolve({ status: 0, body: '', ms: performance.now() - startedAt }));
        },
      );
      req.on('error', () => resolve({ status: 0, body: '', ms: performance.now() - startedAt }));
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
