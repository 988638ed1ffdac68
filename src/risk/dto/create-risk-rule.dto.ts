import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, MinLength } from 'class-validator';
import { RULE_ACTIONS, RuleAction } from '../rule-evaluation';

export class CreateRiskRuleDto {
  @ApiProperty({
    enum: RULE_ACTIONS,
    example: 'block',
    description:
      'Evaluated in the order request_3ds, allow, block, review; the first match wins. request_3ds sends the card payment to 3-D Secure (a challenge as three_d_secure "required" would give) and allow/block/review run once the customer has authenticated.',
  })
  @IsIn(RULE_ACTIONS, { message: `action must be one of: ${RULE_ACTIONS.join(', ')}` })
  action: RuleAction;

  @ApiProperty({
    example: ":amount_in_usd: > 500 and :card_country: in ('NG', 'RU')",
    description:
      "`:attribute: op value` joined by and/or/not and parentheses; ops = != > >= < <= and in ('a','b'). At most 1,000 characters. A bad predicate → 400 naming the position. Rules apply to card payments only: there is no payment-method attribute (`:payment_method_type:` → 400 saying so), so velocity cannot be applied to UPI or M-Pesa. Velocity attributes count over sliding windows of the merchant clock (the last hour / 24 hours, this payment included).",
  })
  @IsString({ message: 'predicate must be a string' })
  @MinLength(1, { message: 'predicate must not be empty' })
  predicate: string;
}
