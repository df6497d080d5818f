/**
 * The one interface between the UI and whatever runs the agent's session.
 *
 * Transports:
 * - `TauriBackend` (./tauri.ts): Tauri IPC (`invoke` and `listen`) inside the desktop app.
 * - HTTP + WebSocket: for the web console served by the back office to a browser. It is
 *   not written yet; it will implement this same interface, so components never know
 *   which transport they talk to.
 * - `FakeBackend` (./fake.ts): in memory, for vitest only.
 *
 * All wire types come from `src/generated/wire.ts`, generated from the Rust edge types.
 */
import type {
  AgentView,
  AudioDevicesView,
  AudioLevelView,
  CallControl,
  DemoView,
  DispatchableAddress,
  Presence,
  SupervisorDeskView,
  UiError,
} from '../../generated/wire';

/** Stops a subscription. Safe to call more than once. */
export type Unsubscribe = () => void;

export interface Backend {
  /** The agent's current view (Tauri command `agent_view`). */
  agentView(): Promise<AgentView>;

  /**
   * Asks the core to change the agent's presence (Tauri command `set_presence`).
   * Resolves with the new view; rejects with a {@link BackendError} carrying the
   * core's typed error (for example `PresenceLocked`).
   */
  setPresence(presence: Presence): Promise<AgentView>;

  /**
   * Places a call to what the agent typed (Tauri command `dial`); `911` and `933` too.
   * Resolves with the new call's id as soon as the INVITE is on its way; rejects with
   * the core's refusal (for example `InvalidInput` for text that is not a number).
   */
  dial(number: string): Promise<number>;

  /** Ends a call, or dismisses an ended call's card (Tauri command `hang_up`). */
  hangUp(call: number): Promise<AgentView>;

  /** Answers a ringing inbound call (Tauri command `answer`). */
  answer(call: number): Promise<AgentView>;

  /** Sends a keypad digit during a call (Tauri command `send_dtmf`). */
  sendDtmf(call: number, digit: string): Promise<void>;

  /** Blind transfer to a number (Tauri command `transfer`); the core may refuse it. */
  transfer(call: number, number: string): Promise<AgentView>;

  /** The sound devices and the current choice (Tauri command `audio_devices`). */
  audioDevices(): Promise<AudioDevicesView>;

  /** Chooses microphone, speaker and ringer; `null` is the system default (`set_audio_devices`). */
  setAudioDevices(input: string | null, output: string | null, ringer: string | null): Promise<AudioDevicesView>;

  /**
   * The microphone's level and the hot-plug counter (Tauri command `audio_level`). The
   * device panel asks about ten times a second while it is open, and only then.
   */
  audioLevel(): Promise<AudioLevelView>;

  /**
   * Confirms (or corrects) the agent's dispatchable address (Tauri command
   * `confirm_location`); rejects with the field named when it is not usable (E9).
   */
  confirmLocation(address: DispatchableAddress): Promise<AgentView>;

  /** Demo mode's banner; `null` when the app runs against a configured account (`demo_status`). */
  demoStatus(): Promise<DemoView | null>;

  /** Demo mode: the built-in emergency center calls the callback number back (`demo_call_back`). */
  demoCallBack(): Promise<void>;

  /** The Supervisor panel: signed out with the configured back office, or live (`supervisor_view`). */
  supervisorView(): Promise<SupervisorDeskView>;

  /**
   * Signs in to the back office as a supervisor or administrator (`supervisor_sign_in`);
   * rejects with `BadCredentials`, `WrongRole`, `BackofficeUnreachable` or `InvalidInput`
   * naming the field.
   */
  supervisorSignIn(url: string, username: string, password: string): Promise<SupervisorDeskView>;

  /** E11: acknowledges an emergency alert (`supervisor_acknowledge`); the feed then shows it. */
  supervisorAcknowledge(alertId: string): Promise<void>;

  /** Leaves the Supervisor panel's session; its alert sound stops (`supervisor_sign_out`). */
  supervisorSignOut(): Promise<SupervisorDeskView>;

  /** Every new Supervisor panel view (Tauri event `supervisor-view`). */
  onSupervisorView(handler: (view: SupervisorDeskView) => void): Promise<Unsubscribe>;

  /** Mute, hold, resume... as the core allows for this call (Tauri command `call_control`). */
  callControl(call: number, control: CallControl): Promise<AgentView>;

  /**
   * Calls `handler` with every new view the core publishes (Tauri event `agent-view`).
   * Resolves once the subscription is active.
   */
  onAgentView(handler: (view: AgentView) => void): Promise<Unsubscribe>;
}

/** A typed error from the backend. The UI branches on `code`, never on the message. */
export class BackendError extends Error {
  readonly uiError: UiError;

  constructor(uiError: UiError) {
    super(uiError.message);
    this.name = 'BackendError';
    this.uiError = uiError;
  }
}

function isUiError(value: unknown): value is UiError {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.code === 'string' && typeof v.message === 'string';
}

/**
 * Normalises anything a transport may reject with into a {@link UiError}: the core's own
 * `{code, message}` object is kept as is; anything else (a transport failure, a string
 * from the IPC layer) becomes an `Internal` error with a readable message.
 */
export function toUiError(error: unknown): UiError {
  if (error instanceof BackendError) return error.uiError;
  if (isUiError(error)) return { code: error.code, message: error.message };
  if (error instanceof Error && error.message) return { code: 'Internal', message: error.message };
  if (typeof error === 'string' && error) return { code: 'Internal', message: error };
  return { code: 'Internal', message: 'Unexpected error from the backend.' };
}
