import { describe, expect, it } from 'vitest';
import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import App from './App.svelte';
import { agentView, callView, FakeBackend } from './lib/backend/fake';
import type { EmergencyAlertView } from './generated/wire';

const ALERT: EmergencyAlertView = {
  id: 'a1',
  agentName: 'agnes',
  startedAtMs: 1_790_000_000_000,
  endedAtMs: null,
  callbackNumber: '+12065550177',
  location: '400 Pine St, Seattle, WA 98101',
  test: false,
  acknowledgedBy: null,
};

async function renderApp(backend = new FakeBackend(agentView())) {
  const user = userEvent.setup();
  render(App, { props: { backend } });
  await screen.findByTestId('app-ready');
  return { backend, user };
}

async function signIn(user: ReturnType<typeof userEvent.setup>, username = 'sam', password = 'secret') {
  await user.click(screen.getByTestId('supervisor-toggle'));
  await user.type(await screen.findByTestId('supervisor-username'), username);
  await user.type(screen.getByTestId('supervisor-password'), password);
  await user.click(screen.getByTestId('supervisor-sign-in-submit'));
}

describe('the Supervisor panel (issue 7 item 4; S1, S2, E11, A1)', () => {
  it('offers the configured back office and signs a supervisor in', async () => {
    const { user } = await renderApp();
    await user.click(screen.getByTestId('supervisor-toggle'));
    expect(await screen.findByTestId('supervisor-url')).toHaveValue('http://127.0.0.1:8080');
    await user.type(screen.getByTestId('supervisor-username'), 'sam');
    await user.type(screen.getByTestId('supervisor-password'), 'secret');
    await user.click(screen.getByTestId('supervisor-sign-in-submit'));
    expect(await screen.findByTestId('supervisor-user')).toHaveTextContent('sam');
    expect(screen.getByTestId('supervisor-connection')).toHaveTextContent('Live');
    expect(screen.getByTestId('supervisor-no-alerts')).toBeInTheDocument();
  });

  it('A1: an agent is refused with the reason, and a wrong password says so', async () => {
    const { user } = await renderApp();
    await signIn(user, 'agnes');
    const error = await screen.findByTestId('supervisor-error');
    expect(error).toHaveAttribute('data-code', 'WrongRole');
    expect(error).toHaveTextContent('supervisor or administrator role');
    await user.clear(screen.getByTestId('supervisor-username'));
    await user.type(screen.getByTestId('supervisor-username'), 'sam');
    await user.type(screen.getByTestId('supervisor-password'), 'typo');
    await user.click(screen.getByTestId('supervisor-sign-in-submit'));
    expect(await screen.findByTestId('supervisor-error')).toHaveAttribute('data-code', 'BadCredentials');
    expect(screen.queryByTestId('supervisor-user')).toBeNull();
  });

  it('names the address field when it is not http(s)', async () => {
    const { user } = await renderApp();
    await user.click(screen.getByTestId('supervisor-toggle'));
    const url = await screen.findByTestId('supervisor-url');
    await user.clear(url);
    await user.type(url, 'backoffice:8080');
    await user.type(screen.getByTestId('supervisor-username'), 'sam');
    await user.type(screen.getByTestId('supervisor-password'), 'secret');
    // The browser's own URL check would stop a real submit; the form's submit event is what we test.
    screen.getByTestId('supervisor-sign-in').setAttribute('novalidate', '');
    await user.click(screen.getByTestId('supervisor-sign-in-submit'));
    expect(await screen.findByTestId('supervisor-url-error')).toHaveTextContent('http:// or https://');
  });

  it('E11: an alert sounds and is counted on the button until acknowledged, then shows who acknowledged', async () => {
    const { backend, user } = await renderApp();
    await signIn(user);
    await screen.findByTestId('supervisor-user');
    backend.publishSupervisor({ ...backend.supervisor, alerts: [ALERT], alarm: true });
    const alert = await screen.findByTestId('supervisor-alert');
    expect(alert).toHaveAttribute('data-acknowledged', 'false');
    expect(within(alert).getByTestId('supervisor-alert-agent')).toHaveTextContent('agnes');
    expect(within(alert).getByTestId('supervisor-alert-callback')).toHaveTextContent('+12065550177');
    expect(screen.getByTestId('supervisor-alarm')).toBeInTheDocument();
    expect(screen.getByTestId('supervisor-alert-badge')).toHaveTextContent('1');

    await user.click(within(alert).getByTestId('supervisor-acknowledge'));
    expect(backend.acknowledged).toEqual(['a1']);
    expect(await screen.findByTestId('supervisor-acknowledged-by')).toHaveTextContent('Acknowledged by sam');
    expect(screen.queryByTestId('supervisor-alarm')).toBeNull();
    expect(screen.queryByTestId('supervisor-alert-badge')).toBeNull();
  });

  it('S1: shows ongoing conversations and agents’ presence, and says when the feed is reconnecting', async () => {
    const { backend, user } = await renderApp();
    await signIn(user);
    await screen.findByTestId('supervisor-user');
    backend.publishSupervisor({
      ...backend.supervisor,
      connected: false,
      problem: 'Live updates stopped (the supervisors’ feed closed). Reconnecting; alerts stay as last seen.',
      conversations: [{ callId: 'c1', agentName: 'bob', direction: 'Inbound', state: 'Talking', queue: 'sales', recording: true }],
      presence: [{ agentId: 'u2', agentName: 'bob', status: 'Busy' }],
    });
    const row = await screen.findByTestId('supervisor-conversation');
    expect(row).toHaveTextContent('bob');
    expect(row).toHaveTextContent('Talking');
    expect(row).toHaveTextContent('sales');
    expect(screen.getByTestId('supervisor-presence')).toHaveTextContent('bob: Busy');
    expect(screen.getByTestId('supervisor-connection')).toHaveTextContent('Reconnecting');
    expect(screen.getByTestId('supervisor-problem')).toHaveTextContent('Reconnecting');
  });

  it('Alt+S opens and closes the panel; sign-out returns to the form', async () => {
    const { user } = await renderApp();
    await user.keyboard('{Alt>}s{/Alt}');
    expect(await screen.findByTestId('supervisor-panel')).toBeInTheDocument();
    await user.type(screen.getByTestId('supervisor-username'), 'sam');
    await user.type(screen.getByTestId('supervisor-password'), 'secret');
    await user.click(screen.getByTestId('supervisor-sign-in-submit'));
    await user.click(await screen.findByTestId('supervisor-sign-out'));
    expect(await screen.findByTestId('supervisor-sign-in')).toBeInTheDocument();
    await user.keyboard('{Alt>}s{/Alt}');
    expect(screen.queryByTestId('supervisor-panel')).toBeNull();
  });

  it('Escape closes the panel and keeps the session', async () => {
    const { user, backend } = await renderApp();
    await signIn(user);
    expect(await screen.findByTestId('supervisor-user')).toHaveTextContent('sam');
    await user.keyboard('{Escape}');
    expect(screen.queryByTestId('supervisor-panel')).toBeNull();
    expect(backend.supervisor.signedInAs).toBe('sam');
    await user.click(screen.getByTestId('supervisor-toggle'));
    expect(await screen.findByTestId('supervisor-user')).toHaveTextContent('sam');
  });

  it('E8: during an emergency call the panel and its button are hidden', async () => {
    const emergency = callView({ remote: '911', emergency: true, controls: ['AudioDevices', 'EndCall'] });
    const { user } = await renderApp(new FakeBackend(agentView({ calls: [emergency], presence: 'DoNotDisturb', presenceLocked: true })));
    expect(screen.queryByTestId('supervisor-toggle')).toBeNull();
    await user.keyboard('{Alt>}s{/Alt}');
    expect(screen.queryByTestId('supervisor-panel')).toBeNull();
  });
});
