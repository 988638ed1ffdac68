import { SetMetadata } from '@nestjs/common';

export const AUTH_MODE_KEY = 'auth_mode';
export type AuthMode = 'public' | 'admin';

/** No API key needed (health, docs). */
export const Public = () => SetMetadata(AUTH_MODE_KEY, 'public' satisfies AuthMode);
/** Open unless ADMIN_API_KEY is configured, then that key is required (merchant sign-up). */
export const AdminOnlyWhenConfigured = () => SetMetadata(AUTH_MODE_KEY, 'admin' satisfies AuthMode);
