import { DataSourceOptions } from 'typeorm';
import { loadSqlMigrations } from './sql-migrations';

const CONNECT_TIMEOUT_MS = 5_000;

/** One definition of how we talk to Postgres: no synchronize, reviewed SQL migrations only. */
export function dataSourceOptions(url: string, poolSize: number, runMigrations: boolean): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    synchronize: false,
    migrationsRun: runMigrations,
    migrations: loadSqlMigrations(),
    migrationsTableName: 'schema_migrations',
    logging: ['error'],
    poolSize,
    extra: {
      max: poolSize,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      idleTimeoutMillis: 30_000,
      application_name: 'payment-sandbox',
    },
  };
}
