import type { AgentView, CallState, CallView, RegistrationState } from '../generated/wire';

/** What the agent reads for a call's state. */
export function callStateLabel(call: CallView): string {
  const labels: Record<CallState, string> = {
    Dialling: 'Calling…',
    Ringing: call.direction === 'Inbound' ? 'Incoming call' : 'Ringing…',
    Connected: 'Connected',
    OnHold: 'On hold',
    Ended: call.outcome ? 'Call failed' : 'Call ended',
  };
  return labels[call.state];
}

/** `m:ss`, or `h:mm:ss` past an hour: the call timer. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** The emergency call in progress, if any: the UI then shows only what E8 allows. */
export function activeEmergency(view: AgentView): CallView | null {
  return view.calls.find((c) => c.emergency && c.state !== 'Ended') ?? null;
}

/** The call keyboard shortcuts act on: the newest one still going. */
export function currentCall(view: AgentView): CallView | null {
  const live = view.calls.filter((c) => c.state !== 'Ended');
  return live.at(-1) ?? null;
}

export function registrationLabel(state: RegistrationState): string {
  const labels: Record<RegistrationState, string> = {
    NotConfigured: 'No SIP account',
    OutboundOnly: 'Calls out only',
    Registering: 'Connecting…',
    Registered: 'Online',
    Failed: 'Offline',
  };
  return labels[state];
}

/** Where a callback number came from, in words (E5: a fallback is shown as one). */
export function callbackSourceLabel(source: string | null): string {
  switch (source) {
    case 'pool':
      return 'temporary callback number';
    case 'agent':
      return 'your own number (no temporary number could be had)';
    case 'site':
      return 'the site’s emergency number (no temporary number could be had)';
    default:
      return 'none available';
  }
}

/** The quality indicator's word for an E-model MOS (ITU-T G.107 bands). */
export function qualityLabel(mos: number): 'Excellent' | 'Good' | 'Fair' | 'Poor' {
  if (mos >= 4.0) return 'Excellent';
  if (mos >= 3.6) return 'Good';
  if (mos >= 3.1) return 'Fair';
  return 'Poor';
}
