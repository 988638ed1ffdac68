import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { hashesMatch, hashSecret } from '../api-keys/api-key-secret';
import { DomainError } from '../common/errors/domain-error';
import { AppConfig } from '../config/app-config';

export const CIRCUIT_STATES = { closed: 0, half_open: 1, open: 2 } as const;
export type CircuitState = keyof typeof CIRCUIT_STATES;

/**
 * Every Prometheus metric of the process, on its own registry (several apps can live in one process
 * in tests). Counters and histograms are this process's; gauges of stored state (payments, refunds,
 * deliveries, queue depth) are read from Postgres at scrape time, so any API process reports the truth.
 * Other features feed `connectorAttempts` and `setCircuitState`.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  private readonly tokenHash: Buffer | undefined;

  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, route template (never an id) and status code.',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  readonly webhookDeliveries = new Counter({
    name: 'sandbox_webhook_deliveries_total',
    help: 'Webhook delivery attempts by outcome: succeeded, retry (failed, will retry), failed (gave up), skipped.',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly webhookLag = new Histogram({
    name: 'sandbox_webhook_delivery_lag_seconds',
    help: 'From the event being recorded to its successful delivery (wall clock; 0 when the merchant clock is ahead).',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600],
    registers: [this.registry],
  });

  readonly connectorAttempts = new Counter({
    name: 'sandbox_connector_attempts_total',
    help: 'Attempts sent to a (simulated) connector, by connector and outcome.',
    labelNames: ['connector', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly connectorCircuit = new Gauge({
    name: 'sandbox_connector_circuit_state',
    help: 'Circuit breaker state per connector: 0 closed, 1 half-open, 2 open.',
    labelNames: ['connector'] as const,
    registers: [this.registry],
  });

  readonly streamClients = new Gauge({
    name: 'sandbox_stream_clients',
    help: 'Live stream clients (SSE and WebSocket) connected to this process.',
    registers: [this.registry],
  });

  readonly streamDropped = new Counter({
    name: 'sandbox_stream_clients_dropped_total',
    help: 'Stream clients disconnected because they did not keep up (more than STREAM_CLIENT_BUFFER_BYTES unsent).',
    registers: [this.registry],
  });

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    config: AppConfig,
  ) {
    this.tokenHash = config.metricsToken ? hashSecret(config.metricsToken) : undefined;
    collectDefaultMetrics({ register: this.registry });
    this.storedStateGauge('sandbox_payments', 'Payments by status (all merchants).', 'SELECT status AS label, count(*)::int AS value FROM payments GROUP BY status', 'status');
    this.storedStateGauge('sandbox_refunds', 'Refunds by status (all merchants).', 'SELECT status AS label, count(*)::int AS value FROM refunds GROUP BY status', 'status');
    this.storedStateGauge(
      'sandbox_webhook_deliveries',
      'Webhook deliveries by status (pending, succeeded, failed).',
      'SELECT status AS label, count(*)::int AS value FROM webhook_deliveries GROUP BY status',
      'status',
    );
    this.storedStateGauge(
      'sandbox_webhook_queue_depth',
      'Pending webhook deliveries: due now, or waiting for a later retry.',
      `SELECT CASE WHEN next_attempt_at <= now() THEN 'due' ELSE 'scheduled' END AS label, count(*)::int AS value
         FROM webhook_deliveries WHERE status = 'pending' GROUP BY 1`,
      'state',
    );
  }

  setCircuitState(connector: string, state: CircuitState): void {
    this.connectorCircuit.set({ connector }, CIRCUIT_STATES[state]);
  }

  /** The exposition text; with METRICS_TOKEN set, only for `Authorization: Bearer <token>`. */
  async render(authorization: string | undefined): Promise<string> {
    if (this.tokenHash) {
      const presented = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
      if (!presented || !hashesMatch(hashSecret(presented), this.tokenHash)) {
        throw new DomainError('api_key_invalid', 'GET /metrics requires Authorization: Bearer <METRICS_TOKEN>.');
      }
    }
    return this.registry.metrics();
  }

  /** A gauge whose values are one GROUP BY over stored rows, read at scrape time. */
  private storedStateGauge(name: string, help: string, sql: string, labelName: string): void {
    const db = this.db;
    new Gauge({
      name,
      help,
      labelNames: [labelName],
      registers: [this.registry],
      async collect() {
        const rows: Array<{ label: string; value: number }> = await db.query(sql);
        this.reset();
        for (const row of rows) this.set({ [labelName]: row.label }, row.value);
      },
    });
  }
}
