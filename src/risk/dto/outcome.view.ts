import { ApiProperty } from '@nestjs/swagger';
import { RULE_ACTIONS, RuleAction } from '../rule-evaluation';
import { OUTCOME_TYPES, OutcomeType } from '../outcome';

export class OutcomeRuleView {
  @ApiProperty({ example: 'rr_01JD4C1Z0K3M5N7P9Q2R4S6T8V' }) id: string;
  @ApiProperty({ enum: RULE_ACTIONS, example: 'block' }) action: RuleAction;
  @ApiProperty({ example: ":risk_level: = 'highest'" }) predicate: string;
}

export class OutcomeView {
  @ApiProperty({
    enum: OUTCOME_TYPES,
    example: 'authorized',
    description:
      'issuer_declined also covers a customer who did not complete 3-D Secure. While the payment waits for its challenge (REQUIRES_ACTION) the outcome is provisional: authorized, the rule so far, a seller_message saying it waits.',
  })
  type: OutcomeType;
  @ApiProperty({ enum: ['normal', 'elevated', 'highest'], example: 'normal' }) risk_level: 'normal' | 'elevated' | 'highest';
  @ApiProperty({ minimum: 0, maximum: 100, example: 10, description: 'score = 10 + 30 × signals (card ≠ payer country, amount ≥ USD 1,000, > 20 charges on the card in the last hour), capped at 100.' })
  risk_score: number;
  @ApiProperty({
    type: OutcomeRuleView,
    nullable: true,
    description: 'The rule that decided, or null. A request_3ds rule stays here when no allow/block/review rule matched after authentication.',
  })
  rule: OutcomeRuleView | null;
  @ApiProperty({ example: 'Payment complete.' }) seller_message: string;
}
