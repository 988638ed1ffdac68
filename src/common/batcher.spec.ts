import { Batcher } from './batcher';

/** A run we finish by hand, so the test decides when a statement "returns". */
function controlledRun() {
  const calls: Array<{ items: number[]; finish: () => void; fail: (error: Error) => void }> = [];
  const run = (items: number[]) =>
    new Promise<string[]>((resolve, reject) => {
      calls.push({ items, finish: () => resolve(items.map((item) => `r${item}`)), fail: reject });
    });
  return { calls, run };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('Batcher', () => {
  it('sends the items of one turn together, each caller getting its own result', async () => {
    const { calls, run } = controlledRun();
    const batcher = new Batcher(run, { maxBatch: 10, maxInFlight: 2 });
    const results = Promise.all([1, 2, 3].map((item) => batcher.submit(item)));
    await turn();
    expect(calls.map((call) => call.items)).toEqual([[1, 2, 3]]);
    calls[0].finish();
    expect(await results).toEqual(['r1', 'r2', 'r3']);
  });

  it('splits at maxBatch, and while every run is busy queues the rest to leave together when one ends', async () => {
    const { calls, run } = controlledRun();
    const batcher = new Batcher(run, { maxBatch: 2, maxInFlight: 2 });
    const first = [1, 2, 3, 4, 5].map((item) => batcher.submit(item));
    await turn();
    expect(calls.map((call) => call.items)).toEqual([
      [1, 2],
      [3, 4],
    ]);
    const later = [6, 7].map((item) => batcher.submit(item));
    await turn();
    expect(calls).toHaveLength(2); // both runs still busy: 5, 6, 7 wait
    calls[1].finish();
    await Promise.all(first.slice(2, 4));
    await turn();
    expect(calls.map((call) => call.items)).toEqual([[1, 2], [3, 4], [5, 6]]);
    calls[0].finish();
    calls[2].finish();
    await turn();
    expect(calls[3].items).toEqual([7]);
    calls[3].finish();
    expect(await Promise.all([...first, ...later])).toEqual(['r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7']);
  });

  it('retries a failed run item by item, so only the bad item fails', async () => {
    const seen: number[][] = [];
    const batcher = new Batcher<number, number>(
      async (items) => {
        seen.push(items);
        if (items.includes(2)) throw new Error(`bad batch ${items.join(',')}`);
        return items.map((item) => item * 10);
      },
      { maxBatch: 10, maxInFlight: 1 },
    );
    const results = await Promise.allSettled([1, 2, 3].map((item) => batcher.submit(item)));
    expect(seen).toEqual([[1, 2, 3], [1], [2], [3]]);
    expect(results).toEqual([
      { status: 'fulfilled', value: 10 },
      { status: 'rejected', reason: new Error('bad batch 2') },
      { status: 'fulfilled', value: 30 },
    ]);
  });

  it('a lone item that fails rejects without a second run', async () => {
    let runs = 0;
    const batcher = new Batcher<number, number>(
      async () => {
        runs++;
        throw new Error('down');
      },
      { maxBatch: 10, maxInFlight: 1 },
    );
    await expect(batcher.submit(1)).rejects.toThrow('down');
    expect(runs).toBe(1);
  });
});
