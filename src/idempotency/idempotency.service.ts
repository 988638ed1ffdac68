import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ClockService } from '../clock/clock.service';
import { DomainError } from '../common/errors/domain-error';
import { AppConfig } from '../config/app-config';
import { RequestFingerprint } from './request-fingerprint';

const CLEANUP_INTERVAL_MS = 60_000;
const CLAIM_ATTEMPTS = 5;

/** The right to run a request under a key. `lockedAt` is Postgres' exact text, used for compare-and-set. */
export interface IdempotencyClaim {
  merchantId: string;
  key: string;
  claimId: string;
  lockedAt: string;
}

/** `text` is the exact response body the first request answered (JSON). */
export type ClaimResult = { kind: 'owner'; claim: IdempotencyClaim } | { kind: 'replay'; status: number; text: string };

interface ClaimRow {
  claim_id: string;
  locked_at: string;
}

interface ExistingRow extends ClaimRow {
  method: string;
  path: string;
  body_hash: string;
  state: 'in_flight' | 'completed';
  response_status: number | null;
  response_body: unknown;
  response_text: string | null;
  expires_at: string;
  expired: boolean;
  stale: boolean;
}

const RETURNING_CLAIM = 'RETURNING claim_id::text AS claim_id, locked_at::text AS locked_at';

/**
 * Idempotency keys in Postgres. Every step is a single autocommit statement; nothing is held
 * while the request runs, so a crash leaves at most an in-flight row that times out.
 */
