import { setImmediate as afterIo } from 'node:timers';
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { TurnBatcher } from './turn-batcher.js';

describe('TurnBatcher', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  function recording(): { batches: number[][]; batcher: TurnBatcher<number> } {
    const batches: number[][] = [];
    return { batches, batcher: new TurnBatcher<number>((batch) => batches.push(batch)) };
  }

  const turnEnded = (): Promise<void> => new Promise((resolve) => afterIo(resolve));

  it('hands over the items of one turn together, in the order they were added', async () => {
    const { batches, batcher } = recording();
    batcher.add(1);
    batcher.add(2);
    await Promise.resolve();
    batcher.add(3);
    expect(batches).toEqual([]);
    await turnEnded();
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('starts a new batch for items added once the last one was handed over', async () => {
    const { batches, batcher } = recording();
    batcher.add(1);
    await turnEnded();
    batcher.add(2);
    await turnEnded();
    expect(batches).toEqual([[1], [2]]);
  });

  it("is not held back by a test's fake timers", async () => {
    jest.useFakeTimers();
    const { batches, batcher } = recording();
    batcher.add(7);
    await turnEnded();
    expect(batches).toEqual([[7]]);
  });
});
