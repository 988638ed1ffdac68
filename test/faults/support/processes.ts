import { ChildProcess, spawn, SpawnOptions } from 'node:child_process';

const OUTPUT_LIMIT = 256 * 1024;

/** A child process started by the fault suite, tracked by its own pid. */
export interface TrackedProcess {
  name: string;
  pid: number;
  child: ChildProcess;
  /** stdout + stderr, the last 256 KB. */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  isRunning(): boolean;
}

const tracked = new Set<TrackedProcess>();

/** Last resort when the test run dies before afterAll: SIGKILL what is still running, by pid. */
const exitHooks = new Set<() => void>();
process.once('exit', () => {
  for (const target of tracked) signal(target, 'SIGKILL');
  for (const hook of exitHooks) hook();
});

export function onExit(hook: () => void): () => void {
  exitHooks.add(hook);
  return () => exitHooks.delete(hook);
}

/** Spawns a child, captures its output and registers it so stopAllTracked() can stop it by pid. */
export function spawnTracked(name: string, command: string, args: string[], options: SpawnOptions = {}): TrackedProcess {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  if (child.pid === undefined) throw new Error(`${name}: could not spawn ${command}`);
  let output = '';
  const append = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    if (output.length > OUTPUT_LIMIT) output = output.slice(-OUTPUT_LIMIT);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  let running = true;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      running = false;
      tracked.delete(entry);
      resolve({ code, signal });
    }),
  );
  const entry: TrackedProcess = { name, pid: child.pid, child, output: () => output, exited, isRunning: () => running };
  tracked.add(entry);
  return entry;
}

/** SIGTERM, then SIGKILL when it has not exited by the deadline. Resolves once it has exited. */
export async function stopProcess(target: TrackedProcess, deadlineMs = 5_000): Promise<void> {
  if (!target.isRunning()) return;
  signal(target, 'SIGTERM');
  const timer = setTimeout(() => signal(target, 'SIGKILL'), deadlineMs);
  await target.exited;
  clearTimeout(timer);
}

/** SIGKILL (a crash): resolves once the process is gone. */
export async function killProcess(target: TrackedProcess): Promise<void> {
  if (!target.isRunning()) return;
  signal(target, 'SIGKILL');
  await target.exited;
}

function signal(target: TrackedProcess, name: NodeJS.Signals): void {
  try {
    process.kill(target.pid, name);
  } catch {
    // already gone
  }
}

/** Stops every child this test file started and that is still running, each by its own pid. */
export async function stopAllTracked(deadlineMs = 5_000): Promise<void> {
  await Promise.all([...tracked].map((target) => stopProcess(target, deadlineMs)));
}

/** Thrown by a waitFor check when waiting longer cannot help (the process exited): waitFor rethrows it at once. */
export class GiveUp extends Error {}

/** Polls until `check` returns a value (not undefined) or the deadline passes (then throws with `what`). */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      if (error instanceof GiveUp) throw error;
      lastError = error;
    }
    if (Date.now() > deadline) {
      const detail = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
