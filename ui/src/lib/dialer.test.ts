import { describe, expect, it } from 'vitest';
import { appendDialChar, KEYPAD, MAX_DIAL_LENGTH, removeLastChar, sanitizeNumber } from './dialer';

describe('keypad layout', () => {
  it('has the 12 keys of a phone, row by row, with letters under 2-9', () => {
    expect(KEYPAD.map((k) => k.value).join('')).toBe('123456789*0#');
    expect(KEYPAD.map((k) => k.id)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', 'star', '0', 'hash']);
    expect(KEYPAD.filter((k) => k.letters).map((k) => `${k.value}${k.letters}`)).toEqual([
      '2ABC',
      '3DEF',
      '4GHI',
      '5JKL',
      '6MNO',
      '7PQRS',
      '8TUV',
      '9WXYZ',
    ]);
  });
});

describe('sanitizeNumber', () => {
  it('keeps digits, star and hash, drops formatting from pasted numbers', () => {
    expect(sanitizeNumber('(555) 123-4567')).toBe('5551234567');
    expect(sanitizeNumber('*72#')).toBe('*72#');
    expect(sanitizeNumber('call me')).toBe('');
  });

  it('allows + only as the first character', () => {
    expect(sanitizeNumber('+1 555 0100')).toBe('+15550100');
    expect(sanitizeNumber('1+2')).toBe('12');
    expect(sanitizeNumber('++1')).toBe('+1');
  });

  it('caps the length', () => {
    expect(sanitizeNumber('9'.repeat(MAX_DIAL_LENGTH + 10))).toHaveLength(MAX_DIAL_LENGTH);
  });
});

describe('appendDialChar and removeLastChar', () => {
  it('builds a number key by key and takes it back', () => {
    let n = '';
    for (const ch of '933') n = appendDialChar(n, ch);
    expect(n).toBe('933');
    expect(appendDialChar(n, 'x')).toBe('933');
    n = removeLastChar(n);
    expect(n).toBe('93');
    expect(removeLastChar('')).toBe('');
  });

  it('does not grow past the maximum', () => {
    const full = '1'.repeat(MAX_DIAL_LENGTH);
    expect(appendDialChar(full, '2')).toBe(full);
  });
});
