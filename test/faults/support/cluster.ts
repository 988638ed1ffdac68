import { join, resolve } from 'node:path';
import { ensureBuilt, onFreePort } from '../../support/built-app';
import { FaultReceiver } from './fault-receiver';
import { call, CallOptions, JsonObject } from './http-client';
import { GiveUp, killProcess, spawnTracked, stopAllTracked, stopProcess, TrackedProcess, waitFor } from './processes';
import { ThrowawayPostgres } from './throwaway-postgres';
import { ThrowawayRedis } from './throwaway-redis';

export { FaultReceiver } from './fault-receiver';
export { ThrowawayPostgres } from './throwaway-postgres';
export { ThrowawayRedis } from './throwaway-redis';

const ROOT = resolve(__dirname, '..', '..', '..');
const START_TIMEOUT_MS = 30_000;

/**
 * Settings for the spawned processes: fast retries and sweeps so faults heal in seconds.
 * Each can be overridden per process.
 */
export const FAULT_DEFAULTS: Record<string, string> = {
  HOST: '127.0.0.1',
  RATE_LIMIT_RPS: '0',
  LOG_LEVEL: 'warn',
  SEED_DEMO: 'false',
  DATABASE_POOL_SIZE: '10',
  WEBHOOK_TIMEOUT_MS: '2000',
  WEBHOOK_RETRY_SCHEDULE: '100ms,200ms,400ms,800ms',
  WEBHOOK_SWEEP_INTERVAL_MS: '250',
  WEBHOOK_SWEEP_GRACE_MS: '500',
  WEBHOOK_POLL_INTERVAL_MS: '100',
};

export type ApiRole = 'api' | 'all';

/** A spawned `node dist/main.js` or `node dist/worker.js`. */
export interface SandboxProcess {
  name: string;
  process: TrackedProcess;
  /** API only: http://127.0.0.1:<port>. */
  baseUrl: string;
  port: number;
}

export interface StartOptions {
  env?: Record<string, string>;
  /** Reuse a port (restart of the same API). */
  port?: number;
  name?: string;
}

/**
 * The fault suite's world: a throwaway Postgres cluster, (optionally) a throwaway Redis, a real
 * webhook receiver, and the real built processes pointed at them. destroy() stops everything it
 * started, each by its own pid.
 */
export class FaultCluster {
  private readonly started: SandboxProcess[] = [];

  private constructor(
    readonly postgres: ThrowawayPostgres,
    readonly redis: ThrowawayRedis | undefined,
    readonly receiver: FaultReceiver,
  ) {}

  static async start(options: { redis?: boolean } = {}): Promise<FaultCluster> {
    ensureBuilt();
    const [postgres, redis, receiver] = await Promise.all([
      ThrowawayPostgres.start(),
      options.redis === false ? undefined : ThrowawayRedis.start(),
      FaultReceiver.start(),
    ]);
    return new FaultCluster(postgres, redis, receiver);
  }

  /** Env every sandbox process gets (then FAULT_DEFAULTS, then the caller's overrides). */
  baseEnv(): Record<string, string> {
    return {
      ...FAULT_DEFAULTS,
      DATABASE_URL: this.postgres.url,
      ...(this.redis ? { REDIS_URL: this.redis.url, REDIS_KEY_PREFIX: `faults-${process.pid}` } : {}),
    };
  }

  /**
   * `node dist/main.js` with PROCESS_ROLE=api|all; resolves once /health/ready answers 200. Without
   * options.port: a free port, another one if something else bound it first (EADDRINUSE).
   */
  async startApi(role: ApiRole = 'api', options: StartOptions = {}): Promise<SandboxProcess> {
    return options.port !== undefined ? this.startApiOn(options.port, role, options) : onFreePort((port) => this.startApiOn(port, role, options));
  }

