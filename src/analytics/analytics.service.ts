import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ClockService } from '../clock/clock.service';
import { PaymentGroupRow, PaymentsService } from '../payments/payments.service';
import { Actor } from '../common/actor';
import { DomainError } from '../common/errors/domain-error';
import { AnalyticsQueryDto } from './dto/analytics-query.dto';
import { AnalyticsSummaryView, ConnectorStatsView, CurrencyVolumeView, DeclineCodeView, StatusCountView } from './dto/analytics-summary.view';

const DAY_MS = 86_400_000;
const DEFAULT_RANGE_MS = 30 * DAY_MS;
const MAX_RANGE_MS = 366 * DAY_MS;
const TOP_DECLINES = 10;
const SUCCEEDED = new Set(['AUTHORIZED', 'CAPTURED', 'PARTIALLY_REFUNDED', 'REFUNDED', 'CANCELED']);

interface ConnectorRow {
  connector: string;
  attempts: number;
  succeeded: number;
  p95: number | null;
}

/**
 * Connector attempts (table payment_attempts, owned by the connectors feature, which should take this query over): connector, status,
 * duration_ms, created_at, payment_id. Until that table exists the list is empty.
 */
const CONNECTOR_SQL = `
  SELECT a.connector, count(*)::int AS attempts, (count(*) FILTER (WHERE a.status = 'succeeded'))::int AS succeeded,
         percentile_cont(0.95) WITHIN GROUP (ORDER BY a.duration_ms)::float8 AS p95
    FROM payment_attempts a JOIN payments p ON p.id = a.payment_id
   WHERE p.merchant_id = $1 AND a.created_at >= $2 AND a.created_at < $3
   GROUP BY a.connector ORDER BY a.connector`;

const round = (value: number) => Math.round(value * 10_000) / 10_000;

@Injectable()
export class AnalyticsService {
  private readonly logger = new Logger(AnalyticsService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: ClockService,
    private readonly payments: PaymentsService,
  ) {}

  async summary(actor: Actor, query: AnalyticsQueryDto): Promise<AnalyticsSummaryView> {
    const { from, to } = await this.range(actor, query);
    const [groups, connectors] = await Promise.all([
      this.payments.groupedTotals(actor.merchantId, from, to),
      this.connectorStats(actor.merchantId, from, to),
    ]);
    return { object: 'analytics_summary', from: from.toISOString(), to: to.toISOString(), ...fold(groups), connectors };
  }

  private async range(actor: Actor, query: AnalyticsQueryDto): Promise<{ from: Date; to: Date }> {
    const to = query.to ? new Date(query.to) : await this.clock.now(actor.merchantId);
    const from = query.from ? new Date(query.from) : new Date(to.getTime() - DEFAULT_RANGE_MS);
    if (from.getTime() > to.getTime()) throw new DomainError('parameter_invalid', '`from` must not be after `to`.', 'from');
    if (to.getTime() - from.getTime() > MAX_RANGE_MS) throw new DomainError('parameter_invalid', 'The range from `from` to `to` may span at most one year (366 days).', 'to');
    return { from, to };
  }

  private async connectorStats(merchantId: string, from: Date, to: Date): Promise<ConnectorStatsView[]> {
    const [{ present }]: Array<{ present: boolean }> = await this.db.query(`SELECT to_regclass('payment_attempts') IS NOT NULL AS present`);
    if (!present) return [];
    try {
      const rows: ConnectorRow[] = await this.db.query(CONNECTOR_SQL, [merchantId, from, to]);
      return rows.map((row) => ({
        connector: row.connector,
        attempts: row.attempts,
        success_rate: row.attempts > 0 ? round(row.succeeded / row.attempts) : null,
        p95_latency_ms: row.p95 === null ? null : Math.round(row.p95),
      }));
    } catch (error) {
      // The attempts table exists but not in the shape above (a feature mid-merge): report none rather than fail.
      this.logger.warn(`Connector stats unavailable: ${(error as Error).message}`);
      return [];
    }
  }
}

function fold(groups: PaymentGroupRow[]): Omit<AnalyticsSummaryView, 'object' | 'from' | 'to' | 'connectors'> {
  const byStatus = new Map<string, number>();
  const byCurrency = new Map<string, CurrencyVolumeView>();
  const byStatusCurrency = new Map<string, { status: string; currency: string; count: number; volume: number }>();
  const declines = new Map<string, number>();
  let succeeded = 0;
  let failed = 0;
  for (const row of groups) {
    const volume = Number(row.volume);
    byStatus.set(row.status, (byStatus.get(row.status) ?? 0) + row.count);
    const currency = byCurrency.get(row.currency) ?? { currency: row.currency, count: 0, volume: 0, captured_volume: 0, refunded_volume: 0 };
    currency.count += row.count;
    currency.volume += volume;
    currency.captured_volume += Number(row.captured);
    currency.refunded_volume += Number(row.refunded);
    byCurrency.set(row.currency, currency);
    const key = `${row.status}/${row.currency}`;
    const cell = byStatusCurrency.get(key) ?? { status: row.status, currency: row.currency, count: 0, volume: 0 };
    cell.count += row.count;
    cell.volume += volume;
    byStatusCurrency.set(key, cell);
    if (row.status === 'FAILED') {
      failed += row.count;
      const code = row.failure_code ?? 'unknown';
      declines.set(code, (declines.get(code) ?? 0) + row.count);
    } else if (SUCCEEDED.has(row.status)) {
      succeeded += row.count;
    }
  }
  const by = <T>(map: Map<string, T>) => [...map.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, value]) => value);
  return {
    count: [...byStatus.values()].reduce((sum, count) => sum + count, 0),
    by_status: by(new Map([...byStatus].map(([status, count]) => [status, { status, count } satisfies StatusCountView]))),
    by_currency: by(byCurrency),
    by_status_and_currency: by(byStatusCurrency),
    success_rate: succeeded + failed > 0 ? round(succeeded / (succeeded + failed)) : null,
    top_decline_codes: [...declines.entries()]
      .map(([code, count]): DeclineCodeView => ({ code, count }))
      .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code))
      .slice(0, TOP_DECLINES),
  };
}
