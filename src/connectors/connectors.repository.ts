import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { CteStatement } from '../database/cte-statement';
import { queryRows } from '../webhooks/sql-rows';
import { BREAKER, WINDOW_SQL } from './circuit-breaker';
import { BUILTIN_CONNECTORS } from './builtin-connectors';
import { ConnectorProfile, TechnicalError } from './connector.model';
import { ConnectorRow, fromRow, materializeBuiltinSql, StoredConnector, untouchedBuiltin } from './connector-row';

export interface NewConnector {
  id: string;
  methods: string[];
  currencies: string[] | null;
  countries: string[] | null;
  enabled: boolean;
  profile: ConnectorProfile;
}

/** The five built-ins (the merchant's copies or the defaults), then custom ones. */
function withBuiltins(rows: ConnectorRow[]): StoredConnector[] {
  const byId = new Map(rows.map((row) => [row.id, fromRow(row)]));
  const builtins = BUILTIN_CONNECTORS.map((builtin) => byId.get(builtin.id) ?? untouchedBuiltin(builtin));
  const custom = rows.filter((row) => row.custom).map(fromRow);
  return [...builtins, ...custom];
}

/** The `connectors` table's only reader and writer. */
@Injectable()
export class ConnectorsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Every connector of the merchant: the five built-ins (its copies or the defaults), then custom ones. */
  async list(merchantId: string, manager: EntityManager = this.db.manager): Promise<StoredConnector[]> {
    const rows = await queryRows<ConnectorRow>(manager, 'SELECT * FROM connectors WHERE merchant_id = $1 ORDER BY created_at, id', [merchantId]);
    return withBuiltins(rows);
  }

  /** The same read as a json column (`column`) of a statement of several modules' reads; `readAppended` parses it. */
  appendList(statement: CteStatement, column: string, merchantId: string): void {
    statement.select(
      column,
      `SELECT COALESCE(json_agg(c ORDER BY c.created_at, c.id), '[]'::json) FROM connectors c WHERE c.merchant_id = ${statement.param(merchantId)}`,
    );
  }

  /** json turns timestamps into strings: fromRow makes Dates of either. */
  readAppended(value: ConnectorRow[] | string): StoredConnector[] {
    return withBuiltins(typeof value === 'string' ? (JSON.parse(value) as ConnectorRow[]) : value);
  }

  async find(merchantId: string, id: string, manager: EntityManager = this.db.manager): Promise<StoredConnector | undefined> {
    return (await this.list(merchantId, manager)).find((connector) => connector.id === id);
  }

  /** Ensures the merchant has its own row for a built-in (a no-op for custom or existing ones). */
  async materialize(manager: EntityManager, merchantId: string, id: string, now: Date): Promise<void> {
    const insert = materializeBuiltinSql(id);
    if (insert) await manager.query(insert.sql, [merchantId, id, now, ...insert.params]);
  }

  /** Locks the merchant's row of this connector (materializing a built-in first). */
  async lock(manager: EntityManager, merchantId: string, id: string, now: Date): Promise<StoredConnector | undefined> {
    await this.materialize(manager, merchantId, id, now);
    const rows = await queryRows<ConnectorRow>(manager, 'SELECT * FROM connectors WHERE merchant_id = $1 AND id = $2 FOR UPDATE', [merchantId, id]);
    return rows[0] ? fromRow(rows[0]) : undefined;
  }

  /** Inserts a custom connector; false when the id is taken. */
  async insertCustom(manager: EntityManager, merchantId: string, connector: NewConnector, now: Date): Promise<boolean> {
    const rows = await queryRows<{ id: string }>(
      manager,
      `INSERT INTO connectors (merchant_id, id, custom, methods, currencies, countries, enabled, profile, created_at, updated_at)
       VALUES ($1, $2, true, $3::text[], $4::text[], $5::text[], $6, $7::jsonb, $8, $8)
       ON CONFLICT (merchant_id, id) DO NOTHING RETURNING id`,
      [merchantId, connector.id, connector.methods, connector.currencies, connector.countries, connector.enabled, JSON.stringify(connector.profile), now],
    );
    return rows.length === 1;
  }

  async updateSettings(manager: EntityManager, merchantId: string, id: string, enabled: boolean, profile: ConnectorProfile, now: Date): Promise<void> {
    await manager.query('UPDATE connectors SET enabled = $3, profile = $4::jsonb, updated_at = $5 WHERE merchant_id = $1 AND id = $2', [
      merchantId, id, enabled, JSON.stringify(profile), now,
    ]);
  }

  async setOutage(manager: EntityManager, merchantId: string, id: string, outage: { until: Date; mode: TechnicalError } | null, now: Date): Promise<void> {
    await manager.query('UPDATE connectors SET outage_until = $3, outage_mode = $4, updated_at = $5 WHERE merchant_id = $1 AND id = $2', [
      merchantId, id, outage?.until ?? null, outage?.mode ?? null, now,
    ]);
  }

  /** Merchants that have connector rows (the health job visits each on its own clock). */
  async merchantsWithConnectors(): Promise<string[]> {
    const rows = await queryRows<{ merchant_id: string }>(this.db.manager, 'SELECT DISTINCT merchant_id FROM connectors');
    return rows.map((row) => row.merchant_id);
  }

  /**
   * The health job's pass for one merchant: stores each stored connector's recent failures and
   * success rate, and shows an open circuit whose window has passed as half_open (no event: the
   * probe decides). Returns how many connectors it evaluated.
   */
  async refreshHealth(merchantId: string, now: Date): Promise<number> {
    const rows = await queryRows<{ id: string }>(
      this.db.manager,
      `UPDATE connectors c
          SET health_failures_recent = s.failures,
              health_success_rate = CASE WHEN s.calls = 0 THEN NULL ELSE (s.calls - s.failures)::float8 / s.calls END,
              health_checked_at = $2::timestamptz,
              circuit_state = CASE WHEN c.circuit_state = 'open' AND NOT c.circuit_forced
                                        AND c.circuit_opened_at <= $2::timestamptz - make_interval(secs => ${BREAKER.OPEN_MS / 1000})
                                   THEN 'half_open' ELSE c.circuit_state END
         FROM (SELECT c2.id,
                      (SELECT count(*) FROM payment_attempts a WHERE a.merchant_id = c2.merchant_id AND a.connector_id = c2.id
                          AND a.created_at > $2::timestamptz - ${WINDOW_SQL} AND a.created_at <= $2) AS calls,
                      (SELECT count(*) FROM payment_attempts a WHERE a.merchant_id = c2.merchant_id AND a.connector_id = c2.id AND a.status = 'failed'
                          AND a.created_at > $2::timestamptz - ${WINDOW_SQL} AND a.created_at <= $2) AS failures
                 FROM connectors c2 WHERE c2.merchant_id = $1) s
        WHERE c.merchant_id = $1 AND c.id = s.id
        RETURNING c.id`,
      [merchantId, now],
    );
    return rows.length;
  }

  async healthCheckedAt(merchantId: string, connectorId: string): Promise<Date | null> {
    const rows = await queryRows<{ health_checked_at: Date | null }>(
      this.db.manager,
      'SELECT health_checked_at FROM connectors WHERE merchant_id = $1 AND id = $2',
      [merchantId, connectorId],
    );
    return rows[0]?.health_checked_at ? new Date(rows[0].health_checked_at) : null;
  }
}
