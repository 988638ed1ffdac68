import { ApiProperty } from '@nestjs/swagger';
import { RULE_ACTIONS, RuleAction } from '../rule-evaluation';
import { RiskRuleEntity } from '../entities/risk-rule.entity';

export class RiskRuleView {
  @ApiProperty({ example: 'rr_01JD4C1Z0K3M5N7P9Q2R4S6T8V' }) id: string;
  @ApiProperty({ enum: ['risk_rule'] }) object: 'risk_rule';
  @ApiProperty({ enum: RULE_ACTIONS, example: 'block' }) action: RuleAction;
  @ApiProperty({ example: ":risk_level: = 'highest'" }) predicate: string;
  @ApiProperty({ example: '2026-11-22T10:00:00.000Z' }) created_at: string;
}

export class RiskRuleListView {
  @ApiProperty({ enum: ['list'] }) object: 'list';
  @ApiProperty({ type: [RiskRuleView], description: 'Every rule of the merchant, in evaluation order (request_3ds, allow, block, review; oldest first within an action).' })
  data: RiskRuleView[];
  @ApiProperty({ example: false }) has_more: boolean;
}

export class DeletedRiskRuleView {
  @ApiProperty({ example: 'rr_01JD4C1Z0K3M5N7P9Q2R4S6T8V' }) id: string;
  @ApiProperty({ enum: ['risk_rule'] }) object: 'risk_rule';
  @ApiProperty({ example: true }) deleted: true;
}

export function toRiskRuleView(row: RiskRuleEntity): RiskRuleView {
  return { id: row.id, object: 'risk_rule', action: row.action, predicate: row.predicate, created_at: row.createdAt.toISOString() };
}
