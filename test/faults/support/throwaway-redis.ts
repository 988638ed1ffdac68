import Redis from 'ioredis';
import { onFreePort } from '../../support/built-app';
import { GiveUp, spawnTracked, stopProcess, TrackedProcess, waitFor } from './processes';

/**
 * A redis-server of our own on a free port (no persistence, a spawned child tracked by pid), so a
 * test may FLUSHALL it or stop and restart it. Never the machine's shared 6379.
 */
export class ThrowawayRedis {
  private server?: TrackedProcess;

  private constructor(readonly port: number) {}

  /** On a free port; if it was taken between choosing and binding it, again on another. */
  static start(): Promise<ThrowawayRedis> {
    return onFreePort(async (port) => {
      const redis = new ThrowawayRedis(port);
      try {
        await redis.startServer();
      } catch (error) {
        await redis.stopServer();
        throw error;
      }
      return redis;
    });
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async startServer(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'];
    const server = spawnTracked(`redis:${this.port}`, 'redis-server', args);
    this.server = server;
    await waitFor(`redis-server on ${this.port}`, async () => {
      if (!server.isRunning()) throw new GiveUp(`redis-server exited: ${server.output()}`);
      return (await this.command((client) => client.ping())) === 'PONG' ? true : undefined;
    });
  }

  /** SIGTERM (SIGKILL after the deadline); with --save '' nothing survives. */
  async stopServer(): Promise<void> {
    if (this.server) await stopProcess(this.server, 3_000);
    this.server = undefined;
  }

  async flushAll(): Promise<void> {
    await this.command((client) => client.flushall());
  }

  async dbSize(): Promise<number> {
    return this.command((client) => client.dbsize());
  }

  async destroy(): Promise<void> {
    await this.stopServer();
  }

  private async command<T>(use: (client: Redis) => Promise<T>): Promise<T> {
    const client = new Redis(this.url, { maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true, connectTimeout: 1_000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return await use(client);
    } finally {
      client.disconnect();
    }
  }
}
