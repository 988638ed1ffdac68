import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { AppConfig } from '../config/app-config';
import { DomainError } from '../common/errors/domain-error';
import { hashesMatch, hashSecret } from '../api-keys/api-key-secret';
import { AUTH_MODE_KEY, AuthMode } from './public.decorator';
import { AuthenticatedRequest } from './current-actor.decorator';

interface RequestWithHeaders extends AuthenticatedRequest {
  headers: Record<string, string | string[] | undefined>;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * The key from `Authorization: Bearer <key>` or HTTP Basic with the key as user name and an
 * empty password (`curl -u sk_test_...:`). A Basic header that is not base64 `user:password` is
 * refused with a message saying so rather than treated as a missing key.
 */
function presentedKey(request: RequestWithHeaders): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (bearer) return bearer[1];
  const basic = /^Basic(?:\s+(\S*))?\s*$/i.exec(header);
  return basic ? basicUser(basic[1] ?? '') : undefined;
}

function basicUser(encoded: string): string {
  const decoded = BASE64.test(encoded) && encoded.length % 4 === 0 ? Buffer.from(encoded, 'base64').toString('utf8') : '';
  const separator = decoded.indexOf(':');
  const user = separator > 0 ? decoded.slice(0, separator) : '';
  if (!user) {
    throw new DomainError(
      'api_key_invalid',
      'The Basic Authorization header is not base64 of "<api key>:" (the key as user name, empty password), e.g. curl -u sk_test_...:',
    );
  }
  return user;
}

/** Global guard: every route needs a merchant API key unless marked @Public/@AdminOnlyWhenConfigured. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly adminKeyHash: Buffer | undefined;

  constructor(
    private readonly reflector: Reflector,
    private readonly apiKeys: ApiKeysService,
    config: AppConfig,
  ) {
    this.adminKeyHash = config.adminApiKey ? hashSecret(config.adminApiKey) : undefined;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const mode = this.reflector.getAllAndOverride<AuthMode | undefined>(AUTH_MODE_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    const request = context.switchToHttp().getRequest<RequestWithHeaders>();
    if (mode === 'public') return true;
    if (mode === 'admin') return this.checkAdmin(request);
    const token = presentedKey(request);
    if (!token) {
      throw new DomainError('api_key_missing', 'No API key provided. Send Authorization: Bearer sk_test_... (or HTTP Basic with the key as user name: curl -u sk_test_...:).');
    }
    const key = await this.apiKeys.authenticate(token);
    request.actor = { ...key, requestId: String(request.id) };
    return true;
  }

  private checkAdmin(request: RequestWithHeaders): boolean {
    if (!this.adminKeyHash) return true;
    const token = presentedKey(request);
    if (!token || !hashesMatch(hashSecret(token), this.adminKeyHash)) {
      throw new DomainError('admin_key_invalid', 'Creating merchants requires Authorization: Bearer <ADMIN_API_KEY>.');
    }
    return true;
  }
}
