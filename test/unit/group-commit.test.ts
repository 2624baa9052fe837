import { GroupCommit } from '../../src/util/group-commit';

/** A write function whose calls the test releases one by one. */
function controlledWriter(fail: (item: string) => boolean = () => false) {
  const calls: Array<{ key: string; items: string[]; release: () => void }> = [];
  const write = (key: string, items: string[]) =>
    new Promise<string[]>((resolve, reject) => {
      calls.push({
        key,
        items,
        release: () =>
          items.some(fail) ? reject(new Error(`bad item in ${items}`)) : resolve(items.map((item) => `done:${item}`)),
      });
    });
  return { calls, write };
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setImmediate(resolve));
}

describe('GroupCommit', () => {
  it('writes what arrives in one turn of the event loop together, and groups what arrives while a batch is in flight', async () => {
    const { calls, write } = controlledWriter();
    const group = new GroupCommit(write);
    const first = [group.submit('p1', 'a'), group.submit('p1', 'b')];
    // Not yet: the batch starts once this turn of the event loop has read what it can.
    expect(calls).toEqual([]);
    await until(() => calls.length === 1);
    expect(calls[0].items).toEqual(['a', 'b']);
    const later = ['c', 'd', 'e'].map((item) => group.submit('p1', item));
    expect([group.writing, group.queued]).toEqual([2, 3]);
    calls[0].release();
    expect(await Promise.all(first)).toEqual(['done:a', 'done:b']);
    await until(() => calls.length === 2);
    expect(calls[1].items).toEqual(['c', 'd', 'e']);
    calls[1].release();
    expect(await Promise.all(later)).toEqual(['done:c', 'done:d', 'done:e']);
    expect(group.queued).toBe(0);
  });

  it('writes a lone item without waiting for anything else', async () => {
    const { calls, write } = controlledWriter();
    const group = new GroupCommit(write);
    const lone = group.submit('p1', 'a');
    await until(() => calls.length === 1);
    calls[0].release();
    expect(await lone).toBe('done:a');
  });

  it('keeps keys apart: one key waiting does not hold up another', async () => {
    const { calls, write } = controlledWriter();
    const group = new GroupCommit(write);
    const one = group.submit('p1', 'a');
    const two = group.submit('p2', 'b');
    await until(() => calls.length === 2);
    expect(calls.map((call) => [call.key, call.items])).toEqual([
      ['p1', ['a']],
      ['p2', ['b']],
    ]);
    calls[1].release();
    expect(await two).toBe('done:b');
    calls[0].release();
    expect(await one).toBe('done:a');
  });

  it('caps a batch at maxBatch items', async () => {
    const { calls, write } = controlledWriter();
    const group = new GroupCommit(write, { maxBatch: 2 });
    const first = group.submit('p', 'a');
    await until(() => calls.length === 1);
    const all = [first, ...['b', 'c', 'd', 'e'].map((item) => group.submit('p', item))];
    for (let index = 0; index < 3; index += 1) {
      await until(() => calls.length === index + 1);
      calls[index].release();
    }
    await Promise.all(all);
    expect(calls.map((call) => call.items)).toEqual([['a'], ['b', 'c'], ['d', 'e']]);
  });

  it('writes a failed batch again item by item, so only the bad item fails', async () => {
    const { calls, write } = controlledWriter((item) => item === 'bad');
    const group = new GroupCommit(write);
    const first = group.submit('p', 'a');
    await until(() => calls.length === 1);
    const rest = ['b', 'bad', 'c'].map((item) => group.submit('p', item).catch((error: Error) => error.message));
    calls[0].release();
    await first;
    for (let index = 1; index < 5; index += 1) {
      await until(() => calls.length === index + 1);
      calls[index].release();
    }
    expect(await Promise.all(rest)).toEqual(['done:b', 'bad item in bad', 'done:c']);
    expect(calls.map((call) => call.items)).toEqual([['a'], ['b', 'bad', 'c'], ['b'], ['bad'], ['c']]);
  });
});
