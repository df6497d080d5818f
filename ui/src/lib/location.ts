/** The dispatchable-address form's fields, in the order a US address is written. */
import type { DispatchableAddress } from '../generated/wire';

type Key = keyof DispatchableAddress;

export interface LocationField {
  key: Key;
  label: string;
  size: 'small' | 'medium' | 'large';
  required: boolean;
  autocomplete: 'address-line1' | 'address-level2' | 'address-level1' | 'postal-code' | 'country' | 'off';
}

export const LOCATION_FIELDS: readonly LocationField[] = [
  { key: 'number', label: 'Number', size: 'small', required: true, autocomplete: 'off' },
  { key: 'street', label: 'Street', size: 'large', required: true, autocomplete: 'address-line1' },
  { key: 'floor', label: 'Floor', size: 'small', required: false, autocomplete: 'off' },
  { key: 'room', label: 'Room or suite', size: 'small', required: false, autocomplete: 'off' },
  { key: 'city', label: 'City', size: 'medium', required: true, autocomplete: 'address-level2' },
  { key: 'state', label: 'State', size: 'small', required: true, autocomplete: 'address-level1' },
  { key: 'zip', label: 'ZIP', size: 'small', required: true, autocomplete: 'postal-code' },
  { key: 'country', label: 'Country', size: 'medium', required: true, autocomplete: 'country' },
];

export function emptyAddress(): DispatchableAddress {
  return { number: '', street: '', city: '', state: '', zip: '', floor: null, room: null, country: 'US' };
}
