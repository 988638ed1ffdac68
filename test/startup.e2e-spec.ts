import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { AppConfig } from '../src/config/app-config';
import { BuiltProcess, ensureBuilt, freePort, onFreePort, spawnBuilt } from './support/built-app';
import { eventually } from './support/test-app';

jest.setTimeout(60_000);

const STACK_FRAME = /^\s+at /m;

/** The process must exit non-zero with exactly one stderr line matching `expected`, and no stack trace anywhere. */
async function expectOneLineFailure(started: BuiltProcess, expected: RegExp): Promise<string> {
  const code = await started.exited;
  expect(code).not.toBe(0);
  expect(code).not.toBeNull();
  const lines = started.stderr().split('\n').filter(Boolean);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(expected);
  expect(started.stdout() + started.stderr()).not.toMatch(STACK_FRAME);
  return lines[0];
}

describe('start-up of the built app: node dist/main.js (e2e)', () => {
  beforeAll(() => ensureBuilt());

  describe('embedded mode with the demo merchant (the README quick start)', () => {
    let dataDir: string;
    let running: BuiltProcess | undefined;

    beforeAll(() => {
      dataDir = mkdtempSync(join(tmpdir(), 'sandbox-start-'));
    });

    afterAll(async () => {
      if (running && running.child.exitCode === null) {
        running.child.kill('SIGKILL');
        await running.exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
    });

    async function startMain(port: number): Promise<{ banner: string; key: string }> {
      const started = spawnBuilt('main', { PORT: String(port), SANDBOX_DATA_DIR: dataDir, RATE_LIMIT_RPS: '0' });
      running = started;
      // An early exit (e.g. EADDRINUSE: the port was taken after freePort chose it) fails at once, with its output.
      const exitedEarly = started.exited.then((code) => {
        throw new Error(`dist/main.js exited (${code}) before listening: ${started.stderr()}${started.stdout()}`);
      });
      const listening = eventually(async () => started.stdout().split('\n').find((line) => line.includes('Payment Sandbox listening')), 30_000);
      const banner = await Promise.race([listening, exitedEarly]);
      exitedEarly.catch(() => undefined); // it rejects later, on the stop
      const key = /demo merchant key: (sk_test_\S+)/.exec(banner)?.[1];
      expect(key).toBeDefined();
      return { banner, key: key! };
    }

    async function stopMain(): Promise<void> {
      running!.child.kill('SIGTERM');
      expect(await running!.exited).toBe(0);
      expect(running!.stderr()).toBe('');
    }

    it('starts with no DATABASE_URL/REDIS_URL, prints one banner with the demo key, survives a restart', async () => {
      // The restart reuses the port: only the first start may move to another one if it was taken.
      const { port, first } = await onFreePort(async (port) => ({ port, first: await startMain(port) }));
      expect(first.banner).toContain(`http://localhost:${port}`);
      expect(first.banner).toContain(`http://localhost:${port}/docs`);
      expect(first.banner).toContain('database: embedded PGlite');
      expect(first.banner).toContain(dataDir);
      expect(first.banner).toContain('queue: in-process');
      expect(running!.stdout().split('\n').filter((line) => line.includes('Payment Sandbox listening'))).toHaveLength(1);

      const http = request(`http://127.0.0.1:${port}`);
      await http.get('/health/ready').expect(200);
      const created = await http
        .post('/v1/payments')
        .set('Authorization', `Bearer ${first.key}`)
        .send({ amount: 2500, currency: 'gbp' })
        .expect(201);
      expect(created.body.status).toBe('CAPTURED');
      await stopMain();
      expect(existsSync(join(dataDir, 'sandbox.lock'))).toBe(false);

      const second = await startMain(port);
      expect(second.key).toBe(first.key);
      const read = await http.get(`/v1/payments/${created.body.id}`).set('Authorization', `Bearer ${second.key}`).expect(200);
      expect(read.body).toMatchObject({ id: created.body.id, amount: 2500, currency: 'GBP', status: 'CAPTURED' });
      await stopMain();
    });
  });

  describe('fails fast with one line naming what to fix', () => {
    it('unreachable DATABASE_URL: names it, redacts the password, says how to fix it', async () => {
      const port = await freePort();
      const started = spawnBuilt('main', { DATABASE_URL: `postgres://sandbox:s3cret-pw@127.0.0.1:${port}/sandbox` });
      const line = await expectOneLineFailure(started, /DATABASE_URL=postgres:\/\/sandbox:\*\*\*@127\.0\.0\.1:\d+\/sandbox/);
      expect(line).toContain('connection refused');
      expect(line).toContain('start PostgreSQL or unset DATABASE_URL to use the embedded database');
      expect(line).not.toContain('s3cret-pw');
    });

    it('a DATABASE_URL naming a database that does not exist', async () => {
      const started = spawnBuilt('main', { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/sandbox_no_such_db' });
      await expectOneLineFailure(started, /DATABASE_URL=.*sandbox_no_such_db.*create it or fix the database name in DATABASE_URL/);
    });

    it('unreachable REDIS_URL (embedded database): names it and says how to fix it', async () => {
      const port = await freePort();
      const started = spawnBuilt('main', { SANDBOX_DATA_DIR: ':memory:', REDIS_URL: `redis://:hunter2@127.0.0.1:${port}` });
      const line = await expectOneLineFailure(started, /REDIS_URL=redis:\/\/:\*\*\*@127\.0\.0\.1:\d+/);
      expect(line).toContain('start Redis or unset REDIS_URL');
      expect(line).not.toContain('hunter2');
    });

    it('an invalid setting (PORT=abc) is named with its value', async () => {
      const started = spawnBuilt('main', { PORT: 'abc', SANDBOX_DATA_DIR: ':memory:' });
      await expectOneLineFailure(started, /^Invalid configuration: PORT="abc": .*integer/);
    });

    it('the worker entry (node dist/worker.js) reports an unreachable DATABASE_URL the same way', async () => {
      const port = await freePort();
      const started = spawnBuilt('worker', { DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/x` });
      await expectOneLineFailure(started, /Cannot reach PostgreSQL at DATABASE_URL=.*unset DATABASE_URL/);
    });
  });
});

// No Docker engine runs in CI: check what can be checked without one.
describe('Dockerfile and docker-compose.yml (static checks)', () => {
  const root = join(__dirname, '..');
  // js-yaml ships with @nestjs/swagger (a runtime dependency); it has no bundled types.
  const { load } = require('js-yaml') as { load(text: string): unknown };

  interface ComposeService {
    image?: string;
    command?: string[];
    environment?: Record<string, string>;
    depends_on?: Record<string, { condition: string }>;
    healthcheck?: { test?: string[]; disable?: boolean };
    volumes?: string[];
  }
  const compose = load(readFileSync(join(root, 'docker-compose.yml'), 'utf8')) as {
    services: Record<string, ComposeService>;
    volumes: Record<string, unknown>;
  };
  const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');

  /** `${NAME:-default}` as compose resolves it with nothing set in the shell. */
  const interpolate = (value: string) => value.replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1');

  it('runs the entry points the start-up specs run, on healthy dependencies', () => {
    const { api, worker, postgres, redis } = compose.services;
    expect(api.command).toEqual(['node', 'dist/main.js', '--role=api']);
    expect(worker.command).toEqual(['node', 'dist/worker.js']);
    for (const service of [api, worker]) {
      expect(service.depends_on).toMatchObject({ postgres: { condition: 'service_healthy' }, redis: { condition: 'service_healthy' } });
    }
    expect(postgres.image).toBe('postgres:15');
    expect(postgres.healthcheck?.test).toBeDefined();
    expect(postgres.volumes?.[0]).toMatch(/^postgres-data:/);
    expect(Object.keys(compose.volumes)).toContain('postgres-data');
    expect(redis.image).toBe('redis:7');
    expect(redis.command).toEqual(expect.arrayContaining(['--appendonly', 'yes', '--maxmemory-policy', 'noeviction']));
    expect(redis.healthcheck?.test).toBeDefined();
    expect(api.healthcheck?.test?.join(' ')).toContain('/health/ready');
    for (const file of ['dist/main.js', 'dist/worker.js']) expect(existsSync(join(root, file))).toBe(true);
  });

  it("passes the app's own configuration validation, with external Postgres and Redis", () => {
    for (const name of ['api', 'worker']) {
      const env = Object.fromEntries(Object.entries(compose.services[name].environment ?? {}).map(([key, value]) => [key, interpolate(String(value))]));
      const config = AppConfig.fromEnv(env);
      expect(config.embeddedDatabase).toBe(false);
      expect(config.redisUrl).toBe('redis://redis:6379');
      expect(config.databaseUrl).toBe('postgres://sandbox:sandbox@postgres:5432/sandbox');
    }
  });

  it('Dockerfile: multi-stage, production dependencies only, non-root, health check, node dist/main.js', () => {
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/^RUN npm ci --omit=dev/m);
    expect(dockerfile).toMatch(/^COPY --from=build \/app\/dist \.\/dist$/m);
    expect(dockerfile).toMatch(/^COPY migrations \.\/migrations$/m);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^EXPOSE 4242$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK [\s\S]*\/health\/ready/m);
    expect(dockerfile).toMatch(/^CMD \["node", "dist\/main\.js"\]$/m);
  });
});
