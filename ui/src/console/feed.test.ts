import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  applyFeedMessage,
  EMPTY_VIEW,
  FeedConnection,
  openAlerts,
  SESSION_ENDED,
  sortedCalls,
  type FeedSocket,
  type FeedStatus,
} from './feed';

const call = (id: string, state = 'Talking', duration = 5000) => ({
  call_id: id,
  agent_id: 'usr_a',
  agent_name: 'ann',
  direction: 'Inbound',
  state,
  queue: 'sales',
  recording: false,
  started_at_ms: 1000,
  duration_ms: duration,
});

const alert = (id: string, acked: string | null, started = 1) => ({
  id,
  agent_id: 'usr_a',
  agent_name: 'ann',
  started_at_ms: started,
  ended_at_ms: null,
  callback_number: '+12065550100',
  location: '1 Main St',
  test: false,
  acknowledged_by: acked,
});

const msg = (v: unknown) => JSON.stringify(v);

describe('the live view reducer', () => {
  it('starts from a snapshot and follows changes', () => {
    let v = applyFeedMessage(
      EMPTY_VIEW,
      msg({ type: 'snapshot', at_ms: 9, calls: [call('c1')], presence: [{ agent_id: 'usr_a', agent_name: 'ann', status: 'Busy', since_ms: 1 }], alerts: [] }),
      100_000,
    );
    expect(Object.keys(v.calls)).toEqual(['c1']);
    expect(v.calls.c1?.started_local_ms).toBe(95_000);
    expect(v.presence.usr_a?.status).toBe('Busy');
    v = applyFeedMessage(v, msg({ type: 'call', call: call('c2', 'Ringing', 0) }), 100_500);
    v = applyFeedMessage(v, msg({ type: 'call', call: call('c1', 'OnHold', 6000) }), 101_000);
    expect(sortedCalls(v).map((c) => [c.call_id, c.state])).toEqual([
      ['c1', 'OnHold'],
      ['c2', 'Ringing'],
    ]);
    v = applyFeedMessage(v, msg({ type: 'call_removed', call_id: 'c1' }), 102_000);
    expect(Object.keys(v.calls)).toEqual(['c2']);
    v = applyFeedMessage(v, msg({ type: 'presence', presence: { agent_id: 'usr_a', agent_name: 'ann', status: 'Available', since_ms: 2 } }), 0);
    expect(v.presence.usr_a?.status).toBe('Available');
  });

  it('replaces alerts whole and lists the unacknowledged newest first', () => {
    const v = applyFeedMessage(EMPTY_VIEW, msg({ type: 'alerts', alerts: [alert('a1', null, 1), alert('a2', 'sup', 2), alert('a3', null, 3)] }), 0);
    expect(openAlerts(v).map((a) => a.id)).toEqual(['a3', 'a1']);
    const after = applyFeedMessage(v, msg({ type: 'alerts', alerts: [alert('a1', 'sup')] }), 0);
    expect(after.alerts.map((a) => a.id)).toEqual(['a1']);
    expect(openAlerts(after)).toEqual([]);
  });

  it('ignores what it does not understand', () => {
    const v = applyFeedMessage(EMPTY_VIEW, msg({ type: 'snapshot', calls: [call('c1')], presence: [], alerts: [] }), 0);
    for (const junk of ['not json', '42', msg({ type: 'future' }), msg({ type: 'call', call: { nope: 1 } }), msg({ type: 'call_removed', call_id: 'zz' })]) {
      expect(applyFeedMessage(v, junk, 0)).toBe(v);
    }
  });
});

class FakeSocket implements FeedSocket {
  onopen: FeedSocket['onopen'] = null;
  onmessage: FeedSocket['onmessage'] = null;
  onclose: FeedSocket['onclose'] = null;
  closed: number | null = null;
  constructor(
    readonly url: string,
    readonly protocols: string[],
  ) {}
  close(code?: number): void {
    this.closed = code ?? 1005;
  }
  open(): void {
    this.onopen?.(new Event('open'));
  }
  receive(data: string): void {
    this.onmessage?.(new MessageEvent('message', { data }));
  }
  drop(code: number, reason = ''): void {
    this.onclose?.(new CloseEvent('close', { code, reason }));
  }
}

describe('FeedConnection', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  function setup() {
    const sockets: FakeSocket[] = [];
    const statuses: FeedStatus[] = [];
    const messages: string[] = [];
    const conn = new FeedConnection(
      (url, protocols) => {
        const s = new FakeSocket(url, protocols);
        sockets.push(s);
        return s;
      },
      'ws://h/api/v1/supervisor/feed',
      ['softphone-feed.v1', 'bearer.t'],
      { message: (m) => messages.push(m), status: (s) => statuses.push(s) },
    );
    return { conn, sockets, statuses, messages };
  }

  it('opens with the token subprotocol and hands messages on', () => {
    const { conn, sockets, statuses, messages } = setup();
    conn.start();
    expect(sockets[0]?.protocols).toEqual(['softphone-feed.v1', 'bearer.t']);
    sockets[0]?.open();
    sockets[0]?.receive('{"type":"snapshot"}');
    expect(statuses).toEqual(['connecting', 'live']);
    expect(messages).toEqual(['{"type":"snapshot"}']);
  });

  it('reconnects after a drop with a growing delay', () => {
    vi.useFakeTimers();
    const { conn, sockets, statuses } = setup();
    conn.start();
    sockets[0]?.drop(1006);
    expect(statuses.at(-1)).toBe('reconnecting');
    vi.advanceTimersByTime(999);
    expect(sockets).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(2);
    sockets[1]?.drop(1006);
    vi.advanceTimersByTime(1999);
    expect(sockets).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(3);
    sockets[2]?.open();
    expect(statuses.at(-1)).toBe('live');
  });

  it('stops for good when the session ended (4401)', () => {
    vi.useFakeTimers();
    const { conn, sockets, statuses } = setup();
    conn.start();
    sockets[0]?.drop(SESSION_ENDED, 'signed out');
    vi.advanceTimersByTime(60_000);
    expect(sockets).toHaveLength(1);
    expect(statuses.at(-1)).toBe('signed-out');
  });

  it('closes its socket and never reconnects once stopped', () => {
    vi.useFakeTimers();
    const { conn, sockets } = setup();
    conn.start();
    const first = sockets[0];
    conn.stop();
    expect(first?.closed).toBe(1000);
    first?.drop(1000);
    vi.advanceTimersByTime(60_000);
    expect(sockets).toHaveLength(1);
  });
});
