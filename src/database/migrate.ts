import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { resolveDatabaseConnection } from './database-connection';
import { dataSourceOptions } from './data-source-options';
import { runMigrationsExclusively } from './migration-lock';

/** `npm run migrate`: applies pending SQL migrations and exits. */
async function main(): Promise<void> {
  const config = AppConfig.fromEnv();
  const connection = await resolveDatabaseConnection(config);
  const dataSource = new DataSource(dataSourceOptions(connection.url, 1, false));
  await dataSource.initialize();
  const applied = await runMigrationsExclusively(dataSource);
  console.log(applied.length ? `Applied: ${applied.map((m) => m.name).join(', ')}` : 'Database is up to date.');
  await dataSource.destroy();
  await connection.close?.();
}

main().catch((error: Error) => {
  console.error(`Migration failed: ${error.message}`);
  process.exit(1);
});
