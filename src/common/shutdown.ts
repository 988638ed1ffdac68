import { Logger } from '@nestjs/common';

/** Graceful stop on SIGINT/SIGTERM: runs `close` once, then exits 0 (or 1 if closing failed). */
export function closeOnSignals(logger: Logger, message: string, close: () => Promise<void>): void {
  let closing = false;
  const stop = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    logger.log(`${signal} received: ${message}`);
    close().then(
      () => process.exit(0),
      (error: Error) => {
        process.stderr.write(`Shutdown failed: ${error.message}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
