import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

/** `serverUrl`: where "Try it out" sends requests — the running server (PUBLIC_URL); the committed file uses the default port. */
export function buildOpenApiDocument(app: INestApplication, serverUrl = 'http://localhost:4242'): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Payment Sandbox API')
    .setDescription(
      'A stateful sandbox payment processor: payments on a state machine, failure simulation, refunds, ' +
        'idempotency keys and signed (Standard Webhooks) webhooks. Authenticate with `Authorization: Bearer sk_test_...`.',
    )
    .setVersion('1.0.0')
    .addServer(serverUrl)
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'A merchant API key (sk_test_...)' })
    .build();
  return withIdempotencyHeader(SwaggerModule.createDocument(app, config));
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
        schema: { type: 'string', minLength: 1, maxLength: 255 },
        example: 'order-1234-attempt-1',
      },
    ];
  }
  return document;
}

/** Serves Swagger UI at /docs and the document at /openapi.json. */
export function mountOpenApi(app: INestApplication, serverUrl: string): void {
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app, serverUrl), {
    jsonDocumentUrl: 'openapi.json',
    yamlDocumentUrl: 'openapi.yaml',
  });
}
