import { EventBus, EventNotice, EventNoticeListener, ListenerSet } from './event-bus';

/** Embedded mode: the only process that can write the database is this one. */
export class InProcessEventBus implements EventBus {
  readonly kind = 'in-process';
  private readonly listeners = new ListenerSet();

  publish(notice: EventNotice): void {
    setImmediate(() => this.listeners.emit(notice));
  }

  subscribe(listener: EventNoticeListener): () => void {
    return this.listeners.add(listener);
  }

  async ready(): Promise<void> {}

  async close(): Promise<void> {}
}
