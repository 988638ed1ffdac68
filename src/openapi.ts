import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { withErrorResponses } from './common/errors/error-responses.openapi';
import { AppConfig } from './config/app-config';

/** The committed document names a relative server: "the server this document was fetched from". */
const RELATIVE_SERVER = '/';

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Payment Sandbox API')
    .setDescription(
      'A stateful sandbox payment processor: payments on a state machine, failure simulation, refunds, ' +
        'idempotency keys and signed (Standard Webhooks) webhooks. Authenticate with `Authorization: Bearer sk_test_...` ' +
        'or HTTP Basic with the key as user name (`curl -u sk_test_...:`). Bodies are JSON or form-encoded with bracket ' +
        'notation (`metadata[order_id]=7`). Every error has the ErrorResponse shape.',
    )
    .setVersion('1.0.0')
    .addServer(RELATIVE_SERVER, 'This server (the one serving this document)')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'A merchant API key (sk_test_...)' })
    .addBasicAuth({ type: 'http', scheme: 'basic', description: 'The merchant API key as user name, empty password' }, 'basic')
    .build();
  return withErrorResponses(withDeepObjectQueries(withBasicAuth(withIdempotencyHeader(SwaggerModule.createDocument(app, config)))));
}

/** Object query parameters (created, metadata) use bracket notation: created[gte]=...&metadata[order_id]=7. */
function withDeepObjectQueries(document: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(document.paths)) {
    for (const parameter of item.get?.parameters ?? []) {
      if (!('in' in parameter) || parameter.in !== 'query' || !parameter.schema) continue;
      if ('$ref' in parameter.schema || parameter.schema.type === 'object') Object.assign(parameter, { style: 'deepObject', explode: true });
    }
  }
  return document;
}

/** Every route that takes a Bearer key takes the same key over HTTP Basic. */
function withBasicAuth(document: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(document.paths)) {
    for (const operation of [item.get, item.post, item.patch, item.delete, item.put]) {
      if (operation?.security?.some((requirement) => 'bearer' in requirement)) operation.security.push({ basic: [] });
    }
  }
  return document;
}

/** Every authenticated POST accepts Idempotency-Key; document it once here rather than per route. */
function withIdempotencyHeader(document: OpenAPIObject): OpenAPIObject {
  for (const [path, item] of Object.entries(document.paths)) {
    if (!item.post || path === '/v1/merchants' || path === '/v1/api-keys' || path.startsWith('/v1/3ds/')) continue;
    item.post.parameters = [
      ...(item.post.parameters ?? []).filter((parameter) => !('name' in parameter) || parameter.name !== 'Idempotency-Key'),
      {
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        description: 'Up to 255 characters, scoped to the merchant: a retry with the same key and body replays the first response (Idempotent-Replayed: true) for 24 h.',
        // No example: Swagger UI would pre-fill it, and the second "Try it out" would replay (or 422).
        schema: { type: 'string', minLength: 1, maxLength: 255 },
      },
    ];
  }
  return document;
}

/**
 * Serves Swagger UI at /docs and the document at /openapi.json, both naming the server they are
 * served from (PUBLIC_URL when set, else the request's own origin), so "Try it out" calls it.
 */
export function mountOpenApi(app: INestApplication, config: AppConfig): void {
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: 'openapi.json',
    yamlDocumentUrl: 'openapi.yaml',
    patchDocumentOnRequest: <TRequest>(request: TRequest, _response: unknown, document: OpenAPIObject) => ({
      ...document,
      servers: [{ url: config.configuredPublicUrl ?? requestOrigin(request as FastifyRequest) }],
    }),
  });
}

function requestOrigin(request: FastifyRequest): string {
  return request.headers.host ? `${request.protocol}://${request.headers.host}` : RELATIVE_SERVER;
}
