import { describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import App from './App.svelte';
import { agentView, FakeBackend } from './lib/backend/fake';
import type { AgentView } from './generated/wire';

async function renderApp(view: Partial<AgentView>): Promise<{ backend: FakeBackend; user: ReturnType<typeof userEvent.setup> }> {
  const backend = new FakeBackend(agentView(view));
  const user = userEvent.setup();
  render(App, { props: { backend } });
  await screen.findByTestId('app-ready');
  return { backend, user };
}

const asking = (): Partial<AgentView> => {
  const base = agentView().location;
  return { location: { ...base, confirmed: false, needsConfirmation: true, reason: 'Confirm the address you are working from today.' } };
};

describe('dispatchable address at sign-in (E9)', () => {
  it('asks at sign-in, prefilled, and confirms the corrected address', async () => {
    const { backend, user } = await renderApp(asking());
    expect(screen.getByTestId('location-reason')).toHaveTextContent('working from today');
    expect(screen.getByTestId('location-street')).toHaveValue('Pine St');
    await user.clear(screen.getByTestId('location-room'));
    await user.type(screen.getByTestId('location-room'), '2B');
    await user.click(screen.getByTestId('location-confirm'));
    expect(backend.confirmedAddresses).toHaveLength(1);
    expect(backend.confirmedAddresses[0]?.room).toBe('2B');
    expect(screen.queryByTestId('location-form')).toBeNull();
  });

  it('shows a refused field beside it and keeps the form', async () => {
    const { backend, user } = await renderApp(asking());
    await user.clear(screen.getByTestId('location-zip'));
    await user.type(screen.getByTestId('location-zip'), '981');
    await user.click(screen.getByTestId('location-confirm'));
    expect(await screen.findByTestId('location-error-zip')).toHaveTextContent('five-digit ZIP');
    expect(screen.getByTestId('location-zip')).toHaveAttribute('aria-invalid', 'true');
    expect(backend.confirmedAddresses).toHaveLength(0);
    expect(screen.getByTestId('location-form')).toBeInTheDocument();
  });

  it('never stands between the agent and the dialer: 911 can be dialled while it asks', async () => {
    const { backend, user } = await renderApp(asking());
    expect(screen.getByTestId('location-form')).toBeInTheDocument();
    await user.type(screen.getByTestId('dial-input'), '911{Enter}');
    expect(backend.dialled).toEqual(['911']);
    // During the emergency call only the call's own controls are shown.
    expect(screen.queryByTestId('location-form')).toBeNull();
  });

  it('can be put off, and reopened from the readiness details', async () => {
    const { user } = await renderApp(asking());
    await user.click(screen.getByTestId('location-later'));
    expect(screen.queryByTestId('location-form')).toBeNull();
    await user.click(screen.getByTestId('readiness'));
    await user.click(screen.getByTestId('readiness-change-address'));
    expect(screen.getByTestId('location-form')).toBeInTheDocument();
  });
});
