/** The longest number the field accepts (E.164 is 15 digits; room for prefixes and DTMF). */
export const MAX_DIAL_LENGTH = 32;

export interface KeypadKey {
  /** The character the key adds to the number. */
  readonly value: string;
  /** Letters printed under the digit, as on a phone. */
  readonly letters: string;
  /** Stable suffix of the key's data-testid (`keypad-${id}`). */
  readonly id: string;
  /** What a screen reader says. */
  readonly label: string;
}

export const KEYPAD: readonly KeypadKey[] = [
  { value: '1', letters: '', id: '1', label: '1' },
  { value: '2', letters: 'ABC', id: '2', label: '2 ABC' },
  { value: '3', letters: 'DEF', id: '3', label: '3 DEF' },
  { value: '4', letters: 'GHI', id: '4', label: '4 GHI' },
  { value: '5', letters: 'JKL', id: '5', label: '5 JKL' },
  { value: '6', letters: 'MNO', id: '6', label: '6 MNO' },
  { value: '7', letters: 'PQRS', id: '7', label: '7 PQRS' },
  { value: '8', letters: 'TUV', id: '8', label: '8 TUV' },
  { value: '9', letters: 'WXYZ', id: '9', label: '9 WXYZ' },
  { value: '*', letters: '', id: 'star', label: 'Star' },
  { value: '0', letters: '', id: '0', label: '0' },
  { value: '#', letters: '', id: 'hash', label: 'Hash' },
];

/** True for a character that may appear in a dialled number. */
export function isDialChar(ch: string): boolean {
  return /^[0-9*#+]$/.test(ch);
}

/**
 * Keeps what a number may contain: digits, * and #, and + only as the first character.
 * Spaces, dashes, brackets and letters from pasted text are dropped.
 */
export function sanitizeNumber(text: string): string {
  let out = '';
  for (const ch of text) {
    if (!isDialChar(ch)) continue;
    if (ch === '+' && out.length > 0) continue;
    out += ch;
    if (out.length >= MAX_DIAL_LENGTH) break;
  }
  return out;
}

/** The number after pressing a key (a keypad button or a typed character). */
export function appendDialChar(number: string, ch: string): string {
  return sanitizeNumber(number + ch);
}

/** The number after Backspace: the last character removed. */
export function removeLastChar(number: string): string {
  return Array.from(number).slice(0, -1).join('');
}
