import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A one-time 3-D Secure challenge page: only the token's SHA-256 is stored. */
@Entity({ name: 'three_ds_challenges' })
export class ThreeDSChallengeEntity {
  @PrimaryColumn({ name: 'token_hash', type: 'bytea' })
  tokenHash: Buffer;

  @Column({ name: 'payment_id', type: 'text' })
  paymentId: string;

  @Column({ name: 'merchant_id', type: 'text' })
  merchantId: string;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'used_at', type: 'timestamptz', nullable: true })
  usedAt: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
