import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createSandboxApp, logBanner } from './app';
import { AppConfig, ConfigError } from './config/app-config';

async function bootstrap(): Promise<void> {
  const config = AppConfig.fromEnv();
  const sandbox = await createSandboxApp(config);
  await sandbox.app.listen(config.port, config.host);
  logBanner(config, sandbox.connection);
}

bootstrap().catch((error: Error) => {
  const message = error instanceof ConfigError ? error.message : `Start-up failed: ${error.message}`;
  new Logger('PaymentSandbox').error(message);
  process.exit(1);
});
