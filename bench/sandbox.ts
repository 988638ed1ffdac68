import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { freePort, sleep } from './api';

const ROOT = resolve(__dirname, '..');

export type Role = 'all' | 'api' | 'worker';

export interface SandboxOptions {
  embedded: boolean;
  /** API and webhook worker as two processes (external Postgres only). */
  split: boolean;
  adminDatabaseUrl: string;
  redisUrl: string;
}

/**
 * The built sandbox (dist/) on a fresh database: a throwaway Postgres database + Redis key prefix,
 * or embedded PGlite in a temporary data directory (no DATABASE_URL, no REDIS_URL: in-process queue).
 * Rate limit off, no demo seed. `restart` keeps the data (the `deliver` scenario pre-loads with
 * the API alone, then starts delivery).
 */
export class Sandbox {
  readonly url: string;
  /** The database the sandbox uses (external Postgres only; embedded mode has none outside the process). */
  readonly databaseUrl: string | undefined;
  private readonly children: ChildProcess[] = [];

  private constructor(
    private readonly options: SandboxOptions,
    private readonly port: number,
    private readonly database: string | undefined,
    private readonly dataDir: string | undefined,
    private readonly redisPrefix: string,
  ) {
    this.url = `http://127.0.0.1:${port}`;
    if (database) {
      const databaseUrl = new URL(options.adminDatabaseUrl);
      databaseUrl.pathname = `/${database}`;
      this.databaseUrl = databaseUrl.toString();
    }
  }

  static async create(options: SandboxOptions): Promise<Sandbox> {
    const port = await freePort();
    const stamp = Date.now();
    if (options.embedded) return new Sandbox(options, port, undefined, mkdtempSync(join(tmpdir(), 'sandbox-bench-')), `bench${stamp}`);
    const database = `sandbox_bench_${stamp}`;
    const admin = new Client({ connectionString: options.adminDatabaseUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    await admin.end();
    return new Sandbox(options, port, database, undefined, `bench${stamp}`);
  }

  get mode(): { database: 'postgres' | 'embedded'; processes: 'one' | 'split' } {
    return { database: this.options.embedded ? 'embedded' : 'postgres', processes: this.options.split ? 'split' : 'one' };
  }

  /** Starts the sandbox as configured: one process (API + worker), or API + worker process with --split. */
  async start(): Promise<void> {
    await this.startApi(this.options.split ? 'api' : 'all');
    if (this.options.split) this.startWorker();
  }

  /** Starts dist/main.js with this role and waits for /health/ready. */
  async startApi(role: Exclude<Role, 'worker'>): Promise<void> {
    const child = this.spawn('main.js', role);
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`sandbox exited with code ${child.exitCode}`);
      try {
        if ((await fetch(`${this.url}/health/ready`)).ok) return;
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    throw new Error('sandbox did not become ready within 60 s');
  }

  /** Starts dist/worker.js (webhook delivery, scheduled actions) next to a running API. */
  startWorker(): void {
    if (this.options.embedded) throw new Error('embedded mode has one process: no separate worker');
    this.spawn('worker.js', 'worker');
  }

  /** Stops every process, keeping the data. */
  async stopProcesses(): Promise<void> {
    const children = this.children.splice(0);
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
    await Promise.all(children.map((child) => (child.exitCode === null && child.signalCode === null ? new Promise((done) => child.once('exit', done)) : undefined)));
  }

  /** Stops every process and throws the data away. */
  async destroy(): Promise<void> {
    await this.stopProcesses();
    if (this.dataDir) rmSync(this.dataDir, { recursive: true, force: true });
    if (this.database) {
      const cleanup = new Client({ connectionString: this.options.adminDatabaseUrl });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${this.database} WITH (FORCE)`);
      await cleanup.end();
    }
  }

  private spawn(entry: string, role: Role): ChildProcess {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(this.port),
      HOST: '127.0.0.1',
      RATE_LIMIT_RPS: '0',
      SEED_DEMO: 'false',
      LOG_LEVEL: 'warn',
      PROCESS_ROLE: role,
      REDIS_KEY_PREFIX: this.redisPrefix,
    };
    if (this.databaseUrl) {
      env.DATABASE_URL = this.databaseUrl;
      env.REDIS_URL = this.options.redisUrl;
    } else {
      delete env.DATABASE_URL;
      delete env.REDIS_URL;
      env.SANDBOX_DATA_DIR = this.dataDir;
    }
    const child = spawn(process.execPath, [join(ROOT, 'dist', entry)], { env, stdio: ['ignore', 'inherit', 'inherit'] });
    this.children.push(child);
    return child;
  }
}
