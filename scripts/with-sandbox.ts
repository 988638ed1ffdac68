import { spawn } from 'node:child_process';
import { ensureBuilt, freePort, spawnBuilt } from '../test/support/built-app';

const READY_TIMEOUT_MS = 60_000;

/**
 * `node -r @swc-node/register scripts/with-sandbox.ts '<command>'`: starts the built sandbox
 * (`node dist/main.js`, embedded, `:memory:`) on a free port, waits for /health/ready, signs up a
 * merchant, runs the command in a shell with SANDBOX_URL and SANDBOX_API_KEY set, stops the sandbox
 * and exits with the command's code. Used by `npm run test:postman` and `npm run test:fixtures`.
 */
async function main(): Promise<number> {
  const command = process.argv.slice(2).join(' ');
  if (!command) throw new Error('usage: with-sandbox.ts <command>');
  ensureBuilt();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const sandbox = spawnBuilt('main', { PORT: String(port), HOST: '127.0.0.1', SANDBOX_DATA_DIR: ':memory:', SEED_DEMO: 'false', RATE_LIMIT_RPS: '0', LOG_LEVEL: 'warn' });
  try {
    await waitReady(url, sandbox.exited);
    const apiKey = await signUp(url);
    return await new Promise<number>((resolve) => {
      const child = spawn(command, { shell: true, stdio: 'inherit', env: { ...process.env, SANDBOX_URL: url, SANDBOX_API_KEY: apiKey } });
      child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    });
  } catch (error) {
    process.stderr.write(sandbox.stderr());
    throw error;
  } finally {
    sandbox.child.kill('SIGTERM');
    await sandbox.exited;
  }
}

async function waitReady(url: string, exited: Promise<number | null>): Promise<void> {
  let stopped = false;
  void exited.then(() => (stopped = true));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline && !stopped) {
    const ready = await fetch(`${url}/health/ready`).then((response) => response.ok, () => false);
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(stopped ? 'the sandbox exited before it was ready' : `the sandbox was not ready within ${READY_TIMEOUT_MS} ms`);
}

async function signUp(url: string): Promise<string> {
  const response = await fetch(`${url}/v1/merchants`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'with-sandbox run' }) });
  if (response.status !== 201) throw new Error(`POST /v1/merchants answered ${response.status}`);
  return ((await response.json()) as { api_key: { secret: string } }).api_key.secret;
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`with-sandbox: ${error.message}`);
    process.exit(1);
  },
);
