import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { hashSecret } from '../api-keys/api-key-secret';
import type { AuthenticatedKey } from '../api-keys/api-keys.service';
import { Actor } from '../common/actor';
import { DomainError } from '../common/errors/domain-error';
import { AppConfig } from '../config/app-config';
import { StreamTokenView } from './dto/stream-token.dto';

export const STREAM_TOKEN_PREFIX = 'sst_';
const TOKEN_BYTES = 24;

/**
 * Short-lived credentials for browsers, whose EventSource cannot send an Authorization header.
 * Stored as a hash in Postgres (any API process accepts them); expiry is a lease on wall time.
 */
@Injectable()
export class StreamTokensService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly config: AppConfig,
  ) {}

  async issue(actor: Actor, ttlSeconds?: number): Promise<StreamTokenView> {
    const token = STREAM_TOKEN_PREFIX + randomBytes(TOKEN_BYTES).toString('base64url');
    const expiresAt = new Date(Date.now() + (ttlSeconds !== undefined ? ttlSeconds * 1000 : this.config.streamTokenTtlMs));
    await this.db.query(
      `WITH expired AS (DELETE FROM stream_tokens WHERE merchant_id = $2 AND expires_at < $5)
       INSERT INTO stream_tokens (token_hash, merchant_id, api_key_id, expires_at) VALUES ($1, $2, $3, $4)`,
      [hashSecret(token), actor.merchantId, actor.apiKeyId, expiresAt, new Date()],
    );
    return { object: 'stream_token', token, expires_at: expiresAt.toISOString() };
  }

  /** The key a live token stands for; 401 when unknown, expired, or its API key was revoked. */
  async authenticate(token: string): Promise<AuthenticatedKey> {
    const rows: Array<{ merchant_id: string; api_key_id: string }> = token.startsWith(STREAM_TOKEN_PREFIX)
      ? await this.db.query(
          `SELECT t.merchant_id, t.api_key_id FROM stream_tokens t JOIN api_keys k ON k.id = t.api_key_id
            WHERE t.token_hash = $1 AND t.expires_at > $2 AND k.revoked_at IS NULL`,
          [hashSecret(token), new Date()],
        )
      : [];
    if (rows.length === 0) throw new DomainError('api_key_invalid', 'Invalid or expired stream token.', 'token');
    return { merchantId: rows[0].merchant_id, apiKeyId: rows[0].api_key_id };
  }
}
