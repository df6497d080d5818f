/**
 * The signed-in session, kept in sessionStorage: it lasts as long as the browser tab,
 * is not shared with other tabs, and is dropped once expired or unreadable.
 */
import type { Me, Role, SessionOut } from './types';

export const SESSION_KEY = 'backoffice.console.session';

const ROLES: readonly Role[] = ['Agent', 'Supervisor', 'Administrator'];

function isRole(v: unknown): v is Role {
  return typeof v === 'string' && (ROLES as readonly string[]).includes(v);
}

function isMe(v: unknown): v is Me {
  if (typeof v !== 'object' || v === null) return false;
  const m = v as Record<string, unknown>;
  return (
    typeof m.user_id === 'string' &&
    typeof m.username === 'string' &&
    typeof m.account_id === 'string' &&
    isRole(m.role)
  );
}

/** The stored session, or null when there is none, it expired, or it cannot be read. */
export function loadSession(storage: Storage, nowMs: number): SessionOut | null {
  const raw = storage.getItem(SESSION_KEY);
  if (raw === null) return null;
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    storage.removeItem(SESSION_KEY);
    return null;
  }
  const s = v as Record<string, unknown> | null;
  const ok =
    s !== null &&
    typeof s === 'object' &&
    typeof s.token === 'string' &&
    s.token !== '' &&
    typeof s.expires_at_ms === 'number' &&
    isMe(s.me);
  if (!ok || (s.expires_at_ms as number) <= nowMs) {
    storage.removeItem(SESSION_KEY);
    return null;
  }
  return s as unknown as SessionOut;
}

export function saveSession(storage: Storage, session: SessionOut): void {
  storage.setItem(SESSION_KEY, JSON.stringify(session));
}

export function clearSession(storage: Storage): void {
  storage.removeItem(SESSION_KEY);
}

/** Whether `role` reaches what `needed` reaches (A1: roles are ordered). */
export function roleIncludes(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

export function roleLabel(role: Role): string {
  return role === 'Administrator' ? 'administrator' : role === 'Supervisor' ? 'supervisor' : 'agent';
}
