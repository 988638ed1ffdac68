import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainError } from '../common/errors/domain-error';

export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

const CHECK_TIMEOUT_MS = 2_000;

function withTimeout(promise: Promise<void>, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} check timed out`)), CHECK_TIMEOUT_MS);
    promise.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}

@Injectable()
export class HealthService {
  private readonly checks: ReadinessCheck[] = [];

  constructor(@InjectDataSource() private readonly db: DataSource) {
    this.register({ name: 'database', check: async () => void (await this.db.query('SELECT 1')) });
  }

  register(check: ReadinessCheck): void {
    this.checks.push(check);
  }

  live() {
    return { status: 'ok' };
  }

  async ready() {
    const results = await Promise.all(
      this.checks.map(async ({ name, check }) => {
        try {
          await withTimeout(check(), name);
          return [name, 'ok'] as const;
        } catch {
          return [name, 'unavailable'] as const;
        }
      }),
    );
    const checks = Object.fromEntries(results);
    if (results.some(([, state]) => state !== 'ok')) {
      throw new DomainError('service_unavailable', 'Not ready: a dependency is unavailable.', undefined, { checks });
    }
    return { status: 'ok', checks };
  }
}