  private async startApiOn(port: number, role: ApiRole, options: StartOptions): Promise<SandboxProcess> {
    const name = options.name ?? `${role}:${port}`;
    const env = { ...this.baseEnv(), RUN_MIGRATIONS: 'true', PROCESS_ROLE: role, PORT: String(port), ...options.env };
    const tracked = spawnNode(name, 'main', env);
    const api: SandboxProcess = { name, process: tracked, port, baseUrl: `http://127.0.0.1:${port}` };
    await waitFor(
      `${name} ready`,
      async () => {
        if (!tracked.isRunning()) throw new GiveUp(`${name} exited:\n${tracked.output()}`);
        const ready = await call(api.baseUrl, 'GET', '/health/ready', { timeoutMs: 2_000 }).catch(() => undefined);
        return ready?.status === 200 ? true : undefined;
      },
      START_TIMEOUT_MS,
      100,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n--- ${name} output ---\n${tracked.output()}`);
    });
    this.started.push(api);
    return api;
  }

  /** `node dist/worker.js`; resolves once it logged that it started. */
  async startWorker(options: StartOptions = {}): Promise<SandboxProcess> {
    const name = options.name ?? `worker:${this.started.length}`;
    // info: the worker announces "Webhook worker started" at log level.
    const env = { ...this.baseEnv(), RUN_MIGRATIONS: 'false', LOG_LEVEL: 'info', ...options.env };
    const tracked = spawnNode(name, 'worker', env);
    await waitFor(
      `${name} started`,
      () => {
        if (!tracked.isRunning()) throw new GiveUp(`${name} exited:\n${tracked.output()}`);
        return tracked.output().includes('Webhook worker started') ? true : undefined;
      },
      START_TIMEOUT_MS,
      50,
    );
    const worker: SandboxProcess = { name, process: tracked, port: 0, baseUrl: '' };
    this.started.push(worker);
    return worker;
  }

  async kill(target: SandboxProcess): Promise<void> {
    await killProcess(target.process);
  }

  async stop(target: SandboxProcess): Promise<void> {
    await stopProcess(target.process);
  }

  /** Output of every process started so far (for failure messages). */
  outputs(): string {
    return this.started.map((p) => `--- ${p.name} (pid ${p.process.pid}) ---\n${p.process.output().slice(-4_000)}`).join('\n');
  }

  async destroy(): Promise<void> {
    await stopAllTracked();
    await Promise.allSettled([this.postgres.destroy(), this.redis?.destroy(), this.receiver.close()]);
  }
}

function spawnNode(name: string, entry: 'main' | 'worker', env: Record<string, string>): TrackedProcess {
  return spawnTracked(name, process.execPath, [join('dist', `${entry}.js`)], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...env },
  });
}

/** A merchant created through the API, and its key. */
export interface FaultMerchant {
  id: string;
  key: string;
}

export async function createMerchant(baseUrl: string, name: string): Promise<FaultMerchant> {
  const response = await call<{ id: string; api_key: { secret: string } }>(baseUrl, 'POST', '/v1/merchants', { body: { name } });
  if (response.status !== 201) throw new Error(`create merchant: ${response.status} ${JSON.stringify(response.body)}`);
  return { id: response.body.id, key: response.body.api_key.secret };
}

export async function createEndpoint(baseUrl: string, merchant: FaultMerchant, url: string): Promise<string> {
  const response = await call<{ id: string }>(baseUrl, 'POST', '/v1/webhook-endpoints', {
    key: merchant.key,
    body: { url, enabled_events: ['*'] },
  });
  if (response.status !== 201) throw new Error(`create endpoint: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body.id;
}

/** A standard successful create (automatic capture). */
export function paymentBody(index: number): JsonObject {
  return { amount: 1000 + index, currency: 'usd', description: `fault ${index}` };
}

export function createPayment(baseUrl: string, merchant: FaultMerchant, index: number, options: CallOptions = {}) {
  return call<JsonObject>(baseUrl, 'POST', '/v1/payments', { key: merchant.key, body: paymentBody(index), ...options });
}

/** Outbox counts for one merchant, straight from Postgres. */
export async function outboxCounts(
  postgres: ThrowawayPostgres,
  merchantId: string,
): Promise<{ payments: number; events: number; deliveries: number; pending: number; succeeded: number; failed: number }> {
  const [row] = await postgres.query<Record<string, number>>(
    `SELECT (SELECT count(*) FROM payments WHERE merchant_id = $1)::int AS payments,
            (SELECT count(*) FROM events WHERE merchant_id = $1)::int AS events,
            count(d.*)::int AS deliveries,
            (count(*) FILTER (WHERE d.status = 'pending'))::int AS pending,
            (count(*) FILTER (WHERE d.status = 'succeeded'))::int AS succeeded,
            (count(*) FILTER (WHERE d.status = 'failed'))::int AS failed
       FROM webhook_deliveries d WHERE d.merchant_id = $1`,
    [merchantId],
  );
  return row as { payments: number; events: number; deliveries: number; pending: number; succeeded: number; failed: number };
}

/** Payments missing their history or whose events do not match their history rows one to one. */
export async function partialPayments(postgres: ThrowawayPostgres, merchantId: string): Promise<string[]> {
  const rows = await postgres.query<{ id: string }>(
    `SELECT p.id FROM payments p
      WHERE p.merchant_id = $1
        AND ((SELECT count(*) FROM payment_history h WHERE h.payment_id = p.id) = 0
          OR (SELECT count(*) FROM payment_history h WHERE h.payment_id = p.id)
             <> (SELECT count(*) FROM events e WHERE e.payment_id = p.id AND e.type LIKE 'payment.%')
          OR (SELECT h.to_status FROM payment_history h WHERE h.payment_id = p.id ORDER BY h.id DESC LIMIT 1) <> p.status)`,
    [merchantId],
  );
  return rows.map((row) => row.id);
}

/** Events of the merchant that have no delivery row for an enabled endpoint they match. */
export async function eventsWithoutDelivery(postgres: ThrowawayPostgres, merchantId: string, endpointId: string): Promise<number> {
  const [row] = await postgres.query<{ count: number }>(
    `SELECT count(*)::int AS count FROM events e
      WHERE e.merchant_id = $1 AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = e.id AND d.endpoint_id = $2)`,
    [merchantId, endpointId],
  );
  return row.count;
}

/** The one-line summary a scenario reports (the lead quotes these). */
export function report(summary: Record<string, unknown>): void {
  console.log(`FAULT-SUMMARY ${JSON.stringify(summary)}`);
}