@Injectable()
export class IdempotencyService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(IdempotencyService.name);
  private cleanupTimer: NodeJS.Timeout | undefined;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly config: AppConfig,
    private readonly clock: ClockService,
  ) {}

  onModuleInit(): void {
    this.cleanupTimer = setInterval(() => void this.cleanupExpired(), CLEANUP_INTERVAL_MS);
    this.cleanupTimer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.cleanupTimer);
  }

  /** Claims `key` for this request, or answers with the stored result, 422 (different request) or 409 (in flight). */
  async claim(merchantId: string, key: string, request: RequestFingerprint): Promise<ClaimResult> {
    // Keys expire on the merchant's clock (advance 25 h and a key works as new); claims are leases on the wall clock.
    const now = await this.clock.now(merchantId);
    for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
      const inserted = await this.insert(merchantId, key, request, now);
      if (inserted) return owner(merchantId, key, inserted);
      const row = await this.find(merchantId, key, now);
      if (!row) continue; // deleted in between (released or cleaned up): try to insert again
      const result = await this.resolveExisting(merchantId, key, request, row, now);
      if (result) return result;
    }
    throw inUse();
  }

  /**
   * Stores the outcome for replays: the exact response text, replayed byte for byte. Only the
   * current owner may complete (compare-and-set on locked_at).
   */
  async complete(claim: IdempotencyClaim, status: number, text: string): Promise<void> {
    await this.db.query(
      `UPDATE idempotency_keys
          SET state = 'completed', response_status = $4, response_text = $5
        WHERE merchant_id = $1 AND key = $2 AND state = 'in_flight' AND locked_at = $3::timestamptz`,
      [claim.merchantId, claim.key, claim.lockedAt, status, text],
    );
  }

  /** Forgets a claim whose request was not a real outcome (validation failure, server error). */
  async release(claim: IdempotencyClaim): Promise<void> {
    await this.db.query(
      `DELETE FROM idempotency_keys
        WHERE merchant_id = $1 AND key = $2 AND state = 'in_flight' AND locked_at = $3::timestamptz`,
      [claim.merchantId, claim.key, claim.lockedAt],
    );
  }

  async cleanupExpired(): Promise<number> {
    try {
      // Expired on the key's merchant clock (no clock row: the wall clock).
      const [, count] = (await this.db.query(
        `DELETE FROM idempotency_keys k
          WHERE k.expires_at < COALESCE(
                  (SELECT COALESCE(c.frozen_at, $1::timestamptz + c.offset_ms * interval '1 millisecond') FROM test_clocks c WHERE c.merchant_id = k.merchant_id),
                  $1::timestamptz)`,
        [new Date()],
      )) as [unknown, number];
      return count;
    } catch (error) {
      this.logger.warn(`Idempotency key cleanup failed: ${(error as Error).message}`);
      return 0;
    }
  }

  private async resolveExisting(
    merchantId: string,
    key: string,
    request: RequestFingerprint,
    row: ExistingRow,
    now: Date,
  ): Promise<ClaimResult | undefined> {
    if (row.expired) {
      const replaced = await this.replaceExpired(merchantId, key, request, row.expires_at, now);
      return replaced ? owner(merchantId, key, replaced) : undefined;
    }
    if (row.method !== request.method || row.path !== request.path || row.body_hash !== request.bodyHash) {
      throw new DomainError(
        'idempotency_key_reused',
        'This Idempotency-Key was already used with a different request (method, path or body). Use a new key.',
        'Idempotency-Key',
      );
    }
    if (row.state === 'completed') {
      // Rows completed before response_text existed replay their jsonb body (same content, key order may differ).
      return { kind: 'replay', status: row.response_status ?? 200, text: row.response_text ?? JSON.stringify(row.response_body ?? null) };
    }
    if (!row.stale) throw inUse();
    const taken = await this.takeOver(merchantId, key, row.locked_at);
    return taken ? owner(merchantId, key, taken) : undefined;
  }

  private async insert(merchantId: string, key: string, request: RequestFingerprint, now: Date): Promise<ClaimRow | undefined> {
    const rows = (await this.db.query(
      `INSERT INTO idempotency_keys (merchant_id, key, method, path, body_hash, state, locked_at, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, 'in_flight', now(), $7, $7::timestamptz + $6 * interval '1 millisecond')
       ON CONFLICT (merchant_id, key) DO NOTHING
       ${RETURNING_CLAIM}`,
      [merchantId, key, request.method, request.path, request.bodyHash, this.config.idempotencyTtlMs, now],
    )) as ClaimRow[];
    return rows[0];
  }

  private async find(merchantId: string, key: string, now: Date): Promise<ExistingRow | undefined> {
    const rows = (await this.db.query(
      `SELECT claim_id::text AS claim_id, locked_at::text AS locked_at, method, path, body_hash, state,
              response_status, response_body, response_text, expires_at::text AS expires_at,
              expires_at <= $4::timestamptz AS expired,
              (locked_at IS NULL OR locked_at < now() - $3 * interval '1 millisecond') AS stale
         FROM idempotency_keys WHERE merchant_id = $1 AND key = $2`,
      // An in-flight claim older than this is presumed dead (crashed) and may be taken over.
      // The default 60 s exceeds the 30 s max simulated delay; IDEMPOTENCY_LOCK_TIMEOUT shortens it (tests).
      [merchantId, key, this.config.idempotencyLockTimeoutMs, now],
    )) as ExistingRow[];
    return rows[0];
  }

  /** An expired key is a new key: a fresh claim_id, so whatever the old use created is not "recovered". */
  private async replaceExpired(
    merchantId: string,
    key: string,
    request: RequestFingerprint,
    expiresAt: string,
    now: Date,
  ): Promise<ClaimRow | undefined> {
    const rows = (await this.db.query(
      `UPDATE idempotency_keys
          SET claim_id = gen_random_uuid(), method = $4, path = $5, body_hash = $6, state = 'in_flight',
              response_status = NULL, response_body = NULL, response_text = NULL, locked_at = now(), created_at = $8,
              expires_at = $8::timestamptz + $7 * interval '1 millisecond'
        WHERE merchant_id = $1 AND key = $2 AND expires_at = $3::timestamptz
        ${RETURNING_CLAIM}`,
      [merchantId, key, expiresAt, request.method, request.path, request.bodyHash, this.config.idempotencyTtlMs, now],
    )) as [ClaimRow[], number];
    return rows[0][0];
  }

  /** The previous owner stopped answering: take its claim (same claim_id) if nobody else did first. */
  private async takeOver(merchantId: string, key: string, lockedAt: string | null): Promise<ClaimRow | undefined> {
    const rows = (await this.db.query(
      `UPDATE idempotency_keys SET locked_at = now()
        WHERE merchant_id = $1 AND key = $2 AND state = 'in_flight' AND locked_at IS NOT DISTINCT FROM $3::timestamptz
        ${RETURNING_CLAIM}`,
      [merchantId, key, lockedAt],
    )) as [ClaimRow[], number];
    return rows[0][0];
  }
}

function owner(merchantId: string, key: string, row: ClaimRow): ClaimResult {
  return { kind: 'owner', claim: { merchantId, key, claimId: row.claim_id, lockedAt: row.locked_at } };
}

function inUse(): DomainError {
  return new DomainError(
    'idempotency_key_in_use',
    'A request with this Idempotency-Key is still being processed. Retry after it completes.',
    'Idempotency-Key',
  );
}
