import { describe, expect, it } from 'vitest';
import { hashOf, pageFromHash, pagesFor } from './nav';

describe('role-aware navigation', () => {
  it('shows supervisors only the live view', () => {
    expect(pagesFor('Supervisor').map((p) => p.id)).toEqual(['live']);
  });

  it('shows administrators every page', () => {
    expect(pagesFor('Administrator').map((p) => p.id)).toEqual([
      'live',
      'provision',
      'orders',
      'inventory',
      'deletion-queue',
      'porting',
      'connectors',
    ]);
  });

  it('shows agents nothing', () => {
    expect(pagesFor('Agent')).toEqual([]);
    expect(pageFromHash('#/inventory', 'Agent')).toBeNull();
  });

  it('follows the hash, but never to a page the role may not see', () => {
    expect(pageFromHash(hashOf('inventory'), 'Administrator')).toBe('inventory');
    expect(pageFromHash('#inventory', 'Administrator')).toBe('inventory');
    expect(pageFromHash('#/inventory', 'Supervisor')).toBe('live');
    expect(pageFromHash('', 'Administrator')).toBe('live');
    expect(pageFromHash('#/nonsense', 'Administrator')).toBe('live');
  });
});
