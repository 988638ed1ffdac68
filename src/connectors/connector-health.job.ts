import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { ClockService } from '../clock/clock.service';
import { AppConfig } from '../config/app-config';
import { ConnectorsRepository } from './connectors.repository';

/**
 * The worker's periodic health job: every CONNECTOR_HEALTH_INTERVAL_MS it visits each merchant
 * that has connector rows and, on that merchant's clock, stores every connector's recent
 * failures and success rate and moves open circuits whose window has passed to half_open, so
 * GET /v1/connectors/:id/health and the list show it without waiting for a payment.
 */
@Injectable()
export class ConnectorHealthJob implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ConnectorHealthJob.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private stopped = false;

  constructor(
    private readonly connectors: ConnectorsRepository,
    private readonly clock: ClockService,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.arm();
  }

  private arm(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.runOnce()
        .catch((error: Error) => this.logger.warn(`Connector health pass failed: ${error.message}`))
        .then(() => this.arm());
    }, this.config.connectorHealthIntervalMs);
  }

  /** One pass over every merchant; returns how many connectors it evaluated. */
  async runOnce(): Promise<number> {
    let evaluated = 0;
    for (const merchantId of await this.connectors.merchantsWithConnectors()) {
      if (this.stopped) break;
      evaluated += await this.connectors.refreshHealth(merchantId, await this.clock.now(merchantId));
    }
    return evaluated;
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }
}
