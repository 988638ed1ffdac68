import { ChildProcess, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { ensureBuilt } from './built-app';
import { startTestApp, TestApp } from './test-app';

const ROOT = resolve(__dirname, '..', '..');
const CLI = join(ROOT, 'bin', 'payment-sandbox.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A test app listening on 127.0.0.1 (a real port), so a spawned CLI can reach it. */
export async function startListeningApp(env: Record<string, string> = {}): Promise<{ app: TestApp; url: string }> {
  ensureBuilt();
  const app = await startTestApp({ WEBHOOK_POLL_INTERVAL_MS: '50', ...env });
  await app.sandbox.app.listen(0, '127.0.0.1');
  const { port } = app.sandbox.app.getHttpServer().address() as { port: number };
  return { app, url: `http://127.0.0.1:${port}` };
}

/** Environment for the CLI: nothing from the test process but PATH (and what the test passes). */
function cliEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...env };
}

/** Runs the built CLI (bin/payment-sandbox.js → dist/cli/main.js) to completion, asynchronously (the app runs in this process). */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  const child = spawnCli(args, env);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((done) => child.once('close', (code) => done({ code, stdout, stderr })));
}

/** Starts the built CLI and leaves it running (listen). */
export function spawnCli(args: string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: cliEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
}
