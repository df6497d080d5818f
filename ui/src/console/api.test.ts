import { describe, expect, it, vi } from 'vitest';
import { ApiError, ConsoleApi, errorFromResponse, FEED_PROTOCOL } from './api';

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

function recorder(...responses: Response[]) {
  const calls: { url: string; init: RequestInit | undefined }[] = [];
  const fetchFn = vi.fn((url: string, init?: RequestInit) => {
    calls.push({ url, init });
    const next = responses.shift();
    if (!next) throw new Error('no more responses');
    return Promise.resolve(next);
  });
  return { calls, fetchFn };
}

function bodyOf(init: RequestInit | undefined): unknown {
  return JSON.parse(init?.body as string);
}

const session = {
  token: 'tok123',
  expires_at_ms: 2_000_000_000_000,
  me: { user_id: 'usr_1', username: 'admin@example.com', account_id: 'acme', role: 'Administrator' },
};

describe('ConsoleApi', () => {
  it('signs in, then sends the bearer token on every call', async () => {
    const { calls, fetchFn } = recorder(json(200, session), json(200, []));
    const api = new ConsoleApi(null, fetchFn);
    const s = await api.signIn('admin@example.com', 'correct horse battery');
    expect(s.me.role).toBe('Administrator');
    expect(calls[0]?.url).toBe('/api/v1/sign-in');
    expect(calls[0]?.init?.method).toBe('POST');
    expect(bodyOf(calls[0]?.init)).toEqual({
      username: 'admin@example.com',
      password: 'correct horse battery',
    });
    await api.inventory();
    expect(calls[1]?.url).toBe('/api/v1/numbers');
    expect((calls[1]?.init?.headers as Record<string, string>).Authorization).toBe('Bearer tok123');
  });

  it('keeps the API error code, field and rule for the form', async () => {
    const { fetchFn } = recorder(
      json(422, {
        error: { code: 'invalid', field: 'area_code', rule: 'N3', message: 'invalid area_code: three digits (rule N3)' },
      }),
    );
    const api = new ConsoleApi('t', fetchFn);
    const e = await api.search({ country: 'US', area_code: '12' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiError);
    const err = e as ApiError;
    expect([err.status, err.code, err.field, err.rule]).toEqual([422, 'invalid', 'area_code', 'N3']);
    expect(err.message).toBe('invalid area_code: three digits (rule N3)');
  });

  it('builds the search query from the filled fields only', async () => {
    const { calls, fetchFn } = recorder(json(200, []));
    await new ConsoleApi('t', fetchFn).search({ country: 'US', city: 'San Francisco', state: 'CA', area_code: '', limit: 5 });
    const url = new URL(calls[0]?.url ?? '', 'http://x');
    expect(url.pathname).toBe('/api/v1/numbers/search');
    expect(Object.fromEntries(url.searchParams)).toEqual({ country: 'US', city: 'San Francisco', state: 'CA', limit: '5' });
  });

  it('escapes numbers in paths', async () => {
    const { calls, fetchFn } = recorder(json(200, {}));
    await new ConsoleApi('t', fetchFn).assign('+12065550100', { voice_connector_id: 'vc_1' });
    expect(calls[0]?.url).toBe('/api/v1/numbers/%2B12065550100/assign');
    expect(bodyOf(calls[0]?.init)).toEqual({ voice_connector_id: 'vc_1' });
  });

  it('answers 204 with nothing', async () => {
    const { fetchFn } = recorder(new Response(null, { status: 204 }));
    await expect(new ConsoleApi('t', fetchFn).acknowledge('alr_1')).resolves.toBeUndefined();
  });

  it('reports an unreachable back office as a network error', async () => {
    const api = new ConsoleApi('t', () => Promise.reject(new TypeError('Failed to fetch')));
    const e = (await api.orders().catch((x: unknown) => x)) as ApiError;
    expect([e.status, e.code]).toEqual([0, 'network']);
    expect(e.message).toMatch(/cannot be reached/);
  });

  it('describes a non-JSON refusal by its status', async () => {
    const e = await errorFromResponse(new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }));
    expect([e.status, e.code, e.field]).toEqual([502, 'http', null]);
    expect(e.message).toBe('The back office answered 502 Bad Gateway');
  });

  it('calls back when a signed-in session is refused with 401', async () => {
    const expired = vi.fn();
    const { fetchFn } = recorder(
      json(401, { error: { code: 'unauthenticated', field: null, rule: 'A1', message: 'sign in first (rule A1)' } }),
    );
    const api = new ConsoleApi('old', fetchFn, '/api/v1', expired);
    await expect(api.orders()).rejects.toThrow('sign in first');
    expect(expired).toHaveBeenCalledOnce();
  });

  it('does not call back for a wrong password at sign-in', async () => {
    const expired = vi.fn();
    const { fetchFn } = recorder(json(401, { error: { code: 'unauthenticated', field: null, rule: 'A1', message: 'no' } }));
    await expect(new ConsoleApi(null, fetchFn, '/api/v1', expired).signIn('a', 'b')).rejects.toThrow('no');
    expect(expired).not.toHaveBeenCalled();
  });

  it('forgets the token at sign-out even if the call fails', async () => {
    const api = new ConsoleApi('t', () => Promise.reject(new TypeError('offline')));
    await expect(api.signOut()).rejects.toBeInstanceOf(ApiError);
    expect(api.signedIn).toBe(false);
    expect(api.feedProtocols()).toEqual([FEED_PROTOCOL]);
  });

  it('gives the feed a ws URL with filters and the token as a subprotocol', () => {
    const api = new ConsoleApi('tok');
    expect(api.feedUrl('http://127.0.0.1:8080', { agent: 'ann', states: ['Ringing', 'OnHold'] })).toBe(
      'ws://127.0.0.1:8080/api/v1/supervisor/feed?agent=ann&state=Ringing%2COnHold',
    );
    expect(api.feedUrl('https://bo.example.com')).toBe('wss://bo.example.com/api/v1/supervisor/feed');
    expect(api.feedProtocols()).toEqual([FEED_PROTOCOL, 'bearer.tok']);
  });

  it('sends carrier events in the API shape', async () => {
    const { calls, fetchFn } = recorder(json(200, {}));
    await new ConsoleApi('t', fetchFn).carrierEvent('port_1', { event: 'firm_order_commitment', at_ms: 5 });
    expect(calls[0]?.url).toBe('/api/v1/port-ins/port_1/carrier-events');
    expect(bodyOf(calls[0]?.init)).toEqual({ event: 'firm_order_commitment', at_ms: 5 });
  });
});
