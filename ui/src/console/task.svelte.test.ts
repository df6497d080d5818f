import { flushSync } from 'svelte';
import { describe, expect, it } from 'vitest';
import { Task } from './task.svelte';

describe('Task', () => {
  it('started from an effect, does not run that effect again when it finishes', async () => {
    const task = new Task();
    let starts = 0;
    let works = 0;
    const stop = $effect.root(() => {
      $effect(() => {
        starts += 1;
        void task.run(async () => {
          works += 1;
          await new Promise((r) => setTimeout(r, 0));
          return works;
        });
      });
    });
    flushSync();
    for (let i = 0; i < 5; i += 1) {
      await new Promise((r) => setTimeout(r, 0));
      flushSync();
    }
    stop();
    expect(task.busy).toBe(false);
    expect(starts).toBe(1);
    expect(works).toBe(1);
  });

  it('ignores a second start while the first is running', async () => {
    const task = new Task();
    let release: () => void = () => {};
    const first = task.run(
      () =>
        new Promise<string>((r) => {
          release = () => {
            r('first');
          };
        }),
    );
    const second = await task.run(() => Promise.resolve('second'));
    expect(second).toBeUndefined();
    release();
    expect(await first).toBe('first');
  });
});
