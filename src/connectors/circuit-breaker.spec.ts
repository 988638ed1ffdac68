import { BREAKER, effectiveCircuit, routableCircuit } from './circuit-breaker';

describe('circuit state as routing sees it', () => {
  const openedAt = new Date('2026-12-01T10:00:00Z');
  const at = (ms: number) => new Date(openedAt.getTime() + ms);
  const open = { state: 'open' as const, forced: false, openedAt };

  it.each<[string, Parameters<typeof effectiveCircuit>[0], number, string]>([
    ['closed stays closed', { state: 'closed', forced: false, openedAt: null }, 0, 'closed'],
    ['open within the window', open, BREAKER.OPEN_MS - 1, 'open'],
    ['open past the window is half-open', open, BREAKER.OPEN_MS, 'half_open'],
    ['forced open never half-opens', { ...open, forced: true }, 10 * BREAKER.OPEN_MS, 'open'],
    ['half-open stays half-open', { state: 'half_open', forced: false, openedAt }, 0, 'half_open'],
  ])('%s', (_name, circuit, elapsed, expected) => {
    expect(effectiveCircuit(circuit, at(elapsed))).toBe(expected);
  });

  it('a half-open circuit with a probe in flight takes no other call', () => {
    const wall = new Date();
    const leased = { ...open, probeLeaseUntil: new Date(wall.getTime() + 1000) };
    expect(routableCircuit(leased, at(BREAKER.OPEN_MS), wall)).toBe('open');
    expect(routableCircuit({ ...leased, probeLeaseUntil: new Date(wall.getTime() - 1) }, at(BREAKER.OPEN_MS), wall)).toBe('half_open');
    expect(routableCircuit({ ...open, probeLeaseUntil: null }, at(BREAKER.OPEN_MS), wall)).toBe('half_open');
  });
});
