import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Runs `nest build` when dist/ is missing or older than src/ (CI has built already; a local run may not have). */
export function ensureBuilt(): void {
  const entry = join(ROOT, 'dist', 'main.js');
  if (existsSync(entry) && statSync(entry).mtimeMs >= newestMtime(join(ROOT, 'src'))) return;
  execFileSync('npx', ['nest', 'build'], { cwd: ROOT, stdio: 'pipe' });
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

const PORT_TAKEN = /EADDRINUSE|address already in use|could not bind/i;

/**
 * Starts something on a port that was free a moment ago. freePort() only finds a port; another
 * process (other runs share this machine) may bind it before our child does. When `start` fails
 * because the port is taken, it is tried again on a fresh port.
 */
export async function onFreePort<T>(start: (port: number) => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      return await start(port);
    } catch (error) {
      if (attempt >= attempts || !PORT_TAKEN.test(error instanceof Error ? error.message : String(error))) throw error;
    }
  }
}

export interface BuiltProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<number | null>;
}

/**
 * Spawns `node dist/<entry>.js` (exactly what the Dockerfile and docker-compose run) with only
 * the given environment plus PATH, so nothing from the test run (DATABASE_URL, …) leaks in.
 */
export function spawnBuilt(entry: 'main' | 'worker', env: Record<string, string>, args: string[] = []): BuiltProcess {
  const child = spawn(process.execPath, [join('dist', `${entry}.js`), ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}
