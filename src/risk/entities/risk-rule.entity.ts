import { Column, Entity, PrimaryColumn } from 'typeorm';
import { RuleAction } from '../rule-evaluation';

@Entity({ name: 'risk_rules' })
export class RiskRuleEntity {
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Column({ name: 'merchant_id', type: 'text' })
  merchantId: string;

  @Column({ type: 'text' })
  action: RuleAction;

  @Column({ type: 'text' })
  predicate: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
