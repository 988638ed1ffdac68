import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MigrationInterface, QueryRunner } from 'typeorm';

/** Reviewed SQL lives in migrations/<timestamp>-<name>.sql, next to src/ and dist/. */
export const MIGRATIONS_DIR = resolve(__dirname, '..', '..', 'migrations');
const FILE_NAME = /^(\d{13})-([a-z0-9-]+)\.sql$/;

function className(timestamp: string, slug: string): string {
  const words = slug.split('-').map((word) => word.charAt(0).toUpperCase() + word.slice(1));
  return `${words.join('')}${timestamp}`;
}

/** Wraps each SQL file as a TypeORM migration so TypeORM tracks what has run. */
export function loadSqlMigrations(dir = MIGRATIONS_DIR): Array<new () => MigrationInterface> {
  return readdirSync(dir)
    .filter((file) => FILE_NAME.test(file))
    .sort()
    .map((file) => {
      const [, timestamp, slug] = FILE_NAME.exec(file)!;
      const sql = readFileSync(join(dir, file), 'utf8');
      const name = className(timestamp, slug);
      return class SqlMigration implements MigrationInterface {
        readonly name = name;
        async up(runner: QueryRunner): Promise<void> {
          await runner.query(sql);
        }
        async down(): Promise<void> {
          throw new Error(`${file}: migrations are forward-only; write a new migration to undo`);
        }
      };
    });
}
