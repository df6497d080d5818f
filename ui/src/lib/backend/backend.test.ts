import { afterEach, describe, expect, it, vi } from 'vitest';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { emit } from '@tauri-apps/api/event';
import type { AgentView, UiError } from '../../generated/wire';
import { BackendError, toUiError } from './backend';
import { selectBackend } from './index';
import { TauriBackend } from './tauri';
import { agentView, supervisorDeskView } from './fake';

afterEach(() => {
  clearMocks();
});

describe('toUiError', () => {
  it('keeps the core’s typed error', () => {
    const raw: unknown = { code: 'PresenceLocked', message: 'Locked', extra: 1 };
    expect(toUiError(raw)).toEqual({ code: 'PresenceLocked', message: 'Locked' });
    expect(toUiError(new BackendError({ code: 'StorageCorrupt', message: 'bad file' }))).toEqual({
      code: 'StorageCorrupt',
      message: 'bad file',
    });
  });

  it('turns transport failures into Internal errors with a readable message', () => {
    expect(toUiError('command set_presence not found')).toEqual({
      code: 'Internal',
      message: 'command set_presence not found',
    });
    expect(toUiError(new Error('IPC down'))).toEqual({ code: 'Internal', message: 'IPC down' });
    expect(toUiError(undefined).code).toBe('Internal');
    expect(toUiError({ code: 42 }).code).toBe('Internal');
  });
});

describe('selectBackend', () => {
  it('uses Tauri IPC when the page runs in the Tauri webview', () => {
    expect(selectBackend({ __TAURI_INTERNALS__: {} })).toBeInstanceOf(TauriBackend);
  });

  it('has no transport in a plain browser yet', () => {
    expect(selectBackend({})).toBeNull();
  });
});

describe('TauriBackend', () => {
  it('calls the agent_view and set_presence commands with the wire arguments', async () => {
    const calls: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      if (cmd === 'agent_view') return agentView({ presence: 'Away' });
      if (cmd === 'set_presence') return agentView({ presence: 'Busy' });
      throw new Error(`unexpected command ${cmd}`);
    });
    const backend = new TauriBackend();

    expect((await backend.agentView()).presence).toBe('Away');
    expect((await backend.setPresence('Busy')).presence).toBe('Busy');
    expect(calls).toEqual([
      ['agent_view', {}],
      ['set_presence', { presence: 'Busy' }],
    ]);
  });

  it('rejects with the core’s UiError as a BackendError', async () => {
    const refusal: UiError = { code: 'PresenceLocked', message: 'Locked during an emergency call' };
    // Tauri rejects with the serialized Rust error: a plain object, not an Error.
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    mockIPC(() => Promise.reject(refusal));

    const error: unknown = await new TauriBackend().setPresence('Offline').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect((error as BackendError).uiError).toEqual(refusal);
  });

  it('delivers agent-view events until unsubscribed', async () => {
    mockIPC(() => undefined, { shouldMockEvents: true });
    const seen: AgentView[] = [];
    const stop = await new TauriBackend().onAgentView((view) => seen.push(view));

    await emit('agent-view', agentView({ presence: 'DoNotDisturb' }));
    await vi.waitFor(() => {
      expect(seen.map((v) => v.presence)).toEqual(['DoNotDisturb']);
    });

    stop();
    stop();
    await emit('agent-view', agentView({ presence: 'Offline' }));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(seen).toHaveLength(1);
  });

  it('calls the supervisor commands with their wire arguments and follows supervisor-view', async () => {
    const calls: [string, unknown][] = [];
    mockIPC(
      (cmd, args) => {
        calls.push([cmd, args]);
        if (cmd === 'supervisor_sign_in') return supervisorDeskView({ signedInAs: 'sam', role: 'Supervisor' });
        if (cmd === 'supervisor_acknowledge') return null;
        if (cmd === 'supervisor_sign_out' || cmd === 'supervisor_view') return supervisorDeskView();
        return undefined;
      },
      { shouldMockEvents: true },
    );
    const backend = new TauriBackend();
    const seen: boolean[] = [];
    const stop = await backend.onSupervisorView((view) => seen.push(view.alarm));

    expect((await backend.supervisorSignIn('http://bo:8080', 'sam', 'pw')).signedInAs).toBe('sam');
    await backend.supervisorAcknowledge('a1');
    expect((await backend.supervisorSignOut()).signedInAs).toBeNull();
    expect(calls.filter(([cmd]) => cmd.startsWith('supervisor_'))).toEqual([
      ['supervisor_sign_in', { url: 'http://bo:8080', username: 'sam', password: 'pw' }],
      ['supervisor_acknowledge', { alert: 'a1' }],
      ['supervisor_sign_out', {}],
    ]);
    await emit('supervisor-view', supervisorDeskView({ alarm: true }));
    await vi.waitFor(() => {
      expect(seen).toEqual([true]);
    });
    stop();
  });
});
