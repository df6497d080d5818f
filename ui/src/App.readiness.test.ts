import { describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import App from './App.svelte';
import { agentView, FakeBackend } from './lib/backend/fake';
import type { ReadinessView } from './generated/wire';

async function renderWith(readiness: Partial<ReadinessView>): Promise<ReturnType<typeof userEvent.setup>> {
  const base = agentView().readiness;
  const backend = new FakeBackend(agentView({ readiness: { ...base, ...readiness } }));
  const user = userEvent.setup();
  render(App, { props: { backend } });
  await screen.findByTestId('app-ready');
  return user;
}

describe('emergency readiness indicator (E9)', () => {
  it('is always in view and says 911 is ready when everything passes', async () => {
    await renderWith({});
    const badge = screen.getByTestId('readiness');
    expect(badge).toHaveAttribute('data-state', 'ready');
    expect(badge).toHaveAccessibleName('Emergency readiness: 911 ready');
  });

  it('opens its details with each failing part in words', async () => {
    const user = await renderWith({
      ready: false,
      countryStatus: 'Outside',
      country: 'CA',
      countrySource: 'from the geolocation service',
      problems: ['This network is in CA, outside the US and Puerto Rico.'],
    });
    const badge = screen.getByTestId('readiness');
    expect(badge).toHaveAttribute('data-state', 'warning');
    expect(screen.queryByTestId('readiness-details')).toBeNull();
    await user.click(badge);
    expect(badge).toHaveAttribute('aria-expanded', 'true');
    expect(screen.getByTestId('readiness-country')).toHaveTextContent('CA');
    expect(screen.getByTestId('readiness-problem-0')).toHaveTextContent('outside the US and Puerto Rico');
  });

  it('shows red when the refuse policy applies', async () => {
    await renderWith({ ready: false, callsRefused: true, countryStatus: 'Outside', country: 'MX', problems: ['use a local phone'] });
    expect(screen.getByTestId('readiness')).toHaveAttribute('data-state', 'refused');
    expect(screen.getByTestId('readiness')).toHaveTextContent('911 refused here');
  });
});

describe('933 test call from the readiness details', () => {
  it('shows the last test and places a new one', async () => {
    const base = agentView().readiness;
    const backend = new FakeBackend(agentView({ readiness: { ...base, lastTest: { at: Date.UTC(2026, 10, 21, 15), reached: false } } }));
    const user = userEvent.setup();
    render(App, { props: { backend } });
    await screen.findByTestId('app-ready');
    await user.click(screen.getByTestId('readiness'));
    expect(screen.getByTestId('readiness-last-test')).toHaveTextContent('did not reach the test center');
    await user.click(screen.getByTestId('readiness-test-call'));
    expect(backend.dialled).toEqual(['933']);
    // The test call shows the emergency panel: what the center receives.
    expect(await screen.findByTestId('call-card')).toBeInTheDocument();
  });
});
