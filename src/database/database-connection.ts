import { AppConfig } from '../config/app-config';

export interface DatabaseConnection {
  url: string;
  poolSize: number;
  /** Where the data lives, for the start-up banner. */
  location: string;
  close?: () => Promise<void>;
}

/** The external Postgres from DATABASE_URL, or (with none set) the embedded one. */
export async function resolveDatabaseConnection(config: AppConfig): Promise<DatabaseConnection> {
  if (config.databaseUrl) {
    return { url: config.databaseUrl, poolSize: config.databasePoolSize, location: redactUrl(config.databaseUrl) };
  }
  const { startEmbeddedPostgres } = await import('./embedded-postgres');
  return startEmbeddedPostgres(config.sandboxDataDir);
}

export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}
