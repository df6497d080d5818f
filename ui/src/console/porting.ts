/**
 * The port-in form's logic: numbers are entered one per line as `number, carrier`,
 * and one letter of authorization is asked per losing carrier (N6).
 */
import type { Loa, PortNumber } from './types';

export interface ParsedNumbers {
  numbers: PortNumber[];
  /** Lines that are not `number, carrier`, with their 1-based line number. */
  problems: string[];
}

export function parsePortNumbers(text: string): ParsedNumbers {
  const numbers: PortNumber[] = [];
  const problems: string[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const comma = line.indexOf(',');
    const e164 = (comma < 0 ? line : line.slice(0, comma)).replace(/[\s().-]/g, '');
    const carrier = comma < 0 ? '' : line.slice(comma + 1).trim();
    if (carrier === '') {
      problems.push(`line ${i + 1}: write the number, a comma, then its current carrier`);
      return;
    }
    numbers.push({ e164, carrier });
  });
  return { numbers, problems };
}

/** The losing carriers, in the order they first appear. */
export function carriersOf(numbers: readonly PortNumber[]): string[] {
  const seen: string[] = [];
  for (const n of numbers) if (!seen.includes(n.carrier)) seen.push(n.carrier);
  return seen;
}

export function emptyLoa(carrier: string): Loa {
  return { carrier, authorized_name: '', billing_telephone_number: '', service_address: '', account_number: '' };
}

/** One letter per carrier: kept when already filled in, new and empty otherwise. */
export function loasFor(carriers: readonly string[], existing: readonly Loa[]): Loa[] {
  return carriers.map((c) => existing.find((l) => l.carrier === c) ?? emptyLoa(c));
}

/** States in which the carrier side may still act, and what it may do. */
export function carrierActions(state: string): { foc: boolean; complete: boolean; exception: boolean } {
  return {
    foc: state === 'Submitted' || state === 'FirmOrderCommitment',
    complete: state === 'FirmOrderCommitment',
    exception: state === 'Submitted' || state === 'FirmOrderCommitment',
  };
}
