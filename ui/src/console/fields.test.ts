import { describe, expect, it } from 'vitest';
import { ApiError } from './api';
import { errorId, formErrors } from './fields';
import { Task } from './task.svelte';

const refusal = (field: string | null) => new ApiError(422, 'invalid', `invalid ${String(field)}: bad (rule V2)`, field, 'V2');

describe('placing refusals in a form', () => {
  it('puts a refusal next to the field it names', () => {
    const e = formErrors(refusal('emergency_routing_number'), ['emergency_routing_number', 'test_routing_number']);
    expect(e).toEqual({ byField: { emergency_routing_number: 'invalid emergency_routing_number: bad (rule V2)' }, general: null });
  });

  it('puts a refusal of a field the form lacks above the form', () => {
    const e = formErrors(refusal('termination.enabled'), ['emergency_routing_number']);
    expect(e.byField).toEqual({});
    expect(e.general).toBe('invalid termination.enabled: bad (rule V2)');
  });

  it('maps nested API fields onto the form', () => {
    const e = formErrors(refusal('numbers.carrier'), ['numbers'], { 'numbers.carrier': 'numbers' });
    expect(Object.keys(e.byField)).toEqual(['numbers']);
  });

  it('shows failures that are not refusals as they are', () => {
    expect(formErrors(new Error('boom'), ['x'])).toEqual({ byField: {}, general: 'boom' });
  });

  it('names error elements safely', () => {
    expect(errorId('connector', 'routes.host')).toBe('connector-error-routes-host');
  });
});

describe('Task', () => {
  it('is busy while running, then keeps the placed error', async () => {
    const task = new Task(['name']);
    let release: () => void = () => undefined;
    const running = task.run(
      () =>
        new Promise<string>((_, reject) => {
          release = () => {
            reject(refusal('name'));
          };
        }),
    );
    expect(task.busy).toBe(true);
    expect(await task.run(() => Promise.resolve('second'))).toBeUndefined();
    release();
    expect(await running).toBeUndefined();
    expect(task.busy).toBe(false);
    expect(task.fieldError('name')).toMatch(/rule V2/);
    expect(await task.run(() => Promise.resolve(7))).toBe(7);
    expect(task.fieldError('name')).toBeUndefined();
  });
});
