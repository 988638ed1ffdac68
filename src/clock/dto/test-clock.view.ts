import { ApiProperty } from '@nestjs/swagger';
import { ClockState, merchantNowMs } from '../clock-state';

export class TestClockView {
  @ApiProperty({ enum: ['test_clock'] }) object: 'test_clock';
  @ApiProperty({ example: '2026-12-08T10:00:00.000Z', description: "The merchant's current time." }) now: string;
  @ApiProperty({ example: 604_800_000, description: 'now minus the wall clock, in ms (0 for a clock never moved).' }) offset_ms: number;
  @ApiProperty({ example: false, description: 'A frozen clock stands still until advanced.' }) frozen: boolean;
  @ApiProperty({ enum: ['ready'], description: 'Always ready once the call answers: due work has run.' }) status: 'ready';
}

export function toTestClockView(state: ClockState, wallMs = Date.now()): TestClockView {
  const now = merchantNowMs(state, wallMs);
  return { object: 'test_clock', now: new Date(now).toISOString(), offset_ms: now - wallMs, frozen: state.frozenAtMs !== null, status: 'ready' };
}
