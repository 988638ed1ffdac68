import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { CteStatement } from '../database/cte-statement';
import { queryRows } from '../webhooks/sql-rows';
import { defaultRoutingConfig, RoutingConfig, RoutingRule } from './routing-config';

const SELECT_CONFIG = 'SELECT rules, default_order, max_attempts FROM routing_configs';

interface ConfigRow {
  rules: RoutingRule[];
  default_order: string[];
  max_attempts: number;
}

function toConfig(row: ConfigRow | undefined): RoutingConfig {
  return row ? { rules: row.rules, default: row.default_order, max_attempts: Number(row.max_attempts) } : defaultRoutingConfig();
}

/** The `routing_configs` table's only reader and writer. */
@Injectable()
export class RoutingRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The merchant's routing, or the documented default when it never set one. */
  async find(merchantId: string): Promise<RoutingConfig> {
    const rows = await queryRows<ConfigRow>(this.db.manager, `${SELECT_CONFIG} WHERE merchant_id = $1`, [merchantId]);
    return toConfig(rows[0]);
  }

  /** The same read as a column (`column`) of a statement of several modules' reads; `readAppended` parses it. */
  appendFind(statement: CteStatement, column: string, merchantId: string): void {
    statement.select(column, `SELECT row_to_json(r) FROM (${SELECT_CONFIG} WHERE merchant_id = ${statement.param(merchantId)}) r`);
  }

  readAppended(value: ConfigRow | string | null): RoutingConfig {
    return toConfig(typeof value === 'string' ? (JSON.parse(value) as ConfigRow) : (value ?? undefined));
  }

  async save(manager: EntityManager, merchantId: string, config: RoutingConfig, now: Date): Promise<void> {
    await manager.query(
      `INSERT INTO routing_configs (merchant_id, rules, default_order, max_attempts, updated_at) VALUES ($1, $2::jsonb, $3::text[], $4, $5)
       ON CONFLICT (merchant_id) DO UPDATE SET rules = EXCLUDED.rules, default_order = EXCLUDED.default_order,
         max_attempts = EXCLUDED.max_attempts, updated_at = EXCLUDED.updated_at`,
      [merchantId, JSON.stringify(config.rules), config.default, config.max_attempts, now],
    );
  }
}
