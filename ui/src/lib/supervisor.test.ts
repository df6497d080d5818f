import { describe, expect, it, vi } from 'vitest';
import { FakeBackend } from './backend/fake';
import { SupervisorState } from './supervisor.svelte';
import type { SupervisorDeskView } from '../generated/wire';

async function started(backend: FakeBackend): Promise<SupervisorState> {
  const state = new SupervisorState(backend);
  state.start();
  await vi.waitFor(() => {
    expect(state.view).not.toBeNull();
  });
  return state;
}

describe('SupervisorState', () => {
  it('keeps the live view when the sign-in reply arrives after the feed opened', async () => {
    const backend = new FakeBackend();
    const state = await started(backend);
    // The desk published "signed in" and then "live" before the command's reply
    // (which carries the first of the two) reached the UI.
    backend.supervisorSignIn = (): Promise<SupervisorDeskView> => {
      backend.publishSupervisor({ ...backend.supervisor, signedInAs: 'sam', role: 'Supervisor', connected: false });
      const reply = { ...backend.supervisor };
      backend.publishSupervisor({ ...backend.supervisor, connected: true });
      return Promise.resolve(reply);
    };

    expect(await state.signIn('http://127.0.0.1:8080', 'sam', 'secret')).toBe(true);
    expect(state.view?.signedInAs).toBe('sam');
    expect(state.view?.connected).toBe(true);
    expect(state.view?.revision).toBe(backend.supervisor.revision);
  });

  it('signing out replaces the live view with the signed-out one', async () => {
    const backend = new FakeBackend();
    const state = await started(backend);
    expect(await state.signIn('http://127.0.0.1:8080', 'sam', 'secret')).toBe(true);
    expect(state.view?.connected).toBe(true);

    await state.signOut();
    expect(state.view?.signedInAs).toBeNull();
    expect(state.view?.connected).toBe(false);
  });
});
