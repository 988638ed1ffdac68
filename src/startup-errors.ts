import { Client } from 'pg';
import { AppConfig, ConfigError } from './config/app-config';
import { redactUrl } from './database/database-connection';
import { DataDirLockedError } from './database/embedded-postgres';

const CONNECT_TIMEOUT_MS = 5_000;

/** A start-up failure already phrased as the one line the operator needs: what, where, how to fix it. */
export class StartupError extends Error {}

interface Dependency {
  variable: 'DATABASE_URL' | 'REDIS_URL';
  product: string;
  url: string;
  fix: string;
}

function database(url: string): Dependency {
  return { variable: 'DATABASE_URL', product: 'PostgreSQL', url, fix: 'start PostgreSQL or unset DATABASE_URL to use the embedded database' };
}

function redis(url: string): Dependency {
  return { variable: 'REDIS_URL', product: 'Redis', url, fix: 'start Redis or unset REDIS_URL to schedule webhook deliveries in-process' };
}

/**
 * Connects once to each configured external dependency before Nest starts, so that a wrong
 * DATABASE_URL or REDIS_URL fails fast with a message naming it instead of a driver stack trace.
 */
export async function checkDependencies(config: AppConfig): Promise<void> {
  if (config.databaseUrl) await probe(database(config.databaseUrl), () => pingPostgres(config.databaseUrl!));
  if (config.redisUrl) await probe(redis(config.redisUrl), () => pingRedis(config.redisUrl!));
}

async function probe(dependency: Dependency, ping: () => Promise<void>): Promise<void> {
  try {
    await ping();
  } catch (error) {
    throw new StartupError(unreachable(dependency, error));
  }
}

async function pingPostgres(url: string): Promise<void> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function pingRedis(url: string): Promise<void> {
  const { default: Redis } = await import('ioredis');
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // ioredis rejects with a generic "Connection is closed."; the cause (ECONNREFUSED, …) arrives as an 'error' event.
  let cause: Error | undefined;
  client.on('error', (error: Error) => (cause ??= error));
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    throw cause ?? error;
  } finally {
    client.disconnect();
  }
}

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'unknown host',
  EAI_AGAIN: 'host name lookup failed',
  ETIMEDOUT: 'timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'connection reset',
};

function unreachable(dependency: Dependency, error: unknown): string {
  const target = `${dependency.variable}=${redactUrl(dependency.url)}`;
  const code = errorCode(error);
  const detail = errorMessage(error);
  if (code === '28P01' || code === '28000' || /NOAUTH|WRONGPASS|invalid password/i.test(detail)) {
    return `${dependency.product} at ${target} rejected the login (${detail}): fix the user or password in ${dependency.variable}.`;
  }
  if (code === '3D000') {
    return `${dependency.product} at ${target} has no such database (${detail}): create it or fix the database name in ${dependency.variable}.`;
  }
  const reason = (code && NETWORK_REASONS[code]) || detail;
  return `Cannot reach ${dependency.product} at ${target} (${reason}): ${dependency.fix}.`;
}

/** The single line printed for any start-up failure: never a stack trace. */
export function describeStartupError(error: unknown, config?: AppConfig): string {
  if (error instanceof StartupError || error instanceof DataDirLockedError) return error.message;
  if (error instanceof ConfigError) {
    const [heading, ...variables] = lines(error.message);
    return `${heading} ${variables.join(' | ')} (fix these environment variables, or unset them to use the defaults).`;
  }
  const code = errorCode(error);
  if (code === 'EADDRINUSE' && config) {
    return `Port ${config.port} is already in use: stop the other process or set PORT to a free port.`;
  }
  if (config?.databaseUrl && code && NETWORK_REASONS[code]) return unreachable(database(config.databaseUrl), error);
  const where = config?.embeddedDatabase ? ` (embedded database in ${config.sandboxDataDir})` : '';
  return oneLine(`Start-up failed${where}: ${errorMessage(error)}`);
}

/** Prints the one-line reason to stderr and exits non-zero. */
export function exitOnStartupError(error: unknown, config?: AppConfig): never {
  process.stderr.write(`${describeStartupError(error, config)}\n`);
  process.exit(1);
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  // Node 20 reports a refused dual-stack connect ("localhost") as an AggregateError of per-address errors.
  const nested = (error as { errors?: unknown }).errors;
  return Array.isArray(nested) && nested.length > 0 ? errorCode(nested[0]) : undefined;
}

function errorMessage(error: unknown): string {
  if (error instanceof Error && error.message) return error.message;
  return errorCode(error) ?? String(error);
}

function lines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
}

function oneLine(text: string): string {
  return lines(text).join(' ');
}
