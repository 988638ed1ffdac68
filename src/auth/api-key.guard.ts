import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { AppConfig } from '../config/app-config';
import { DomainError } from '../common/errors/domain-error';
import { hashesMatch, hashSecret } from '../api-keys/api-key-secret';
import { StreamTokensService } from '../stream-tokens/stream-tokens.service';
import { AUTH_MODE_KEY, AuthMode, STREAM_TOKEN_KEY } from './public.decorator';
import { AuthenticatedRequest } from './current-actor.decorator';

interface RequestWithHeaders extends AuthenticatedRequest {
  headers: Record<string, string | string[] | undefined>;
  ip?: string;
  query?: unknown;
}

const USER_AGENT_MAX = 512;

/** Where a request came from, as recorded on transitions and audit entries. */
export function requestOrigin(request: RequestWithHeaders): { requestId: string; ip: string | null; userAgent: string | null } {
  const agent = request.headers['user-agent'];
  return {
    requestId: String(request.id),
    ip: request.ip ?? null,
    userAgent: typeof agent === 'string' && agent.length > 0 ? agent.slice(0, USER_AGENT_MAX) : null,
  };
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

function queryToken(query: unknown): string | undefined {
  const token = (query as Record<string, unknown> | undefined)?.token;
  return typeof token === 'string' && token.length > 0 ? token : undefined;
}

/** Global guard: every route needs a merchant API key unless marked @Public/@AdminOnlyWhenConfigured. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly adminKeyHash: Buffer | undefined;

  constructor(
    private readonly reflector: Reflector,
    private readonly apiKeys: ApiKeysService,
    private readonly streamTokens: StreamTokensService,
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
    const key = await this.authenticate(request, this.reflector.getAllAndOverride<boolean>(STREAM_TOKEN_KEY, [context.getHandler(), context.getClass()]));
    request.actor = { ...key, ...requestOrigin(request) };
    return true;
  }

  /** The API key behind the Authorization header or, on routes that allow it, a `?token=` stream token. */
  private async authenticate(request: RequestWithHeaders, allowStreamToken: boolean) {
    const token = presentedKey(request);
    if (token) return this.apiKeys.authenticate(token);
    const streamToken = allowStreamToken ? queryToken(request.query) : undefined;
    if (streamToken) return this.streamTokens.authenticate(streamToken);
    throw new DomainError(
      'api_key_missing',
      'No API key provided. Send Authorization: Bearer sk_test_... (or HTTP Basic with the key as user name: curl -u sk_test_...:).',
    );
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
