/**
 * The supervisors' live feed (S1, S2) as the console keeps it: a pure reducer over the
 * feed's messages (`snapshot`, `call`, `call_removed`, `presence`, `alerts`; see
 * crates/backoffice/src/api/feed.rs), and the connection that reconnects after a drop
 * and stops for good when the session ends (close code 4401).
 */
import type { AgentPresence, Alert, LiveCall } from './types';

export interface LiveView {
  /** Ongoing calls by call id, with the local time each started (for ticking durations). */
  calls: Record<string, LiveCall & { started_local_ms: number }>;
  presence: Record<string, AgentPresence>;
  alerts: Alert[];
}

export const EMPTY_VIEW: LiveView = { calls: {}, presence: {}, alerts: [] };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

function isCall(v: unknown): v is LiveCall {
  return isRecord(v) && typeof v.call_id === 'string' && typeof v.state === 'string' && typeof v.duration_ms === 'number';
}

function isPresence(v: unknown): v is AgentPresence {
  return isRecord(v) && typeof v.agent_id === 'string' && typeof v.status === 'string';
}

function isAlert(v: unknown): v is Alert {
  return isRecord(v) && typeof v.id === 'string' && typeof v.agent_name === 'string';
}

function withCall(calls: LiveView['calls'], c: LiveCall, nowMs: number): LiveView['calls'] {
  return { ...calls, [c.call_id]: { ...c, started_local_ms: nowMs - c.duration_ms } };
}

/**
 * The view after one message (its text as received). Unknown or malformed messages
 * leave the view as it was: a newer server may send more than this console knows.
 */
export function applyFeedMessage(view: LiveView, text: string, nowMs: number): LiveView {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    return view;
  }
  if (!isRecord(msg)) return view;
  switch (msg.type) {
    case 'snapshot': {
      const calls = Array.isArray(msg.calls) ? msg.calls.filter(isCall) : [];
      const presence = Array.isArray(msg.presence) ? msg.presence.filter(isPresence) : [];
      const alerts = Array.isArray(msg.alerts) ? msg.alerts.filter(isAlert) : [];
      return {
        calls: calls.reduce<LiveView['calls']>((acc, c) => withCall(acc, c, nowMs), {}),
        presence: Object.fromEntries(presence.map((p) => [p.agent_id, p])),
        alerts,
      };
    }
    case 'call':
      return isCall(msg.call) ? { ...view, calls: withCall(view.calls, msg.call, nowMs) } : view;
    case 'call_removed': {
      if (typeof msg.call_id !== 'string' || !(msg.call_id in view.calls)) return view;
      const calls = { ...view.calls };
      // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- a map keyed by call id
      delete calls[msg.call_id];
      return { ...view, calls };
    }
    case 'presence':
      return isPresence(msg.presence)
        ? { ...view, presence: { ...view.presence, [msg.presence.agent_id]: msg.presence } }
        : view;
    case 'alerts':
      return Array.isArray(msg.alerts) ? { ...view, alerts: msg.alerts.filter(isAlert) } : view;
    default:
      return view;
  }
}

/** Alerts that still need a supervisor: not acknowledged yet, newest first. */
export function openAlerts(view: LiveView): Alert[] {
  return view.alerts.filter((a) => a.acknowledged_by === null).sort((a, b) => b.started_at_ms - a.started_at_ms);
}

export function sortedCalls(view: LiveView): LiveView['calls'][string][] {
  return Object.values(view.calls).sort((a, b) => a.started_at_ms - b.started_at_ms || a.call_id.localeCompare(b.call_id));
}

export type FeedStatus = 'connecting' | 'live' | 'reconnecting' | 'signed-out';

/** What the connection needs of a WebSocket (the browser's, or a fake in tests). */
export interface FeedSocket {
  onopen: ((ev: Event) => unknown) | null;
  onmessage: ((ev: MessageEvent) => unknown) | null;
  onclose: ((ev: CloseEvent) => unknown) | null;
  close(code?: number, reason?: string): void;
}

export type SocketFactory = (url: string, protocols: string[]) => FeedSocket;

export interface FeedHandlers {
  message(text: string): void;
  status(s: FeedStatus, detail?: string): void;
}

/** The close code the back office sends when the session ended. */
export const SESSION_ENDED = 4401;

/**
 * One live feed: connects, hands every message on, reconnects with a growing delay
 * (1 s, 2 s, … 10 s) after a drop, never after the session ended or `stop()`.
 */
export class FeedConnection {
  private socket: FeedSocket | null = null;
  private stopped = false;
  private attempts = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly open: SocketFactory,
    private readonly url: string,
    private readonly protocols: string[],
    private readonly on: FeedHandlers,
  ) {}

  start(): void {
    this.connect('connecting');
  }

  private connect(status: FeedStatus): void {
    if (this.stopped) return;
    this.on.status(status);
    const s = this.open(this.url, this.protocols);
    this.socket = s;
    s.onopen = () => {
      this.attempts = 0;
      this.on.status('live');
    };
    s.onmessage = (ev) => {
      if (typeof ev.data === 'string') this.on.message(ev.data);
    };
    s.onclose = (ev) => {
      this.socket = null;
      if (this.stopped) return;
      if (ev.code === SESSION_ENDED) {
        this.stopped = true;
        this.on.status('signed-out', ev.reason);
        return;
      }
      const delay = Math.min(10_000, 1000 * 2 ** this.attempts);
      this.attempts += 1;
      this.on.status('reconnecting');
      this.timer = setTimeout(() => {
        this.connect('reconnecting');
      }, delay);
    };
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.socket?.close(1000, 'closed by the console');
    this.socket = null;
  }
}
