import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Payment Sandbox API')
    .setDescription(
      'A stateful sandbox payment processor: payments on a state machine, failure simulation, refunds, ' +
        'idempotency keys and signed (Standard Webhooks) webhooks. Authenticate with `Authorization: Bearer sk_test_...`.',
    )
    .setVersion('1.0.0')
    .addServer('http://localhost:4242')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'A merchant API key (sk_test_...)' })
    .build();
  return SwaggerModule.createDocument(app, config);
}

/** Serves Swagger UI at /docs and the document at /openapi.json. */
export function mountOpenApi(app: INestApplication): void {
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: 'openapi.json',
    yamlDocumentUrl: 'openapi.yaml',
  });
}
