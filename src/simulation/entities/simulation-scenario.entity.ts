import { Column, Entity, PrimaryColumn } from 'typeorm';

export const SCENARIO_THEN_MODES = ['repeat_last', 'cycle'] as const;
export type ScenarioThenMode = (typeof SCENARIO_THEN_MODES)[number];

@Entity({ name: 'simulation_scenarios' })
export class SimulationScenarioEntity {
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Column({ name: 'merchant_id', type: 'text' })
  merchantId: string;

  @Column({ name: 'match_card_last4', type: 'text', nullable: true })
  matchCardLast4: string | null;

  @Column({ name: 'match_customer_email', type: 'text', nullable: true })
  matchCustomerEmail: string | null;

  @Column({ name: 'match_metadata', type: 'jsonb', nullable: true })
  matchMetadata: Record<string, string> | null;

  @Column({ type: 'text', array: true })
  outcomes: string[];

  @Column({ name: 'then_mode', type: 'text' })
  thenMode: ScenarioThenMode;

  @Column({ type: 'integer' })
  consumed: number;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
