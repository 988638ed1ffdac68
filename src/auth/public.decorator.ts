import { SetMetadata } from '@nestjs/common';

export const AUTH_MODE_KEY = 'auth_mode';
export type AuthMode = 'public' | 'admin';

/** No API key needed (health, docs). */
export const Public = () => SetMetadata(AUTH_MODE_KEY, 'public' satisfies AuthMode);
/** Open unless ADMIN_API_KEY is configured, then that key is required (merchant sign-up). */
export const AdminOnlyWhenConfigured = () => SetMetadata(AUTH_MODE_KEY, 'admin' satisfies AuthMode);

export const STREAM_TOKEN_KEY = 'stream_token_allowed';
/** Also accepts `?token=` (a stream token from POST /v1/stream-tokens) instead of the Authorization header. */
export const AllowStreamToken = () => SetMetadata(STREAM_TOKEN_KEY, true);
