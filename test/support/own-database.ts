import { Client } from 'pg';
import { ADMIN_DATABASE_URL, databaseUrlFor, isEmbeddedTestMode } from './test-env';

export interface OwnDatabase {
  /** Env for startTestApp: the database (the app migrates it itself); empty in embedded mode. */
  env: Record<string, string>;
  drop(): Promise<void>;
}

async function admin(sql: string): Promise<void> {
  const client = new Client({ connectionString: ADMIN_DATABASE_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * A database no other spec file writes to, for tests that must see only their own rows (the run's
 * shared database holds every spec's pending deliveries). Embedded mode: every app already has its
 * own in-memory PGlite, so nothing to do.
 */
export async function ownDatabase(label: string): Promise<OwnDatabase> {
  if (isEmbeddedTestMode()) return { env: {}, drop: async () => undefined };
  const name = `sandbox_test_${label}_${process.pid}_${Date.now()}`;
  await admin(`CREATE DATABASE ${name}`);
  return {
    env: { DATABASE_URL: databaseUrlFor(name), RUN_MIGRATIONS: 'true' },
    drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}
