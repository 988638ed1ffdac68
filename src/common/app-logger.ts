import { ConsoleLogger, LoggerService, LogLevel as NestLogLevel } from '@nestjs/common';
import type { LogLevel } from '../config/app-config';

const NEST_LEVELS: Record<Exclude<LogLevel, 'silent'>, NestLogLevel[]> = {
  fatal: ['fatal'],
  error: ['fatal', 'error'],
  warn: ['fatal', 'error', 'warn'],
  info: ['fatal', 'error', 'warn', 'log'],
  debug: ['fatal', 'error', 'warn', 'log', 'debug'],
  trace: ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'],
};

// Nest's own start-up chatter (one line per module and route) buries the start-up banner.
const FRAMEWORK_CONTEXTS = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication']);

class QuietFrameworkLogger extends ConsoleLogger {
  override log(message: unknown, context?: string): void {
    if (context && FRAMEWORK_CONTEXTS.has(context)) return;
    super.log(message, context);
  }
}

/** The process logger for LOG_LEVEL: framework start-up lines only from `debug` on. */
export function createAppLogger(level: LogLevel): LoggerService | false {
  if (level === 'silent') return false;
  const logLevels = NEST_LEVELS[level];
  return level === 'debug' || level === 'trace' ? new ConsoleLogger({ logLevels }) : new QuietFrameworkLogger({ logLevels });
}
