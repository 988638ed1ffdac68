import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { AppModule } from '../src/app.module';
import { AppConfig } from '../src/config/app-config';
import { buildOpenApiDocument } from '../src/openapi';

/** `npm run openapi`: writes openapi.json from the code, with no database (Nest preview mode). */
async function main(): Promise<void> {
  const config = AppConfig.fromEnv({}, { DATABASE_URL: 'postgres://unused@127.0.0.1:1/unused', LOG_LEVEL: 'error' });
  const connection = { url: config.databaseUrl!, poolSize: 1, location: 'unused' };
  const app = await NestFactory.create(AppModule.forRoot(config, connection), new FastifyAdapter(), {
    preview: true,
    logger: false,
  });
  const document = buildOpenApiDocument(app);
  const target = resolve(__dirname, '..', 'openapi.json');
  writeFileSync(target, `${JSON.stringify(document, null, 2)}\n`);
  await app.close();
  console.log(`Wrote ${target}`);
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
