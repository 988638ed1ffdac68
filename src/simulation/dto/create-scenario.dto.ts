import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsEmail, IsIn, IsObject, IsOptional, Matches, MaxLength, ValidateNested } from 'class-validator';
import { IsStringMap } from '../../common/string-map.validator';
import { SCENARIO_THEN_MODES, ScenarioThenMode } from '../entities/simulation-scenario.entity';
import { PAYMENT_SIMULATE_VALUES, PaymentSimulateValue } from '../simulation-vocabulary';

export const MAX_SCENARIO_OUTCOMES = 100;

export class ScenarioMatchDto {
  @ApiPropertyOptional({ example: '4242', description: 'The last 4 digits of the card.' })
  @IsOptional()
  @Matches(/^\d{4}$/, { message: 'card_last4 must be 4 digits' })
  card_last4?: string;

  @ApiPropertyOptional({ example: 'qa@example.com', description: 'Compared case-insensitively.' })
  @IsOptional()
  @IsEmail()
  @MaxLength(254)
  customer_email?: string;

  @ApiPropertyOptional({
    example: { test_case: 'retry-3' },
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'Pairs the payment metadata must contain (1 to 5).',
  })
  @IsOptional()
  @IsStringMap({ maxKeys: 5, maxKeyLength: 40, maxValueLength: 500 })
  metadata?: Record<string, string>;
}

export class CreateScenarioDto {
  @ApiProperty({
    type: ScenarioMatchDto,
    description: 'Which payment creates take the outcomes: every given criterion must match (at least one is required).',
  })
  @IsObject()
  @ValidateNested()
  @Type(() => ScenarioMatchDto)
  match: ScenarioMatchDto;

  @ApiProperty({
    type: [String],
    enum: PAYMENT_SIMULATE_VALUES,
    minItems: 1,
    maxItems: MAX_SCENARIO_OUTCOMES,
    example: ['api_error', 'card_declined', 'success'],
    description: 'Handed out in order, one per matching payment create (business outcomes and API faults).',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_SCENARIO_OUTCOMES)
  @IsIn(PAYMENT_SIMULATE_VALUES, { each: true })
  outcomes: PaymentSimulateValue[];

  @ApiPropertyOptional({
    enum: SCENARIO_THEN_MODES,
    default: 'repeat_last',
    description: 'After the last outcome: repeat it forever (repeat_last) or start over (cycle).',
  })
  @IsOptional()
  @IsIn(SCENARIO_THEN_MODES)
  then?: ScenarioThenMode;
}
