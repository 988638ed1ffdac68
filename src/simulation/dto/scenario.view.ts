import { ApiProperty } from '@nestjs/swagger';
import { SCENARIO_THEN_MODES, ScenarioThenMode, SimulationScenarioEntity } from '../entities/simulation-scenario.entity';
import { ScenarioMatchDto } from './create-scenario.dto';

export class ScenarioView {
  @ApiProperty({ example: 'scn_01JD4C1Z0K3M5N7P9Q2R4S6T8V' }) id: string;
  @ApiProperty({ enum: ['simulation_scenario'] }) object: 'simulation_scenario';
  @ApiProperty({ type: ScenarioMatchDto, example: { card_last4: '4242' } }) match: ScenarioMatchDto;
  @ApiProperty({ type: [String], example: ['api_error', 'card_declined', 'success'] }) outcomes: string[];
  @ApiProperty({ enum: SCENARIO_THEN_MODES }) then: ScenarioThenMode;
  @ApiProperty({ example: 2, description: 'How many matching creates have taken an outcome so far.' }) consumed: number;
  @ApiProperty({ example: 'success', description: 'The outcome the next matching create will take.' }) next_outcome: string;
  @ApiProperty({ example: '2026-11-22T10:00:00.000Z' }) created_at: string;
}

export class DeletedScenarioView {
  @ApiProperty({ example: 'scn_01JD4C1Z0K3M5N7P9Q2R4S6T8V' }) id: string;
  @ApiProperty({ enum: ['simulation_scenario'] }) object: 'simulation_scenario';
  @ApiProperty({ example: true }) deleted: true;
}

/** The outcome at a 0-based position: past the end, repeat the last one or start over. */
export function outcomeAt(outcomes: readonly string[], thenMode: ScenarioThenMode, position: number): string {
  if (position < outcomes.length) return outcomes[position];
  return thenMode === 'cycle' ? outcomes[position % outcomes.length] : outcomes[outcomes.length - 1];
}

export function toScenarioView(row: SimulationScenarioEntity): ScenarioView {
  return {
    id: row.id,
    object: 'simulation_scenario',
    match: {
      ...(row.matchCardLast4 ? { card_last4: row.matchCardLast4 } : {}),
      ...(row.matchCustomerEmail ? { customer_email: row.matchCustomerEmail } : {}),
      ...(row.matchMetadata ? { metadata: row.matchMetadata } : {}),
    },
    outcomes: row.outcomes,
    then: row.thenMode,
    consumed: row.consumed,
    next_outcome: outcomeAt(row.outcomes, row.thenMode, row.consumed),
    created_at: row.createdAt.toISOString(),
  };
}
