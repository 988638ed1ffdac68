import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { answerClientError } from './common/client-error';
import { corsOptions, crossOriginGuard } from './common/cors';
import { AppModule } from './app.module';
import { DomainError } from './common/errors/domain-error';
import { newId } from './common/ids';
import { parseFormBody, parseQueryString } from './common/form-body';
import { exceedsJsonDepth, hasUnpairedSurrogate } from './common/json-body-guards';
import { createValidationPipe } from './common/validation';
import { AppConfig } from './config/app-config';
import { DatabaseConnection, redactUrl, resolveDatabaseConnection } from './database/database-connection';
import type { DemoMerchant } from './merchants/demo-seed';
import { installHttpObservability } from './logging/http-observability';
import { createAppLogger, createPinoLogger } from './logging/logger';
import { mountOpenApi } from './openapi';
import { destroyFaultedSocket } from './simulation/socket-faults';
import type { DestinationStream } from 'pino';

export const BODY_LIMIT_BYTES = 1024 * 1024;
/** Far above any request schema (payment_method.card is 3 levels), far below what recursion survives. */
export const MAX_JSON_DEPTH = 32;


export interface SandboxApp {
  app: NestFastifyApplication;
  connection: DatabaseConnection;
  close(): Promise<void>;
}

function createAdapter(): FastifyAdapter {
  const adapter = new FastifyAdapter({
    logger: false,
    bodyLimit: BODY_LIMIT_BYTES,
    genReqId: () => newId('request'),
    requestIdHeader: false,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    // A request the HTTP parser refuses (e.g. a control character in a header) still gets the documented error shape.
    clientErrorHandler: answerClientError,
    // Bracket notation in query strings too (created[gte]=..., metadata[order_id]=7), like the form bodies.
    routerOptions: { querystringParser: parseQueryString },
  });
  const fastify = adapter.getInstance();
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  // An empty JSON body means "no parameters" (e.g. POST /capture with Content-Type set and no body).
  fastify.removeContentTypeParser('application/json');
  // JSON only: Fastify's built-in text/plain parser would hand a string body to validation (→ 415 instead).
  fastify.removeContentTypeParser('text/plain');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '' || body.length === 0) return done(null, undefined);
    const text = body.toString();
    // Deeply nested bodies overflow the stack of recursive walkers downstream (a 500): refuse them up front.
    if (exceedsJsonDepth(text, MAX_JSON_DEPTH)) {
      return done(new DomainError('parameter_invalid', `The request body is nested more than ${MAX_JSON_DEPTH} levels deep.`), undefined);
    }
    parseJson(request, text, (error, value) => {
      if (error) return done(error, undefined);
      // Not valid Unicode, and some validators (isEmail) throw on it instead of answering false.
      if (hasUnpairedSurrogate(value)) {
        return done(new DomainError('parameter_invalid', 'The request body contains an unpaired UTF-16 surrogate, which is not valid Unicode.'), undefined);
      }
      done(null, value);
    });
  });
  fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    const text = body.toString();
    if (text.length === 0) return done(null, undefined);
    try {
      const value = parseFormBody(text);
      if (hasUnpairedSurrogate(value)) {
        return done(new DomainError('parameter_invalid', 'The request body contains an unpaired UTF-16 surrogate, which is not valid Unicode.'), undefined);
      }
      done(null, value);
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  fastify.addHook('onSend', async (request, reply) => {
    void reply.header('Request-Id', request.id);
    destroyFaultedSocket(request, reply);
  });
  return adapter;
}

/** Builds the HTTP application (not listening yet). Shared by main.ts and the e2e tests. */
export interface SandboxAppOptions {
  /** Where log lines go (stdout by default); tests capture them to prove redaction. */
  logDestination?: DestinationStream;
}

export async function createSandboxApp(config: AppConfig, options: SandboxAppOptions = {}): Promise<SandboxApp> {
  const logger = createPinoLogger(config, options.logDestination);
  const connection = await resolveDatabaseConnection(config);
  let app: NestFastifyApplication;
  try {
    app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, connection), createAdapter(), {
      logger: createAppLogger(logger, config.logLevel),
      abortOnError: false,
      bodyParser: false,
    });
    installHttpObservability(app, logger);
    app.useGlobalPipes(createValidationPipe());
    const cors = corsOptions(config);
    if (cors) app.enableCors(cors);
    app.getHttpAdapter().getInstance().addHook('onRequest', crossOriginGuard(config));
    // No enableShutdownHooks(): main.ts closes on SIGINT/SIGTERM through close() below, which also
    // stops the embedded database after Nest (and TypeORM) are done with it.
    mountOpenApi(app, config);
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  } catch (error) {
    await connection.close?.().catch(() => undefined);
    throw error;
  }
  return {
    app,
    connection,
    async close() {
      await app.close();
      await connection.close?.();
    },
  };
}

/** The one start-up line: where it listens, which adapters it runs on, where data lives, the demo key. */
export function logBanner(config: AppConfig, connection: DatabaseConnection, demo?: DemoMerchant): void {
  const parts = [
    `Payment Sandbox listening on ${config.publicUrl}`,
    `docs ${config.publicUrl}/docs`,
    `database: ${config.embeddedDatabase ? 'embedded PGlite' : 'PostgreSQL'} (${connection.location})`,
    `queue: ${config.redisUrl ? `redis (${redactUrl(config.redisUrl)})` : 'in-process'}`,
  ];
  if (demo?.apiKey) parts.push(`demo merchant key: ${demo.apiKey}`);
  else if (demo) parts.push(`demo merchant ${demo.merchantId} (its key was printed when it was created)`);
  // The line is a JSON log record by default: end it with a word, so the key is never glued to the closing quote.
  new Logger('PaymentSandbox').log(`${parts.join(' · ')} · ready`);
}

