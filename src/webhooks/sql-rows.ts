import { EntityManager } from 'typeorm';

/** Runs raw SQL and returns its rows, also for UPDATE … RETURNING (which plain query() wraps differently). */
export async function queryRows<T>(manager: EntityManager, sql: string, params: unknown[] = []): Promise<T[]> {
  const runner = manager.queryRunner ?? manager.connection.createQueryRunner();
  try {
    const result = await runner.query(sql, params, true);
    return (result.records ?? []) as T[];
  } finally {
    if (!manager.queryRunner) await runner.release();
  }
}
