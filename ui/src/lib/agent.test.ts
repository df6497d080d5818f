import { describe, expect, it, vi } from 'vitest';
import { AgentState } from './agent.svelte';
import { agentView, FakeBackend } from './backend/fake';
import type { Backend } from './backend/backend';
import type { AgentView } from '../generated/wire';

async function started(backend: FakeBackend): Promise<{ state: AgentState; stop: () => void }> {
  const state = new AgentState(backend);
  const stop = state.start();
  await vi.waitFor(() => {
    expect(state.view).not.toBeNull();
  });
  return { state, stop };
}

describe('AgentState', () => {
  it('loads the first view and follows the core’s events', async () => {
    const backend = new FakeBackend(agentView({ presence: 'Away' }));
    const { state } = await started(backend);
    expect(state.view?.presence).toBe('Away');

    backend.publish(agentView({ presence: 'Offline', presenceLocked: true }));
    expect(state.view?.presence).toBe('Offline');
    expect(state.canChangePresence).toBe(false);
  });

  it('asks the backend to change presence and shows the answer', async () => {
    const backend = new FakeBackend();
    const { state } = await started(backend);

    await state.setPresence('Busy');
    expect(backend.presenceRequests).toEqual(['Busy']);
    expect(state.view?.presence).toBe('Busy');
    expect(state.presenceError).toBeNull();
  });

  it('does not ask again for the presence already shown', async () => {
    const backend = new FakeBackend();
    const { state } = await started(backend);
    await state.setPresence('Available');
    expect(backend.presenceRequests).toEqual([]);
  });

  it('does not ask while the core has locked presence', async () => {
    const backend = new FakeBackend(agentView({ presenceLocked: true }));
    const { state } = await started(backend);
    await state.setPresence('Offline');
    expect(backend.presenceRequests).toEqual([]);
    expect(state.view?.presence).toBe('Available');
  });

  it('keeps the refusal as a typed error and clears it on the next success', async () => {
    const backend = new FakeBackend();
    const { state } = await started(backend);
    backend.nextError = { code: 'StorageUnavailable', message: 'Cannot write settings.json' };

    await state.setPresence('Away');
    expect(state.presenceError).toEqual({ code: 'StorageUnavailable', message: 'Cannot write settings.json' });
    expect(state.view?.presence).toBe('Available');

    await state.setPresence('Away');
    expect(state.presenceError).toBeNull();
    expect(state.view?.presence).toBe('Away');
  });

  it('applies only the answer to the latest request', async () => {
    const resolvers: ((view: AgentView) => void)[] = [];
    const backend: Backend = {
      agentView: () => Promise.resolve(agentView()),
      setPresence: () => new Promise((resolve) => resolvers.push(resolve)),
      dial: () => Promise.resolve(1),
      hangUp: () => Promise.resolve(agentView()),
      callControl: () => Promise.resolve(agentView()),
      answer: () => Promise.resolve(agentView()),
      sendDtmf: () => Promise.resolve(),
      transfer: () => Promise.resolve(agentView()),
      audioDevices: () => Promise.reject(new Error('unused')),
      setAudioDevices: () => Promise.reject(new Error('unused')),
      confirmLocation: () => Promise.reject(new Error('unused')),
      audioLevel: () => Promise.reject(new Error('unused')),
      demoStatus: () => Promise.resolve(null),
      demoCallBack: () => Promise.reject(new Error('unused')),
      supervisorView: () => Promise.reject(new Error('unused')),
      supervisorSignIn: () => Promise.reject(new Error('unused')),
      supervisorAcknowledge: () => Promise.reject(new Error('unused')),
      supervisorSignOut: () => Promise.reject(new Error('unused')),
      onSupervisorView: () => Promise.resolve(() => undefined),
      onAgentView: () => Promise.resolve(() => undefined),
    };
    const state = new AgentState(backend);
    state.start();
    await vi.waitFor(() => {
      expect(state.view).not.toBeNull();
    });

    const first = state.setPresence('Busy');
    const second = state.setPresence('Away');
    resolvers[1]?.(agentView({ presence: 'Away' }));
    await second;
    resolvers[0]?.(agentView({ presence: 'Busy' }));
    await first;
    expect(state.view?.presence).toBe('Away');
    expect(state.changingPresence).toBe(false);
  });

  it('reports a failed first load and recovers on retry', async () => {
    const backend = new FakeBackend();
    backend.loadError = { code: 'Internal', message: 'engine not started' };
    const state = new AgentState(backend);
    state.start();
    await vi.waitFor(() => {
      expect(state.loadError?.message).toBe('engine not started');
    });
    expect(state.view).toBeNull();

    backend.loadError = null;
    await state.load();
    expect(state.loadError).toBeNull();
    expect(state.view?.presence).toBe('Available');
  });

  it('stops listening when stopped', async () => {
    const backend = new FakeBackend();
    const { state, stop } = await started(backend);
    expect(backend.subscriberCount).toBe(1);
    stop();
    expect(backend.subscriberCount).toBe(0);
    backend.publish(agentView({ presence: 'Busy' }));
    expect(state.view?.presence).toBe('Available');
  });

  it('unsubscribes even when stopped before the subscription was set up', async () => {
    const backend = new FakeBackend();
    const state = new AgentState(backend);
    const stop = state.start();
    stop();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(backend.subscriberCount).toBe(0);
  });
});
