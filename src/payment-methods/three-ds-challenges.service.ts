import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { CteStatement } from '../database/cte-statement';
import { ThreeDSChallengeEntity } from './entities/three-ds-challenge.entity';

const TOKEN_PREFIX = '3ds_';
/** 3ds_ + 43 base64url characters (32 random bytes). */
const TOKEN_PATTERN = /^3ds_[A-Za-z0-9_-]{43}$/;

export interface IssuedChallenge {
  token: string;
  url: string;
}

export interface ActiveChallenge {
  paymentId: string;
  merchantId: string;
}

function hashToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/** Owner of `three_ds_challenges`: one-time tokens for the challenge page. */
@Injectable()
export class ThreeDSChallengesService {
  constructor(private readonly config: AppConfig) {}

  /** A fresh token and its page (nothing stored yet: `insert` does, in the payment's transaction). */
  issue(): IssuedChallenge {
    const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    return { token, url: `${this.config.publicUrl.replace(/\/+$/, '')}/v1/3ds/${token}` };
  }

  /** Adds the challenge row to the creating statement (CTE `three_ds_challenge`). */
  appendInsert(statement: CteStatement, token: string, payment: ActiveChallenge, now: Date, expiresAt: Date): void {
    const p = (value: unknown) => statement.param(value);
    statement.with(
      'three_ds_challenge',
      `INSERT INTO three_ds_challenges (token_hash, payment_id, merchant_id, expires_at, used_at, created_at)
       VALUES (${p(hashToken(token))}, ${p(payment.paymentId)}, ${p(payment.merchantId)}, ${p(expiresAt)}, NULL, ${p(now)})`,
    );
  }

  /** The challenge behind an unused token, whatever its expiry (the caller checks it on the merchant clock). */
  async findUnused(manager: EntityManager, token: string): Promise<(ActiveChallenge & { expiresAt: Date }) | null> {
    if (!TOKEN_PATTERN.test(token)) return null;
    const row = await manager.findOneBy(ThreeDSChallengeEntity, { tokenHash: hashToken(token) });
    if (!row || row.usedAt !== null) return null;
    return { paymentId: row.paymentId, merchantId: row.merchantId, expiresAt: row.expiresAt };
  }

  /** Marks the token used; false when another request used it first. */
  async consume(manager: EntityManager, token: string, now: Date): Promise<boolean> {
    const result: unknown[] = await manager.query(
      'UPDATE three_ds_challenges SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL RETURNING 1',
      [hashToken(token), now],
    );
    // TypeORM answers an UPDATE … RETURNING with [rows, affected].
    const rows = Array.isArray(result[0]) ? (result[0] as unknown[]) : result;
    return rows.length === 1;
  }

  /** The step ended some other way (customer-action, expiry, merchant cancel): its page is spent. */
  async retire(manager: EntityManager, paymentId: string, now: Date): Promise<void> {
    await manager.query('UPDATE three_ds_challenges SET used_at = $2 WHERE payment_id = $1 AND used_at IS NULL', [paymentId, now]);
  }
}
