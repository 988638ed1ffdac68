import { Injectable } from '@nestjs/common';

/** In-process signal "deliveries are due": lets the poller react at once instead of at its next tick. */
@Injectable()
export class DeliveryWakeup {
  private readonly listeners = new Set<() => void>();

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  notify(): void {
    for (const listener of this.listeners) listener();
  }
}
