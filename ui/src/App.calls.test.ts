import { describe, expect, it } from 'vitest';
import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import App from './App.svelte';
import { agentView, callView, FakeBackend } from './lib/backend/fake';
import type { AgentView } from './generated/wire';

async function renderApp(view: Partial<AgentView> = {}): Promise<{ backend: FakeBackend; user: ReturnType<typeof userEvent.setup> }> {
  const backend = new FakeBackend(agentView(view));
  const user = userEvent.setup();
  render(App, { props: { backend } });
  await screen.findByTestId('app-ready');
  return { backend, user };
}

describe('placing calls', () => {
  it('dials with the Call button and shows the call, clearing the field', async () => {
    const { backend, user } = await renderApp();
    expect(screen.getByTestId('dial-call')).toBeDisabled();
    await user.type(screen.getByTestId('dial-input'), '+12065550142');
    await user.click(screen.getByTestId('dial-call'));

    expect(backend.dialled).toEqual(['+12065550142']);
    const card = await screen.findByTestId('call-card');
    expect(card).toHaveAttribute('data-state', 'Dialling');
    expect(within(card).getByTestId('call-remote')).toHaveTextContent('+12065550142');
    expect(screen.getByTestId('dial-input')).toHaveValue('');
  });

  it('dials with Enter in the number field', async () => {
    const { backend, user } = await renderApp();
    await user.type(screen.getByTestId('dial-input'), '2065550142{Enter}');
    expect(backend.dialled).toEqual(['2065550142']);
  });

  it('shows a refused number with its code and keeps what was typed', async () => {
    const { backend, user } = await renderApp();
    backend.nextError = { code: 'InvalidInput', message: '12 is not a phone number' };
    await user.type(screen.getByTestId('dial-input'), '12{Enter}');
    const error = await screen.findByTestId('call-error');
    expect(error).toHaveAttribute('data-code', 'InvalidInput');
    expect(error).toHaveTextContent('12 is not a phone number');
    expect(screen.getByTestId('dial-input')).toHaveValue('12');
    expect(screen.queryByTestId('call-card')).toBeNull();
  });
});

describe('a call in progress', () => {
  it('offers only the controls the core allows and sends them', async () => {
    const { backend, user } = await renderApp({ calls: [callView({ id: 7, controls: ['EndCall', 'Mute'] })] });
    expect(screen.queryByTestId('call-hold')).toBeNull();
    await user.click(screen.getByTestId('call-mute'));
    expect(backend.controlRequests).toEqual([[7, 'Mute']]);
    expect(await screen.findByTestId('call-mute')).toHaveAttribute('aria-pressed', 'true');
  });

  it('shows the timer from the answer', async () => {
    await renderApp({ calls: [callView({ answeredAt: Date.now() - 65_000 })] });
    expect(screen.getByTestId('call-timer')).toHaveTextContent(/^1:0[5-6]$/);
  });

  it('ends the current call with Alt+E and mutes it with Alt+M', async () => {
    const { backend, user } = await renderApp({ calls: [callView({ id: 3 })] });
    await user.keyboard('{Alt>}m{/Alt}');
    expect(backend.controlRequests).toEqual([[3, 'Mute']]);
    await user.keyboard('{Alt>}e{/Alt}');
    await expect.poll(() => screen.queryByTestId('call-card')).toBeNull();
  });

  it('shows why a call failed and lets the agent dismiss it', async () => {
    const failed = callView({ state: 'Ended', answeredAt: null, outcome: { code: 'Busy', message: 'The line is busy.' } });
    const { user } = await renderApp({ calls: [failed] });
    expect(screen.getByTestId('call-outcome')).toHaveAttribute('data-code', 'Busy');
    expect(screen.queryByTestId('call-end')).toBeNull();
    await user.click(screen.getByTestId('call-dismiss'));
    await expect.poll(() => screen.queryByTestId('call-card')).toBeNull();
  });
});

