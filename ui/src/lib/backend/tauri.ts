import { invoke } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';
import type {
  AgentView,
  DemoView,
  AudioDevicesView,
  AudioLevelView,
  CallControl,
  DispatchableAddress,
  Presence,
  SupervisorDeskView,
} from '../../generated/wire';
import { BackendError, toUiError, type Backend, type Unsubscribe } from './backend';

/** Names shared with src-tauri. Changing one means changing the Rust side too. */
export const COMMAND_AGENT_VIEW = 'agent_view';
export const COMMAND_SET_PRESENCE = 'set_presence';
export const COMMAND_DIAL = 'dial';
export const COMMAND_HANG_UP = 'hang_up';
export const COMMAND_CALL_CONTROL = 'call_control';
export const COMMAND_ANSWER = 'answer';
export const COMMAND_SEND_DTMF = 'send_dtmf';
export const COMMAND_TRANSFER = 'transfer';
export const COMMAND_AUDIO_DEVICES = 'audio_devices';
export const COMMAND_SET_AUDIO_DEVICES = 'set_audio_devices';
export const COMMAND_CONFIRM_LOCATION = 'confirm_location';
export const COMMAND_AUDIO_LEVEL = 'audio_level';
export const COMMAND_DEMO_STATUS = 'demo_status';
export const COMMAND_DEMO_CALL_BACK = 'demo_call_back';
export const COMMAND_SUPERVISOR_VIEW = 'supervisor_view';
export const COMMAND_SUPERVISOR_SIGN_IN = 'supervisor_sign_in';
export const COMMAND_SUPERVISOR_ACKNOWLEDGE = 'supervisor_acknowledge';
export const COMMAND_SUPERVISOR_SIGN_OUT = 'supervisor_sign_out';
export const EVENT_AGENT_VIEW = 'agent-view';
export const EVENT_SUPERVISOR_VIEW = 'supervisor-view';

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (error) {
    throw new BackendError(toUiError(error));
  }
}

/** The backend inside the desktop app: Tauri IPC to the Rust engine. */
export class TauriBackend implements Backend {
  agentView(): Promise<AgentView> {
    return call<AgentView>(COMMAND_AGENT_VIEW);
  }

  setPresence(presence: Presence): Promise<AgentView> {
    return call<AgentView>(COMMAND_SET_PRESENCE, { presence });
  }

  dial(number: string): Promise<number> {
    return call<number>(COMMAND_DIAL, { number });
  }

  hangUp(callId: number): Promise<AgentView> {
    return call<AgentView>(COMMAND_HANG_UP, { call: callId });
  }

  answer(callId: number): Promise<AgentView> {
    return call<AgentView>(COMMAND_ANSWER, { call: callId });
  }

  sendDtmf(callId: number, digit: string): Promise<void> {
    return call<undefined>(COMMAND_SEND_DTMF, { call: callId, digit });
  }

  transfer(callId: number, number: string): Promise<AgentView> {
    return call<AgentView>(COMMAND_TRANSFER, { call: callId, number });
  }

  audioDevices(): Promise<AudioDevicesView> {
    return call<AudioDevicesView>(COMMAND_AUDIO_DEVICES);
  }

  setAudioDevices(input: string | null, output: string | null, ringer: string | null): Promise<AudioDevicesView> {
    return call<AudioDevicesView>(COMMAND_SET_AUDIO_DEVICES, { input, output, ringer });
  }

  audioLevel(): Promise<AudioLevelView> {
    return call<AudioLevelView>(COMMAND_AUDIO_LEVEL);
  }

  confirmLocation(address: DispatchableAddress): Promise<AgentView> {
    return call<AgentView>(COMMAND_CONFIRM_LOCATION, { address });
  }

  demoStatus(): Promise<DemoView | null> {
    return call<DemoView | null>(COMMAND_DEMO_STATUS);
  }

  async demoCallBack(): Promise<void> {
    await call<null>(COMMAND_DEMO_CALL_BACK);
  }

  callControl(callId: number, control: CallControl): Promise<AgentView> {
    return call<AgentView>(COMMAND_CALL_CONTROL, { call: callId, control });
  }

  supervisorView(): Promise<SupervisorDeskView> {
    return call<SupervisorDeskView>(COMMAND_SUPERVISOR_VIEW);
  }

  supervisorSignIn(url: string, username: string, password: string): Promise<SupervisorDeskView> {
    return call<SupervisorDeskView>(COMMAND_SUPERVISOR_SIGN_IN, { url, username, password });
  }

  async supervisorAcknowledge(alertId: string): Promise<void> {
    await call<null>(COMMAND_SUPERVISOR_ACKNOWLEDGE, { alert: alertId });
  }

  supervisorSignOut(): Promise<SupervisorDeskView> {
    return call<SupervisorDeskView>(COMMAND_SUPERVISOR_SIGN_OUT);
  }

  async onAgentView(handler: (view: AgentView) => void): Promise<Unsubscribe> {
    return once(await listen<AgentView>(EVENT_AGENT_VIEW, (e) => {
      handler(e.payload);
    }));
  }

  async onSupervisorView(handler: (view: SupervisorDeskView) => void): Promise<Unsubscribe> {
    return once(await listen<SupervisorDeskView>(EVENT_SUPERVISOR_VIEW, (e) => {
      handler(e.payload);
    }));
  }
}

/** An unlisten that is safe to call more than once, as {@link Unsubscribe} promises. */
function once(unlisten: () => void): Unsubscribe {
  let active = true;
  return () => {
    if (!active) return;
    active = false;
    unlisten();
  };
}

/** True when the page runs inside a Tauri webview. */
export function isTauri(win: object): boolean {
  return '__TAURI_INTERNALS__' in win;
}
