import { Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { AppConfig } from '../config/app-config';
import { rateLimitOptions } from './rate-limit.options';

/**
 * Provides the throttler (global module). AppModule registers RateLimitGuard (./rate-limit.guard) as an APP_GUARD
 * right after ApiKeyGuard: guards run in registration order and the limit is per API key.
 */
@Module({
  imports: [ThrottlerModule.forRootAsync({ inject: [AppConfig], useFactory: rateLimitOptions })],
})
export class RateLimitModule {}
