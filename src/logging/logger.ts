import type { LoggerService } from '@nestjs/common';
import pino, { DestinationStream, Logger } from 'pino';
import pretty from 'pino-pretty';
import type { LogFormat, LogLevel } from '../config/app-config';
import { REDACT_PATHS, REDACTED, scrub, scrubText } from './redaction';

export interface LoggerSettings {
  logLevel: LogLevel;
  logFormat: LogFormat;
}

/** The process's pino logger: JSON lines (or human-readable with LOG_FORMAT=pretty), secrets redacted. */
export function createPinoLogger(settings: LoggerSettings, destination?: DestinationStream): Logger {
  const stream = destination ?? (settings.logFormat === 'pretty' ? pretty({ sync: true, translateTime: 'SYS:standard' }) : pino.destination({ dest: 1, sync: true }));
  return pino(
    {
      level: settings.logLevel,
      base: { service: 'payment-sandbox' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: REDACTED },
      formatters: {
        level: (label) => ({ level: label }),
        log: (object) => scrub(object) as Record<string, unknown>,
      },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((arg) => (typeof arg === 'string' ? scrubText(arg) : arg)) as Parameters<typeof method>);
        },
      },
    },
    stream,
  );
}

// Nest's own start-up chatter (one line per module and route) buries the start-up banner.
const FRAMEWORK_CONTEXTS = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication']);

/** Nest's LoggerService on pino: `context` becomes a field; framework start-up lines only from `debug` on. */
class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...rest: unknown[]): void {
    const context = lastString(rest);
    if (context && FRAMEWORK_CONTEXTS.has(context) && !this.logger.isLevelEnabled('debug')) return;
    this.write('info', message, context);
  }
  error(message: unknown, ...rest: unknown[]): void {
    const context = rest.length > 1 ? lastString(rest) : undefined;
    const stack = typeof rest[0] === 'string' && rest.length > 1 ? rest[0] : undefined;
    this.write('error', message, context, stack);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, lastString(rest));
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, lastString(rest));
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, lastString(rest));
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, lastString(rest));
  }

  private write(level: pino.Level, message: unknown, context?: string, stack?: string): void {
    const fields = { ...(context ? { context } : {}), ...(stack ? { stack } : {}) };
    if (message instanceof Error) this.logger[level]({ ...fields, err: message }, message.message);
    else if (typeof message === 'object' && message !== null) this.logger[level]({ ...fields, ...message });
    else this.logger[level](fields, String(message));
  }
}

function lastString(values: unknown[]): string | undefined {
  const last = values.at(-1);
  return typeof last === 'string' ? last : undefined;
}

/** The Nest logger of a process (API or worker); `false` when LOG_LEVEL=silent. */
export function createAppLogger(logger: Logger, level: LogLevel): LoggerService | false {
  return level === 'silent' ? false : new PinoNestLogger(logger);
}
