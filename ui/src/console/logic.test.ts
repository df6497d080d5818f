import { describe, expect, it } from 'vitest';
import { connectorForm, connectorSettings, emptyConnectorForm, emptyRoute, routeProblems } from './connector-form';
import { formatDuration, formatTime, splitList, utcInputToMs } from './format';
import { carrierActions, carriersOf, loasFor, parsePortNumbers } from './porting';

describe('port-in form', () => {
  it('reads one number and carrier per line', () => {
    const p = parsePortNumbers('+1 (206) 555-0100, Old Telecom\n\n+12065550101,Other Co\n+12065550102');
    expect(p.numbers).toEqual([
      { e164: '+12065550100', carrier: 'Old Telecom' },
      { e164: '+12065550101', carrier: 'Other Co' },
    ]);
    expect(p.problems).toEqual(['line 4: write the number, a comma, then its current carrier']);
  });

  it('asks one letter per losing carrier and keeps what was typed', () => {
    const numbers = parsePortNumbers('+12065550100, A\n+12065550101, B\n+12065550102, A').numbers;
    expect(carriersOf(numbers)).toEqual(['A', 'B']);
    const typed = { carrier: 'B', authorized_name: 'Pat', billing_telephone_number: '', service_address: '', account_number: '' };
    const loas = loasFor(['A', 'B'], [typed, { ...typed, carrier: 'Gone' }]);
    expect(loas.map((l) => [l.carrier, l.authorized_name])).toEqual([
      ['A', ''],
      ['B', 'Pat'],
    ]);
  });

  it('offers the carrier steps each state allows (N6)', () => {
    expect(carrierActions('Submitted')).toEqual({ foc: true, complete: false, exception: true });
    expect(carrierActions('FirmOrderCommitment')).toEqual({ foc: true, complete: true, exception: true });
    expect(carrierActions('PendingDocuments')).toEqual({ foc: false, complete: false, exception: false });
    expect(carrierActions('Completed')).toEqual({ foc: false, complete: false, exception: false });
  });
});

describe('formats', () => {
  it('writes times in UTC and durations as clocks', () => {
    expect(formatTime(Date.UTC(2026, 10, 22, 8, 5, 3))).toBe('2026-11-22 08:05:03 UTC');
    expect(formatTime(null)).toBe('—');
    expect(formatDuration(65_900)).toBe('1:05');
    expect(formatDuration(3_600_000 + 62_000)).toBe('1:01:02');
    expect(formatDuration(-5)).toBe('0:00');
  });

  it('reads datetime-local values as UTC and refuses non-dates', () => {
    expect(utcInputToMs('2026-11-23T14:30')).toBe(Date.UTC(2026, 10, 23, 14, 30));
    expect(utcInputToMs('2026-11-23 14:30:15')).toBe(Date.UTC(2026, 10, 23, 14, 30, 15));
    expect(utcInputToMs('2026-02-31T10:00')).toBeNull();
    expect(utcInputToMs('tomorrow')).toBeNull();
    expect(utcInputToMs('')).toBeNull();
  });

  it('splits lists on commas and lines', () => {
    expect(splitList(' 10.0.0.0/8, 192.0.2.0/24\n\n,US ')).toEqual(['10.0.0.0/8', '192.0.2.0/24', 'US']);
  });
});

describe('voice connector form', () => {
  it('turns the form into API settings and back', () => {
    const f = {
      ...emptyConnectorForm(),
      name: ' Main trunk ',
      terminationEnabled: true,
      allowedNetworks: '203.0.113.0/24, 198.51.100.7/32',
      callingCountries: 'us, ca',
      originationEnabled: true,
      routes: [{ ...emptyRoute(), host: 'sip.example.com', port: '5061', protocol: 'TLS' }],
    };
    const s = connectorSettings(f);
    expect(s).toEqual({
      name: 'Main trunk',
      termination: {
        enabled: true,
        allowed_networks: ['203.0.113.0/24', '198.51.100.7/32'],
        calling_countries: ['US', 'CA'],
        default_caller: null,
      },
      origination: { enabled: true, routes: [{ host: 'sip.example.com', port: 5061, protocol: 'TLS', priority: 1, weight: 1 }] },
    });
    const back = connectorForm({ ...s, id: 'vc_1', emergency: null, numbers: [] });
    expect(back.routes[0]?.port).toBe('5061');
    expect(back.callingCountries).toBe('US, CA');
  });

  it('names a route number that is not a number before asking the API', () => {
    const f = { ...emptyConnectorForm(), routes: [emptyRoute(), { ...emptyRoute(), weight: 'x' }] };
    expect(routeProblems(f)).toBe('invalid routes.weight: route 2 needs a whole number');
    expect(routeProblems(emptyConnectorForm())).toBeNull();
  });
});
