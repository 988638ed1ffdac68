export interface BatcherOptions {
  /** Most items one run takes. */
  maxBatch: number;
  /** Most runs at once; further items wait for one to finish and then go together. */
  maxInFlight: number;
}

interface Pending<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
}

/**
 * Coalesces single-item calls into one run for many items (one SQL statement instead of one per
 * delivery). Items submitted in the same turn of the event loop go together; while `maxInFlight`
 * runs are busy, new items queue and leave together when one finishes, so batches grow with the
 * load and a lone item still leaves at once. A failed run of several items is retried item by
 * item, so one bad item fails alone.
 */
export class Batcher<I, O> {
  private queue: Array<Pending<I, O>> = [];
  private inFlight = 0;
  private flushScheduled = false;

  constructor(
    private readonly run: (items: I[]) => Promise<O[]>,
    private readonly options: BatcherOptions,
  ) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => {
          this.flushScheduled = false;
          this.flush();
        });
      }
    });
  }

  private flush(): void {
    while (this.queue.length > 0 && this.inFlight < this.options.maxInFlight) {
      const batch = this.queue.splice(0, this.options.maxBatch);
      this.inFlight++;
      void this.execute(batch).finally(() => {
        this.inFlight--;
        this.flush();
      });
    }
  }

  private async execute(batch: Array<Pending<I, O>>): Promise<void> {
    try {
      const results = await this.run(batch.map((pending) => pending.item));
      batch.forEach((pending, index) => pending.resolve(results[index]));
    } catch (error) {
      if (batch.length === 1) return batch[0].reject(error);
      for (const pending of batch) {
        await this.run([pending.item]).then(
          ([result]) => pending.resolve(result),
          (itemError: unknown) => pending.reject(itemError),
        );
      }
    }
  }
}

