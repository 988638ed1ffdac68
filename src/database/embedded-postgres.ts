import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DatabaseConnection } from './database-connection';

export const IN_MEMORY = ':memory:';
const LOCK_FILE = 'sandbox.lock';
// PGlite is one Postgres session: every pooled connection would share it and corrupt each other's transactions.
const EMBEDDED_POOL_SIZE = 1;

export class DataDirLockedError extends Error {}

/** Lock files this process holds: our own pid in a lock is ours only if it is listed here. */
const heldLocks = new Set<string>();

/**
 * Starts PGlite (Postgres compiled to WASM) in this process and serves it over the Postgres
 * wire protocol on 127.0.0.1 and a free port, so the normal `pg` driver and TypeORM use it
 * exactly like an external database. `dataDir` ':memory:' keeps nothing on disk.
 */
export async function startEmbeddedPostgres(dataDir: string): Promise<DatabaseConnection> {
  const inMemory = dataDir === IN_MEMORY;
  const directory = inMemory ? undefined : resolve(dataDir);
  const releaseLock = directory ? lockDataDir(directory) : () => undefined;
  try {
    // Both packages are ESM-first but ship CommonJS builds; load them lazily so the external mode never pays for WASM.
    const { PGlite } = await import('@electric-sql/pglite');
    const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
    const db = await PGlite.create(directory ? join(directory, 'pgdata') : 'memory://');
    // One spare slot: when the pool replaces its connection, the new one can arrive before the old socket is gone.
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: EMBEDDED_POOL_SIZE + 1 });
    await server.start();
    let closing: Promise<void> | undefined;
    return {
      url: `postgres://postgres@${server.getServerConn()}/postgres`,
      poolSize: EMBEDDED_POOL_SIZE,
      location: directory ? `data in ${directory}` : 'in memory, nothing is kept',
      close: () =>
        (closing ??= (async () => {
          try {
            await server.stop();
            await db.close();
          } finally {
            releaseLock();
          }
        })()),
    };
  } catch (error) {
    releaseLock();
    throw error;
  }
}

/**
 * One process per data directory: a second PGlite on the same files would corrupt them.
 * The lock holds our pid; a lock left by a process that no longer runs is taken over.
 */
function lockDataDir(directory: string): () => void {
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  const path = join(directory, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      heldLocks.add(path);
      return () => {
        heldLocks.delete(path);
        rmSync(path, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(readFileSync(path, 'utf8').trim());
      if (heldLocks.has(path) || isRunning(owner)) {
        throw new DataDirLockedError(
          `The embedded database in ${directory} is in use by a running sandbox (pid ${owner}): ` +
            'stop it, or set SANDBOX_DATA_DIR to another directory (or :memory:).',
        );
      }
      rmSync(path, { force: true });
    }
  }
  throw new DataDirLockedError(`Could not lock ${path}: remove it if no sandbox process is running.`);
}

function isRunning(pid: number): boolean {
  // Our pid in a lock we do not hold: a previous run in a container that reused the pid (often 1).
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
