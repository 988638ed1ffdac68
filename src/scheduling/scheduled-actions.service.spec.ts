import { retryBackoffMs } from './scheduled-actions.service';

describe('retryBackoffMs', () => {
  it('doubles from 1 s and stops at 5 min', () => {
    expect([1, 2, 3, 4].map(retryBackoffMs)).toEqual([1_000, 2_000, 4_000, 8_000]);
    expect(retryBackoffMs(9)).toBe(256_000);
    expect(retryBackoffMs(10)).toBe(300_000);
    expect(retryBackoffMs(50)).toBe(300_000);
  });
});
