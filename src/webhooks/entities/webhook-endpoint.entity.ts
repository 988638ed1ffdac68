import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { WebhookChaos } from '../../simulation/webhook-chaos';

export type WebhookEndpointStatus = 'enabled' | 'disabled';

@Entity({ name: 'webhook_endpoints' })
export class WebhookEndpointEntity {
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Column({ name: 'merchant_id', type: 'text' })
  merchantId: string;

  @Column({ type: 'text' })
  url: string;

  @Column({ name: 'enabled_events', type: 'text', array: true })
  enabledEvents: string[];

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ type: 'text' })
  status: WebhookEndpointStatus;

  @Column({ type: 'text' })
  secret: string;

  @Column({ name: 'previous_secret', type: 'text', nullable: true })
  previousSecret: string | null;

  @Column({ name: 'previous_secret_expires_at', type: 'timestamptz', nullable: true })
  previousSecretExpiresAt: Date | null;

  @Column({ type: 'jsonb', nullable: true })
  chaos: WebhookChaos | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
