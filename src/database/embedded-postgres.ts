import type { DatabaseConnection } from './database-connection';

/** Embedded PGlite served over the Postgres wire protocol (implemented with the embedded-mode issue). */
export async function startEmbeddedPostgres(_dataDir: string): Promise<DatabaseConnection> {
  throw new Error('Embedded mode is not available yet: set DATABASE_URL to a PostgreSQL database.');
}
