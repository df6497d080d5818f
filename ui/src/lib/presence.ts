import type { Presence } from '../generated/wire';

/** The statuses in menu order; Alt+1 … Alt+5 pick them in this order. */
export const PRESENCES = ['Available', 'Busy', 'Away', 'DoNotDisturb', 'Offline'] as const satisfies readonly Presence[];

// Fails to compile when the Rust side adds a presence that the list above lacks.
type AssertNever<T extends never> = T;
export type PresenceListIsComplete = AssertNever<Exclude<Presence, (typeof PRESENCES)[number]>>;

export const PRESENCE_LABELS: Readonly<Record<Presence, string>> = {
  Available: 'Available',
  Busy: 'Busy',
  Away: 'Away',
  DoNotDisturb: 'Do Not Disturb',
  Offline: 'Offline',
};

export function presenceLabel(presence: Presence): string {
  return PRESENCE_LABELS[presence];
}

/** The label of the keyboard shortcut for a presence, e.g. "Alt+2". */
export function presenceShortcut(presence: Presence): string {
  return `Alt+${String(PRESENCES.indexOf(presence) + 1)}`;
}

export interface ShortcutKey {
  readonly key: string;
  readonly code: string;
  readonly altKey: boolean;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
  readonly shiftKey: boolean;
}

/**
 * The presence a key press asks for: Alt+1 … Alt+5 (top row or keypad), nothing else.
 * Uses `code` first because Alt changes `key` on some layouts (macOS gives "¡" for Alt+1).
 */
export function presenceForShortcut(event: ShortcutKey): Presence | null {
  if (!event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return null;
  const match = /^(?:Digit|Numpad)([1-9])$/.exec(event.code) ?? /^([1-9])$/.exec(event.key);
  if (!match?.[1]) return null;
  return PRESENCES[Number(match[1]) - 1] ?? null;
}

/** Moves a highlighted index through the menu, wrapping at both ends. */
export function moveIndex(index: number, delta: number, length: number): number {
  if (length <= 0) return 0;
  return (((index + delta) % length) + length) % length;
}
