import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { onFreePort } from '../../support/built-app';
import { onExit } from './processes';

const run = promisify(execFile);
export const PG_BIN = findPgBin();

/**
 * Where initdb and pg_ctl live: FAULTS_PG_BIN, else `pg_config --bindir`, else the newest installed
 * cluster under /usr/lib/postgresql (Debian/Ubuntu), else the directory on PATH holding pg_ctl.
 */
function findPgBin(): string {
  const hasTools = (dir: string) => existsSync(join(dir, 'pg_ctl')) && existsSync(join(dir, 'initdb'));
  const candidates: Array<() => string | undefined> = [
    () => process.env.FAULTS_PG_BIN,
    () => execFileSync('pg_config', ['--bindir'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim(),
    () => {
      const versions = readdirSync('/usr/lib/postgresql').filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
      return versions.map((v) => `/usr/lib/postgresql/${v}/bin`).find(hasTools);
    },
    () => dirname(execFileSync('which', ['pg_ctl'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim()),
  ];
  for (const candidate of candidates) {
    try {
      const dir = candidate();
      if (dir && hasTools(dir)) return dir;
    } catch {
      // not available this way: try the next
    }
  }
  throw new Error('initdb/pg_ctl not found: install PostgreSQL server binaries or set FAULTS_PG_BIN');
}
const DATABASE = 'sandbox';

interface RunAs {
  uid?: number;
  gid?: number;
}

/** initdb refuses to run as root: as root, the cluster belongs to the `postgres` user. */
function runAs(): RunAs {
  if (process.getuid?.() !== 0) return {};
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  return { uid, gid };
}

/**
 * A PostgreSQL cluster of our own (initdb in a temp dir, 127.0.0.1 on a free port, trust auth),
 * so a test may stop and restart it. Never the machine's shared server. The postmaster is a
 * daemon (pg_ctl), so it is stopped through pg_ctl and, failing that, by the pid in postmaster.pid.
 */
export class ThrowawayPostgres {
  private readonly removeExitHook: () => void;

  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly user: RunAs,
  ) {
    // If the run dies before destroy(): kill the postmaster by its pid and drop the files.
    this.removeExitHook = onExit(() => {
      const pid = this.postmasterPid();
      if (pid !== undefined && isAlive(pid)) process.kill(pid, 'SIGKILL');
      rmSync(this.dir, { recursive: true, force: true });
    });
  }

  /** A fresh cluster; if its port was taken between choosing and binding it, again on another port. */
  static start(): Promise<ThrowawayPostgres> {
    const user = runAs();
    return onFreePort(async (port) => {
      const dir = mkdtempSync(join(tmpdir(), 'faults-pg-'));
      if (user.uid !== undefined) chownSync(dir, user.uid, user.gid!);
      const cluster = new ThrowawayPostgres(dir, port, user);
      try {
        await cluster.pg('initdb', ['-D', cluster.dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync', '--no-instructions']);
        await cluster.startServer();
        const admin = await cluster.client('postgres');
        try {
          await admin.query(`CREATE DATABASE ${DATABASE}`);
        } finally {
          await admin.end();
        }
        return cluster;
      } catch (error) {
        await cluster.destroy();
        throw error;
      }
    });
  }

  get dataDir(): string {
    return join(this.dir, 'data');
  }

  /** The URL the sandbox processes get (DATABASE_URL). */
  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${DATABASE}`;
  }

  /** pg_ctl start, waiting until it accepts connections. */
  async startServer(): Promise<void> {
    const options = [
      `-p ${this.port}`,
      `-c listen_addresses=127.0.0.1`,
      `-c unix_socket_directories=${this.dir}`,
      '-c max_connections=200',
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
    ].join(' ');
    await this.pg('pg_ctl', ['-D', this.dataDir, '-o', options, '-l', join(this.dir, 'server.log'), '-w', '-t', '30', 'start']);
  }

  /** pg_ctl stop (fast: disconnects clients, rolls back their transactions, shuts down cleanly). */
  async stopServer(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    await this.pg('pg_ctl', ['-D', this.dataDir, '-m', mode, '-w', '-t', '30', 'stop']);
  }

  async client(database = DATABASE): Promise<Client> {
    const client = new Client({ host: '127.0.0.1', port: this.port, user: 'postgres', database });
    client.on('error', () => undefined);
    await client.connect();
    return client;
  }

  /** One query on a short-lived connection. */
  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const client = await this.client();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  serverLog(): string {
    const path = join(this.dir, 'server.log');
    return existsSync(path) ? readFileSync(path, 'utf8').slice(-8_000) : '';
  }

  /** Stops the server (its own pid, via pg_ctl, SIGKILL as a fallback) and deletes the cluster. */
  async destroy(): Promise<void> {
    const pid = this.postmasterPid();
    if (pid !== undefined) {
      await this.stopServer('immediate').catch(() => undefined);
      if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    }
    rmSync(this.dir, { recursive: true, force: true });
    this.removeExitHook();
  }

  private postmasterPid(): number | undefined {
    const file = join(this.dataDir, 'postmaster.pid');
    if (!existsSync(file)) return undefined;
    const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  }

  private async pg(binary: string, args: string[]): Promise<void> {
    try {
      await run(join(PG_BIN, binary), args, { ...this.user, cwd: this.dir, env: { PATH: process.env.PATH ?? '', LC_ALL: 'C' } });
    } catch (error) {
      const { stderr, stdout } = error as { stderr?: string; stdout?: string };
      throw new Error(`${binary} ${args.join(' ')} failed: ${stderr || stdout || (error as Error).message}\n${this.serverLog()}`);
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
