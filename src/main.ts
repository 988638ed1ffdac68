import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createSandboxApp, logBanner } from './app';
import { closeOnSignals } from './common/shutdown';
import { AppConfig } from './config/app-config';
import { DemoSeed } from './merchants/demo-seed';
import { checkDependencies, exitOnStartupError } from './startup-errors';

let config: AppConfig | undefined;

async function bootstrap(): Promise<void> {
  config = AppConfig.fromEnv(process.env, roleFromArgs(process.argv));
  await checkDependencies(config);
  const sandbox = await createSandboxApp(config);
  // Nest (HTTP, TypeORM) closes first, then the embedded database, so its files are left clean.
  closeOnSignals(new Logger('PaymentSandbox'), 'shutting down', () => sandbox.close());
  await sandbox.app.listen(config.port, config.host);
  logBanner(config, sandbox.connection, sandbox.app.get(DemoSeed, { strict: false }).demo);
}

/** `--role=api` (npm run start:api) serves HTTP only; webhook delivery then runs in `npm run start:worker`. */
function roleFromArgs(argv: string[]): Record<string, string> {
  const role = argv.find((arg) => arg.startsWith('--role='))?.slice('--role='.length);
  return role ? { PROCESS_ROLE: role } : {};
}


bootstrap().catch((error: unknown) => exitOnStartupError(error, config));
