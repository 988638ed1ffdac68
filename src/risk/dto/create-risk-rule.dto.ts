import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, MinLength } from 'class-validator';
import { RULE_ACTIONS, RuleAction } from '../rule-evaluation';

export class CreateRiskRuleDto {
  @ApiProperty({ enum: RULE_ACTIONS, example: 'block', description: 'Evaluated in the order request_3ds, allow, block, review; the first match wins.' })
  @IsIn(RULE_ACTIONS, { message: `action must be one of: ${RULE_ACTIONS.join(', ')}` })
  action: RuleAction;

  @ApiProperty({
    example: ":amount_in_usd: > 500 and :card_country: in ('NG', 'RU')",
    description:
      "`:attribute: op value` joined by and/or/not and parentheses; ops = != > >= < <= and in ('a','b'). At most 1,000 characters. A bad predicate → 400 naming the position.",
  })
  @IsString({ message: 'predicate must be a string' })
  @MinLength(1, { message: 'predicate must not be empty' })
  predicate: string;
}
