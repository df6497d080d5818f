import { describe, expect, it } from 'vitest';
import { moveIndex, PRESENCES, presenceForShortcut, presenceLabel, presenceShortcut, type ShortcutKey } from './presence';

function key(overrides: Partial<ShortcutKey>): ShortcutKey {
  return { key: '', code: '', altKey: false, ctrlKey: false, metaKey: false, shiftKey: false, ...overrides };
}

describe('presence list', () => {
  it('is in the order of the Alt shortcuts, with human labels', () => {
    expect(PRESENCES.map((p) => `${presenceShortcut(p)} ${presenceLabel(p)}`)).toEqual([
      'Alt+1 Available',
      'Alt+2 Busy',
      'Alt+3 Away',
      'Alt+4 Do Not Disturb',
      'Alt+5 Offline',
    ]);
  });
});

describe('presenceForShortcut', () => {
  it('maps Alt+1 … Alt+5 to the five statuses in order', () => {
    const picked = [1, 2, 3, 4, 5].map((n) =>
      presenceForShortcut(key({ altKey: true, key: String(n), code: `Digit${String(n)}` })),
    );
    expect(picked).toEqual(['Available', 'Busy', 'Away', 'DoNotDisturb', 'Offline']);
  });

  it('uses the physical key when Alt changes the character (macOS layouts)', () => {
    expect(presenceForShortcut(key({ altKey: true, key: '™', code: 'Digit2' }))).toBe('Busy');
  });

  it('accepts the numeric keypad', () => {
    expect(presenceForShortcut(key({ altKey: true, key: '4', code: 'Numpad4' }))).toBe('DoNotDisturb');
  });

  it('falls back to the character when the code is unknown', () => {
    expect(presenceForShortcut(key({ altKey: true, key: '3', code: '' }))).toBe('Away');
  });

  it('ignores digits without Alt, with other modifiers, and beyond 5', () => {
    expect(presenceForShortcut(key({ key: '1', code: 'Digit1' }))).toBeNull();
    expect(presenceForShortcut(key({ altKey: true, ctrlKey: true, key: '1', code: 'Digit1' }))).toBeNull();
    expect(presenceForShortcut(key({ altKey: true, shiftKey: true, key: '!', code: 'Digit1' }))).toBeNull();
    expect(presenceForShortcut(key({ altKey: true, metaKey: true, key: '1', code: 'Digit1' }))).toBeNull();
    expect(presenceForShortcut(key({ altKey: true, key: '6', code: 'Digit6' }))).toBeNull();
    expect(presenceForShortcut(key({ altKey: true, key: '0', code: 'Digit0' }))).toBeNull();
    expect(presenceForShortcut(key({ altKey: true, key: 'a', code: 'KeyA' }))).toBeNull();
  });
});

describe('moveIndex', () => {
  it('moves and wraps at both ends', () => {
    expect(moveIndex(0, 1, 5)).toBe(1);
    expect(moveIndex(4, 1, 5)).toBe(0);
    expect(moveIndex(0, -1, 5)).toBe(4);
    expect(moveIndex(2, -1, 5)).toBe(1);
  });

  it('stays at 0 in an empty list', () => {
    expect(moveIndex(3, 1, 0)).toBe(0);
  });
});
