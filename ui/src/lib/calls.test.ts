import { describe, expect, it } from 'vitest';
import { activeEmergency, callStateLabel, currentCall, formatDuration } from './calls';
import { agentView, callView } from './backend/fake';

describe('call helpers', () => {
  it('formats the call timer as m:ss and h:mm:ss', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(65_400)).toBe('1:05');
    expect(formatDuration(3_726_000)).toBe('1:02:06');
    expect(formatDuration(-5)).toBe('0:00');
  });

  it('labels states from the agent’s point of view', () => {
    expect(callStateLabel(callView({ state: 'Ringing', direction: 'Inbound' }))).toBe('Incoming call');
    expect(callStateLabel(callView({ state: 'Ringing' }))).toBe('Ringing…');
    expect(callStateLabel(callView({ state: 'Ended', outcome: { code: 'Busy', message: 'busy' } }))).toBe('Call failed');
  });

  it('finds the live emergency call and the current call, ignoring ended ones', () => {
    const ended = callView({ id: 1, emergency: true, state: 'Ended' });
    const normal = callView({ id: 2 });
    expect(activeEmergency(agentView({ calls: [ended, normal] }))).toBeNull();
    expect(currentCall(agentView({ calls: [ended, normal] }))?.id).toBe(2);
    const live = callView({ id: 3, emergency: true });
    expect(activeEmergency(agentView({ calls: [normal, live] }))?.id).toBe(3);
    expect(currentCall(agentView({ calls: [ended] }))).toBeNull();
  });
});

describe('qualityLabel', () => {
  it('maps MOS to G.107 bands', async () => {
    const { qualityLabel } = await import('./calls');
    expect(qualityLabel(4.3)).toBe('Excellent');
    expect(qualityLabel(3.8)).toBe('Good');
    expect(qualityLabel(3.2)).toBe('Fair');
    expect(qualityLabel(2.0)).toBe('Poor');
  });
});
