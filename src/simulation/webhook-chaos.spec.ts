import { chaosDraws, corruptSignature, planChaos, WebhookChaos } from './webhook-chaos';

const OFF: WebhookChaos = { duplicate_percent: 0, drop_first_attempts: 0, reorder_window_ms: 0, bad_signature_percent: 0, extra_delay_ms: 0, seed: 7 };

describe('webhook chaos plan', () => {
  it('is deterministic for (seed, delivery, attempt) and changes with each of them', () => {
    expect(chaosDraws(1, 'whd_a', 1)).toEqual(chaosDraws(1, 'whd_a', 1));
    expect(chaosDraws(1, 'whd_a', 1)).not.toEqual(chaosDraws(2, 'whd_a', 1));
    expect(chaosDraws(1, 'whd_a', 1)).not.toEqual(chaosDraws(1, 'whd_b', 1));
    expect(chaosDraws(1, 'whd_a', 1)).not.toEqual(chaosDraws(1, 'whd_a', 2));
    for (const draw of chaosDraws(3, 'whd_c', 4)) expect(draw >= 0 && draw < 1).toBe(true);
  });

  it('no chaos → no plan; all zeros → nothing happens', () => {
    expect(planChaos(null, 'whd_a', 1)).toBeNull();
    expect(planChaos(OFF, 'whd_a', 1)).toEqual({ drop: false, holdMs: 0, recorded: null, duplicate: false, badSignature: false });
  });

  it('drops exactly the first N attempts', () => {
    const chaos = { ...OFF, drop_first_attempts: 2, duplicate_percent: 100 };
    expect([1, 2, 3].map((attempt) => planChaos(chaos, 'whd_a', attempt)!.drop)).toEqual([true, true, false]);
    expect(planChaos(chaos, 'whd_a', 1)).toMatchObject({ recorded: 'dropped', duplicate: false });
  });

  it('100 % always, 0 % never, 30 % about 30 % of 2000 deliveries', () => {
    const ids = Array.from({ length: 2000 }, (_, i) => `whd_${i}`);
    const count = (chaos: WebhookChaos) => ids.filter((id) => planChaos(chaos, id, 1)!.duplicate).length;
    expect(count({ ...OFF, duplicate_percent: 100 })).toBe(2000);
    expect(count({ ...OFF, duplicate_percent: 0 })).toBe(0);
    const thirty = count({ ...OFF, duplicate_percent: 30 });
    expect(thirty).toBeGreaterThan(520);
    expect(thirty).toBeLessThan(680);
  });

  it('holds for extra_delay_ms plus less than reorder_window_ms, recording the dominant action', () => {
    const delayed = planChaos({ ...OFF, extra_delay_ms: 40 }, 'whd_a', 1)!;
    expect(delayed).toMatchObject({ holdMs: 40, recorded: 'delayed' });
    const reordered = planChaos({ ...OFF, reorder_window_ms: 1000 }, 'whd_a', 1)!;
    expect(reordered.holdMs).toBeLessThan(1000);
    expect(reordered.recorded).toBe(reordered.holdMs > 0 ? 'reordered' : null);
  });

  it('corrupts every signature entry while keeping the shape', () => {
    const header = `v1,${Buffer.alloc(32, 1).toString('base64')} v1,${Buffer.alloc(32, 2).toString('base64')}`;
    const bad = corruptSignature(header);
    expect(bad).not.toBe(header);
    expect(bad.split(' ').map((entry) => entry.split(',')[0])).toEqual(['v1', 'v1']);
    expect(bad.split(' ').map((entry) => Buffer.from(entry.split(',')[1], 'base64').length)).toEqual([32, 32]);
  });
});