describe('emergency calls (E4, E8)', () => {
  it('shows only End call and the panel of what the emergency center receives', async () => {
    const { user } = await renderApp();
    await user.type(screen.getByTestId('dial-input'), '911{Enter}');
    await screen.findByTestId('emergency-panel');
    expect(screen.getByTestId('app-ready')).toHaveAttribute('data-emergency', 'true');
    expect(screen.queryByTestId('dial-input')).toBeNull();
    expect(screen.queryByTestId('history')).toBeNull();
    expect(screen.getByTestId('call-end')).toBeVisible();
    expect(screen.queryByTestId('call-mute')).toBeNull();
    expect(screen.queryByTestId('call-hold')).toBeNull();
    expect(screen.getByTestId('emergency-callback')).toHaveTextContent('+12065550100');
    expect(screen.getByTestId('emergency-callback-source')).toHaveTextContent('your own number');
    expect(screen.getByTestId('emergency-location')).toHaveTextContent('400 Pine St');
    // No proxy said where the call went: the panel does not pretend it knows (E12).
    expect(screen.getByTestId('emergency-route')).toHaveTextContent('as dialled');
    expect(screen.getByTestId('emergency-kind')).toHaveTextContent('Real emergency call (911)');
    expect(screen.getByTestId('presence-current')).toHaveAttribute('data-presence', 'DoNotDisturb');

    await user.click(screen.getByTestId('call-end'));
    await screen.findByTestId('dial-input');
    expect(screen.getByTestId('presence-current')).toHaveAttribute('data-presence', 'Available');
  });

  it('shows the callback window countdown after the call', async () => {
    await renderApp({ callbackWindow: { number: '+12065550100', until: Date.now() + 3_600_000 } });
    expect(screen.getByTestId('callback-window')).toHaveTextContent('+12065550100');
    expect(screen.getByTestId('callback-countdown')).toHaveTextContent(/^(1:00:00|59:59)$/);
  });
});

describe('status and history', () => {
  it('shows the registration state and the history rows', async () => {
    await renderApp({
      registration: { state: 'Failed', account: 'a@b', detail: 'the registrar cannot be reached' },
      history: [
        { direction: 'Outbound', remote: '+12065550142', startedAt: 0, answeredAt: 1_000, endedAt: 61_000, recorded: false },
      ],
    });
    expect(screen.getByTestId('registration-state')).toHaveAttribute('data-state', 'Failed');
    expect(screen.getByTestId('registration-state')).toHaveAttribute('title', 'the registrar cannot be reached');
    const rows = screen.getAllByTestId('history-row');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toHaveTextContent('+12065550142');
    expect(rows[0]).toHaveTextContent('1:00');
  });

  it('says when there is no history yet, and shows a configuration problem', async () => {
    await renderApp({ configProblem: { code: 'InvalidInput', message: 'softphone.toml is not valid' } });
    expect(screen.getByTestId('history-empty')).toBeVisible();
    expect(screen.getByTestId('config-problem')).toHaveTextContent('softphone.toml is not valid');
  });
});

describe('incoming calls', () => {
  it('rings with Answer and Decline, and Alt+A answers', async () => {
    const ringing = callView({ id: 9, direction: 'Inbound', state: 'Ringing', answeredAt: null, controls: ['EndCall'] });
    const { user } = await renderApp({ calls: [ringing] });
    expect(screen.getByTestId('call-state')).toHaveTextContent('Incoming call');
    expect(screen.getByTestId('call-decline')).toBeVisible();
    expect(screen.queryByTestId('call-end')).toBeNull();
    await user.keyboard('{Alt>}a{/Alt}');
    await expect.poll(() => screen.getByTestId('call-card').getAttribute('data-state')).toBe('Connected');
    expect(screen.queryByTestId('call-answer')).toBeNull();
  });

  it('marks the emergency center’s callback with its own alert (E6)', async () => {
    const callback = callView({ direction: 'Inbound', state: 'Ringing', emergencyCallback: true, answeredAt: null });
    await renderApp({ calls: [callback] });
    expect(screen.getByTestId('call-emergency-callback-badge')).toHaveTextContent('Emergency callback');
  });
});

