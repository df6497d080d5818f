import { describe, expect, it } from 'vitest';
import { clearSession, loadSession, roleIncludes, saveSession, SESSION_KEY } from './session';
import type { SessionOut } from './types';

const s: SessionOut = {
  token: 'abc',
  expires_at_ms: 10_000,
  me: { user_id: 'usr_1', username: 'sup@example.com', account_id: 'acme', role: 'Supervisor' },
};

describe('session storage', () => {
  it('keeps a session until it expires', () => {
    saveSession(sessionStorage, s);
    expect(loadSession(sessionStorage, 9_999)).toEqual(s);
    expect(loadSession(sessionStorage, 10_000)).toBeNull();
    expect(sessionStorage.getItem(SESSION_KEY)).toBeNull();
  });

  it('drops what it cannot read', () => {
    for (const bad of ['{', '{"token":"t"}', JSON.stringify({ ...s, me: { ...s.me, role: 'Root' } }), JSON.stringify({ ...s, token: '' })]) {
      sessionStorage.setItem(SESSION_KEY, bad);
      expect(loadSession(sessionStorage, 0)).toBeNull();
      expect(sessionStorage.getItem(SESSION_KEY)).toBeNull();
    }
  });

  it('clears on sign-out', () => {
    saveSession(sessionStorage, s);
    clearSession(sessionStorage);
    expect(loadSession(sessionStorage, 0)).toBeNull();
  });

  it('orders roles (A1)', () => {
    expect(roleIncludes('Administrator', 'Supervisor')).toBe(true);
    expect(roleIncludes('Supervisor', 'Supervisor')).toBe(true);
    expect(roleIncludes('Supervisor', 'Administrator')).toBe(false);
    expect(roleIncludes('Agent', 'Supervisor')).toBe(false);
  });
});
