import { DataSource, Migration, MigrationExecutor } from 'typeorm';

/** Arbitrary, fixed: the session advisory lock every process takes around its migrations. */
export const MIGRATION_LOCK_KEY = 7_263_800_001;

/**
 * Runs the pending migrations (all in one transaction) while holding a Postgres advisory lock, so
 * any number of API processes may start at once against one database: they take turns, the first
 * applies the migrations and the others find none pending. Without it, two fresh starts race on
 * CREATE TABLE and one of them dies. One connection throughout (works with the embedded pool of 1).
 */
export async function runMigrationsExclusively(dataSource: DataSource): Promise<Migration[]> {
  const runner = dataSource.createQueryRunner();
  try {
    await runner.connect();
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      const executor = new MigrationExecutor(dataSource, runner);
      executor.transaction = 'all';
      return await executor.executePendingMigrations();
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await runner.release();
  }
}