describe('keypad during a call', () => {
  it('sends keypad presses as DTMF to the connected call instead of typing them', async () => {
    const { backend, user } = await renderApp({ calls: [callView({ id: 4 })] });
    await user.click(screen.getByTestId('keypad-5'));
    await user.click(screen.getByTestId('keypad-hash'));
    expect(backend.digits).toEqual(['5', '#']);
    expect(screen.getByTestId('dial-input')).toHaveValue('');
  });
});

describe('quality indicator', () => {
  it('shows the MOS band, codec and loss of a connected call, and a media problem', async () => {
    await renderApp({
      calls: [
        callView({
          quality: { mos: 3.7, jitterMs: 12.5, lossPercent: 4.8, roundTripMs: 41, codec: 'opus' },
          problem: { code: 'AudioUnavailable', message: 'Audio problem, the call goes on: microphone: no device.' },
        }),
      ],
    });
    const q = screen.getByTestId('call-quality');
    expect(q).toHaveTextContent('Good audio · opus · loss 4.8%');
    expect(q).toHaveAttribute('title', 'Jitter 12.5 ms · loss 4.8% · round trip 41 ms');
    expect(screen.getByTestId('call-problem')).toHaveTextContent('microphone: no device');
  });
});

describe('transfer', () => {
  it('opens a field for the number and sends the transfer with Enter', async () => {
    const { backend, user } = await renderApp({ calls: [callView({ id: 6 })] });
    await user.click(screen.getByTestId('call-transfer'));
    expect(screen.getByTestId('transfer-input')).toHaveFocus();
    await user.keyboard('+12065550177{Enter}');
    expect(backend.transfers).toEqual([[6, '+12065550177']]);
    expect(screen.queryByTestId('transfer-form')).toBeNull();
  });
});

describe('recording', () => {
  it('records on demand, marks the call, and lists recordings', async () => {
    const { backend, user } = await renderApp({
      calls: [callView({ id: 2, controls: ['EndCall', 'Record'] })],
      recordings: [{ fileName: '20261122-083045-+12065550142.wav', path: '/d/recordings/x.wav', sizeBytes: 480_000 }],
    });
    expect(screen.queryByTestId('call-recording')).toBeNull();
    await user.click(screen.getByTestId('call-record'));
    expect(backend.controlRequests).toEqual([[2, 'Record']]);
    expect(await screen.findByTestId('call-recording')).toHaveTextContent('REC');
    expect(screen.queryByTestId('call-record')).toBeNull();
    expect(screen.getByTestId('recording-row')).toHaveTextContent('20261122-083045-+12065550142.wav');
    expect(screen.getByTestId('recording-row')).toHaveTextContent('469 kB');
  });
});

describe('audio devices', () => {
  it('lists devices, saves a choice, and is reachable from an emergency call (E8)', async () => {
    const { backend, user } = await renderApp({
      calls: [callView({ emergency: true, controls: ['AudioDevices', 'EndCall'] })],
    });
    await user.click(screen.getByTestId('call-audio-devices'));
    const select = await screen.findByTestId('audio-input-select');
    expect(within(select).getByText('USB headset')).toBeInTheDocument();
    await user.selectOptions(select, 'mic-2');
    await user.click(screen.getByTestId('audio-devices-save'));
    expect(await screen.findByTestId('audio-devices-saved')).toBeVisible();
    expect(backend.devices.input).toBe('mic-2');
    expect(backend.devices.output).toBeNull();
    await user.click(screen.getByTestId('audio-devices-close'));
    expect(screen.queryByTestId('audio-devices')).toBeNull();
  });
});
