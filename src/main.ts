import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createSandboxApp, logBanner, SandboxApp } from './app';
import { AppConfig } from './config/app-config';
import { DemoSeed } from './merchants/demo-seed';
import { checkDependencies, exitOnStartupError } from './startup-errors';

let config: AppConfig | undefined;

async function bootstrap(): Promise<void> {
  config = AppConfig.fromEnv(process.env, roleFromArgs(process.argv));
  await checkDependencies(config);
  const sandbox = await createSandboxApp(config);
  closeOnSignals(sandbox);
  await sandbox.app.listen(config.port, config.host);
  logBanner(config, sandbox.connection, sandbox.app.get(DemoSeed, { strict: false }).demo);
}

/** `--role=api` (npm run start:api) serves HTTP only; webhook delivery then runs in `npm run start:worker`. */
function roleFromArgs(argv: string[]): Record<string, string> {
  const role = argv.find((arg) => arg.startsWith('--role='))?.slice('--role='.length);
  return role ? { PROCESS_ROLE: role } : {};
}

/** Graceful stop: Nest (HTTP, TypeORM) first, then the embedded database, so its files are left clean. */
function closeOnSignals(sandbox: SandboxApp): void {
  let closing = false;
  const stop = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    new Logger('PaymentSandbox').log(`${signal} received: shutting down`);
    sandbox.close().then(
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

bootstrap().catch((error: unknown) => exitOnStartupError(error, config));
