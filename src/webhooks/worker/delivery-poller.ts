import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { DeliveryClaim, DeliveryService } from '../delivery/delivery.service';
import { DeliveryWakeup } from '../scheduling/delivery-wakeup';

/**
 * No Redis: the pending rows are the queue. Claims due deliveries (a short SKIP LOCKED
 * transaction that leases them), attempts them outside any transaction, and polls again on a
 * tick, when woken (new deliveries, resend) or when a retry it scheduled falls due. A restart
 * loses nothing: leased rows fall due again when their lease ends.
 */
@Injectable()
export class DeliveryPoller implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(DeliveryPoller.name);
  private readonly inFlight = new Set<Promise<void>>();
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private tickTimer?: NodeJS.Timeout;
  private unsubscribe?: () => void;
  private polling?: Promise<void>;
  private pollAgain = false;
  private stopped = false;

  constructor(
    private readonly config: AppConfig,
    private readonly deliveries: DeliveryService,
    private readonly wakeup: DeliveryWakeup,
  ) {}

  onApplicationBootstrap(): void {
    this.unsubscribe = this.wakeup.subscribe(() => this.poll());
    this.tick();
  }

  private tick(): void {
    if (this.stopped) return;
    this.poll();
    this.tickTimer = setTimeout(() => this.tick(), this.config.webhookPollIntervalMs);
  }

  /** Coalesces overlapping wake-ups into one claim loop. */
  poll(): void {
    if (this.stopped) return;
    if (this.polling) {
      this.pollAgain = true;
      return;
    }
    this.polling = this.claimLoop()
      .catch((error: Error) => this.logger.warn(`Webhook poll failed: ${error.message}`))
      .finally(() => {
        this.polling = undefined;
        if (this.pollAgain) {
          this.pollAgain = false;
          this.poll();
        }
      });
  }

  private async claimLoop(): Promise<void> {
    while (!this.stopped) {
      const free = this.config.webhookConcurrency - this.inFlight.size;
      if (free <= 0) return;
      const claims = await this.deliveries.claimDue(free);
      for (const claim of claims) this.start(claim);
      if (claims.length < free) return;
    }
  }

  private start(claim: DeliveryClaim): void {
    const run = this.deliveries
      .deliver(claim)
      .then((outcome) => {
        if (outcome.kind === 'retry') this.wakeAfter(outcome.delayMs);
      })
      .catch((error: Error) => this.logger.warn(`Webhook delivery ${claim.id} failed to run: ${error.message}`))
      .finally(() => {
        this.inFlight.delete(run);
        this.poll(); // a slot is free
      });
    this.inFlight.add(run);
  }

  private wakeAfter(delayMs: number): void {
    const timer = setTimeout(() => {
      this.retryTimers.delete(timer);
      this.poll();
    }, delayMs + 5);
    this.retryTimers.add(timer);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    clearTimeout(this.tickTimer);
    for (const timer of this.retryTimers) clearTimeout(timer);
    await this.polling;
    await Promise.allSettled([...this.inFlight]);
  }
}
