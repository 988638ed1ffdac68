/** Where the e2e suite's fresh database lives (created by global-setup, dropped by global-teardown). */
export const ADMIN_DATABASE_URL = process.env.TEST_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export function databaseUrlFor(name: string): string {
  const url = new URL(ADMIN_DATABASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** The e2e-embedded Jest project sets SANDBOX_TEST_MODE=embedded: no Postgres, no Redis, PGlite in memory. */
export function isEmbeddedTestMode(): boolean {
  return process.env.SANDBOX_TEST_MODE === 'embedded';
}
