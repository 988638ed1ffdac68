import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { queryRows } from '../webhooks/sql-rows';
import { defaultRoutingConfig, RoutingConfig, RoutingRule } from './routing-config';

/** The `routing_configs` table's only reader and writer. */
@Injectable()
export class RoutingRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The merchant's routing, or the documented default when it never set one. */
  async find(merchantId: string): Promise<RoutingConfig> {
    const rows = await queryRows<{ rules: RoutingRule[]; default_order: string[]; max_attempts: number }>(
      this.db.manager,
      'SELECT rules, default_order, max_attempts FROM routing_configs WHERE merchant_id = $1',
      [merchantId],
    );
    const row = rows[0];
    return row ? { rules: row.rules, default: row.default_order, max_attempts: Number(row.max_attempts) } : defaultRoutingConfig();
  }

  async save(merchantId: string, config: RoutingConfig, now: Date): Promise<void> {
    await this.db.query(
      `INSERT INTO routing_configs (merchant_id, rules, default_order, max_attempts, updated_at) VALUES ($1, $2::jsonb, $3::text[], $4, $5)
       ON CONFLICT (merchant_id) DO UPDATE SET rules = EXCLUDED.rules, default_order = EXCLUDED.default_order,
         max_attempts = EXCLUDED.max_attempts, updated_at = EXCLUDED.updated_at`,
      [merchantId, JSON.stringify(config.rules), config.default, config.max_attempts, now],
    );
  }
}
