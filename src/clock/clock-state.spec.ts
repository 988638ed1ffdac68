import { DomainError } from '../common/errors/domain-error';
import { advanceTarget, freeze, MAX_ADVANCE_MS, merchantNowMs, moveTo, unfreeze, WALL_CLOCK } from './clock-state';

const WALL = Date.parse('2026-12-01T10:00:00Z');
const DAY = 86_400_000;

function errorOf(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    return error as DomainError;
  }
  throw new Error('expected a DomainError');
}

describe('clock state', () => {
  it('a merchant without a clock reads the wall clock', () => {
    expect(merchantNowMs(WALL_CLOCK, WALL)).toBe(WALL);
  });

  it('a running clock keeps its offset as the wall clock moves', () => {
    const moved = moveTo(WALL_CLOCK, WALL + 7 * DAY, WALL);
    expect(merchantNowMs(moved, WALL)).toBe(WALL + 7 * DAY);
    expect(merchantNowMs(moved, WALL + 1_000)).toBe(WALL + 7 * DAY + 1_000);
  });

  it('a frozen clock stands still, moves exactly when advanced, and runs on from there when unfrozen', () => {
    const frozen = freeze(WALL_CLOCK, WALL);
    expect(merchantNowMs(frozen, WALL + 60_000)).toBe(WALL);
    const advanced = moveTo(frozen, WALL + DAY, WALL + 60_000);
    expect(advanced.frozenAtMs).toBe(WALL + DAY);
    expect(merchantNowMs(advanced, WALL + 120_000)).toBe(WALL + DAY);
    const running = unfreeze(advanced, WALL + 120_000);
    expect(running.frozenAtMs).toBeNull();
    expect(merchantNowMs(running, WALL + 121_000)).toBe(WALL + DAY + 1_000);
  });
});

describe('advanceTarget', () => {
  it.each([
    ['1500ms', 1_500],
    ['30s', 30_000],
    ['90m', 5_400_000],
    ['25h', 90_000_000],
    ['7d', 7 * DAY],
    ['400d', MAX_ADVANCE_MS],
  ])('by %s moves %d ms', (by, ms) => {
    expect(advanceTarget({ by }, WALL)).toBe(WALL + ms);
  });

  it('to an ISO time with a zone', () => {
    expect(advanceTarget({ to: '2026-12-08T10:00:00Z' }, WALL)).toBe(WALL + 7 * DAY);
    expect(advanceTarget({ to: '2026-12-08T12:00:00+02:00' }, WALL)).toBe(WALL + 7 * DAY);
  });

  it.each([
    [{ by: '7' }, 'parameter_invalid', 'by'],
    [{ by: '1w' }, 'parameter_invalid', 'by'],
    [{ by: '0s' }, 'parameter_invalid', 'by'],
    [{ by: '-1d' }, 'parameter_invalid', 'by'],
    [{ by: '1.5d' }, 'parameter_invalid', 'by'],
    [{ by: ' 1d' }, 'parameter_invalid', 'by'],
    [{ by: '401d' }, 'parameter_invalid', 'by'],
    [{ by: '99999999999999999d' }, 'parameter_invalid', 'by'],
    [{ to: '2026-12-08' }, 'parameter_invalid', 'to'],
    [{ to: '2026-12-08T10:00:00' }, 'parameter_invalid', 'to'],
    [{ to: '2026-13-40T10:00:00Z' }, 'parameter_invalid', 'to'],
    [{ to: '2026-12-01T10:00:00Z' }, 'clock_backwards', 'to'],
    [{ to: '2025-01-01T00:00:00Z' }, 'clock_backwards', 'to'],
    [{ to: '2028-02-01T00:00:00Z' }, 'parameter_invalid', 'to'],
    [{ by: '1d', to: '2026-12-08T10:00:00Z' }, 'parameter_invalid', 'to'],
    [{}, 'parameter_missing', 'by'],
  ])('%j → %s on %s', (request, code, param) => {
    const error = errorOf(() => advanceTarget(request, WALL));
    expect(error).toBeInstanceOf(DomainError);
    expect({ code: error.code, param: error.param }).toEqual({ code, param });
  });
});
