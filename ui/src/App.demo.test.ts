import { describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import App from './App.svelte';
import { agentView, FakeBackend } from './lib/backend/fake';
import type { DemoView } from './generated/wire';

const DEMO: DemoView = {
  callbackNumber: '+12065550177',
  lastReceived: null,
  supervisorUsername: 'supervisor-a1b2c3',
  supervisorPassword: 'demo-secret',
};

async function renderApp(demo: DemoView | null): Promise<{ backend: FakeBackend; user: ReturnType<typeof userEvent.setup> }> {
  const backend = new FakeBackend(agentView());
  backend.demo = demo;
  const user = userEvent.setup();
  render(App, { props: { backend } });
  await screen.findByTestId('app-ready');
  return { backend, user };
}

describe('demo mode (issue 7 item 5)', () => {
  it('says in view that no real emergency center is reached', async () => {
    await renderApp(DEMO);
    const banner = await screen.findByTestId('demo-banner');
    expect(banner).toHaveTextContent('No real emergency center is reached');
    expect(screen.getByTestId('demo-request-callback')).toHaveTextContent('+12065550177');
  });

  it('has no banner with a configured account', async () => {
    await renderApp(null);
    expect(screen.queryByTestId('demo-banner')).toBeNull();
  });

  it('asks the built-in center to call back (E6) and says so', async () => {
    const { backend, user } = await renderApp(DEMO);
    await user.click(await screen.findByTestId('demo-request-callback'));
    expect(backend.demoCallBacks).toBe(1);
    expect(await screen.findByTestId('demo-callback-asked')).toHaveTextContent('calling back');
  });

  it('shows what the center received with the last test call (E5, E10, E12)', async () => {
    await renderApp({
      ...DEMO,
      lastReceived: { routingNumber: '+12065550101', test: true, callback: '+12065550177', locationSent: true },
    });
    const received = await screen.findByTestId('demo-center-received');
    expect(received).toHaveTextContent('test center');
    expect(received).toHaveTextContent('+12065550177');
    expect(received).toHaveTextContent('with your location');
  });

  it('fills in the demo supervisor in the Supervisor panel, which then signs in', async () => {
    const backend = new FakeBackend(agentView());
    backend.demo = DEMO;
    backend.supervisorPassword = 'demo-secret';
    const user = userEvent.setup();
    render(App, { props: { backend } });
    await screen.findByTestId('demo-banner');
    await user.click(screen.getByTestId('supervisor-toggle'));
    expect(await screen.findByTestId('supervisor-username')).toHaveValue('supervisor-a1b2c3');
    expect(screen.getByTestId('supervisor-password')).toHaveValue('demo-secret');
    expect(screen.getByTestId('supervisor-demo-hint')).toHaveTextContent('demo supervisor');
  });
});
