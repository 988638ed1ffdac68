import { Client } from 'pg';

/**
 * How far the delivery backlog grows: the number of pending webhook deliveries, sampled every
 * 250 ms — straight from Postgres when the bench knows the database, else from the sandbox's own
 * /metrics (sandbox_webhook_queue_depth, due + scheduled; the only way into embedded PGlite).
 */
export class BacklogSampler {
  readonly samples: Array<{ at_ms: number; pending: number }> = [];
  private timer: NodeJS.Timeout | undefined;
  private busy = false;
  private started = 0;
  private client: Client | undefined;
  private failures = 0;

  constructor(
    private readonly base: string,
    private readonly databaseUrl: string | undefined,
    private readonly everyMs = 250,
  ) {}

  get source(): 'postgres' | 'metrics' {
    return this.databaseUrl ? 'postgres' : 'metrics';
  }

  async start(): Promise<void> {
    if (this.databaseUrl) {
      this.client = new Client({ connectionString: this.databaseUrl });
      await this.client.connect();
    }
    this.started = Date.now();
    await this.sample();
    this.timer = setInterval(() => void this.sample(), this.everyMs);
  }

  /** The largest backlog seen so far (null before any sample). */
  get max(): number | null {
    return this.samples.length === 0 ? null : Math.max(...this.samples.map((sample) => sample.pending));
  }

  get last(): number | null {
    return this.samples.at(-1)?.pending ?? null;
  }

  async stop(): Promise<{ source: string; every_ms: number; samples: number; failed_samples: number; max_pending: number | null }> {
    clearInterval(this.timer);
    await this.client?.end();
    return { source: this.source, every_ms: this.everyMs, samples: this.samples.length, failed_samples: this.failures, max_pending: this.max };
  }

  private async sample(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const pending = this.client ? await this.fromDatabase(this.client) : await this.fromMetrics();
      this.samples.push({ at_ms: Date.now() - this.started, pending });
    } catch {
      this.failures++;
    } finally {
      this.busy = false;
    }
  }

  private async fromDatabase(client: Client): Promise<number> {
    const result = await client.query<{ pending: number }>(`SELECT count(*)::int AS pending FROM webhook_deliveries WHERE status = 'pending'`);
    return result.rows[0].pending;
  }

  private async fromMetrics(): Promise<number> {
    const text = await (await fetch(`${this.base}/metrics`)).text();
    let pending = 0;
    for (const line of text.split('\n')) {
      if (line.startsWith('sandbox_webhook_queue_depth{')) pending += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
    return pending;
  }
}
