import { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ThrottlerException, ThrottlerStorage, ThrottlerStorageService } from '@nestjs/throttler';
import { AppConfig } from '../config/app-config';
import { RateLimitGuard } from './rate-limit.guard';
import { rateLimitOptions } from './rate-limit.options';

class FakeReply {
  readonly headers: Record<string, string | number> = {};
  header(name: string, value: string | number): this {
    this.headers[name] = value;
    return this;
  }
}

class PaymentsController {
  list(): void {}
  create(): void {}
}

function contextFor(request: Record<string, unknown>, reply: FakeReply, handler: () => void): ExecutionContext {
  return {
    getHandler: () => handler,
    getClass: () => PaymentsController,
    getType: () => 'http',
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => reply, getNext: () => undefined }),
  } as unknown as ExecutionContext;
}

async function guardWith(rps: number, storage: ThrottlerStorage = new ThrottlerStorageService()): Promise<RateLimitGuard> {
  const config = AppConfig.fromEnv({}, { RATE_LIMIT_RPS: String(rps), DATABASE_URL: 'postgres://localhost/unused' });
  const guard = new RateLimitGuard(rateLimitOptions(config), storage, new Reflector(), config);
  await guard.onModuleInit();
  return guard;
}

const keyA = { ip: '10.0.0.1', actor: { merchantId: 'mer_1', apiKeyId: 'key_A', requestId: 'req_1' } };
const keyB = { ip: '10.0.0.1', actor: { merchantId: 'mer_1', apiKeyId: 'key_B', requestId: 'req_2' } };
const { list, create } = PaymentsController.prototype;

describe('RateLimitGuard', () => {
  it('shares one budget per API key across routes and sets RateLimit headers', async () => {
    const guard = await guardWith(2);
    const reply = new FakeReply();
    await expect(guard.canActivate(contextFor(keyA, reply, list))).resolves.toBe(true);
    expect(reply.headers).toMatchObject({ 'X-RateLimit-Limit': 2, 'RateLimit-Limit': 2, 'RateLimit-Remaining': 1 });
    await expect(guard.canActivate(contextFor(keyA, new FakeReply(), create))).resolves.toBe(true);

    const limited = new FakeReply();
    await expect(guard.canActivate(contextFor(keyA, limited, list))).rejects.toBeInstanceOf(ThrottlerException);
    expect(limited.headers).toMatchObject({ 'Retry-After': 1, 'RateLimit-Limit': 2, 'RateLimit-Remaining': 0, 'X-RateLimit-Remaining': 0 });
    expect(Number(limited.headers['RateLimit-Reset'])).toBeGreaterThanOrEqual(1);

    // Same IP, another key: its own budget.
    await expect(guard.canActivate(contextFor(keyB, new FakeReply(), list))).resolves.toBe(true);
  });

  it('tracks unauthenticated requests by IP', async () => {
    const guard = await guardWith(1);
    await expect(guard.canActivate(contextFor({ ip: '10.0.0.9' }, new FakeReply(), create))).resolves.toBe(true);
    await expect(guard.canActivate(contextFor({ ip: '10.0.0.9' }, new FakeReply(), create))).rejects.toBeInstanceOf(ThrottlerException);
    await expect(guard.canActivate(contextFor({ ip: '10.0.0.10' }, new FakeReply(), create))).resolves.toBe(true);
  });

  it('is off at RATE_LIMIT_RPS=0', async () => {
    const guard = await guardWith(0);
    for (let i = 0; i < 20; i++) {
      const reply = new FakeReply();
      await expect(guard.canActivate(contextFor(keyA, reply, list))).resolves.toBe(true);
      expect(reply.headers).toEqual({});
    }
  });

  it('fails open when the shared store is unreachable', async () => {
    const unreachable: ThrottlerStorage = {
      increment: () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' })),
    };
    const guard = await guardWith(1, unreachable);
    for (let i = 0; i < 3; i++) {
      await expect(guard.canActivate(contextFor(keyA, new FakeReply(), list))).resolves.toBe(true);
    }
  });
});
