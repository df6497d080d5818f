/**
 * An in-memory backend for vitest. Not imported by the application code.
 * It mimics the core's observable behaviour: presence changes are refused while locked,
 * every accepted change is published to subscribers.
 */
import type {
  AgentView,
  AudioDevicesView,
  AudioLevelView,
  CallControl,
  CallView,
  DemoView,
  DispatchableAddress,
  Presence,
  SupervisorDeskView,
  UiError,
} from '../../generated/wire';
import { BackendError, type Backend, type Unsubscribe } from './backend';

export function agentView(overrides: Partial<AgentView> = {}): AgentView {
  return {
    presence: 'Available',
    presenceLocked: false,
    dataDir: '/home/agent/.local/share/softphone',
    storageProblem: null,
    calls: [],
    registration: { state: 'Registered', account: 'agent1001@pbx.test', detail: null },
    history: [],
    recordings: [],
    callbackWindow: null,
    configProblem: null,
    readiness: {
      ready: true,
      locationConfirmed: true,
      countryStatus: 'UsOrPuertoRico',
      country: 'US',
      countrySource: 'from the geolocation service',
      callsRefused: false,
      problems: [],
      lastTest: null,
    },
    location: {
      address: { number: '400', street: 'Pine St', city: 'Seattle', state: 'WA', zip: '98101', floor: '3', room: null, country: 'US' },
      confirmed: true,
      needsConfirmation: false,
      reason: null,
    },
    ...overrides,
  };
}

export function callView(overrides: Partial<CallView> = {}): CallView {
  return {
    id: 1,
    direction: 'Outbound',
    remote: '+12065550142',
    state: 'Connected',
    emergency: false,
    emergencyCallback: false,
    muted: false,
    recording: false,
    startedAt: 1_000,
    answeredAt: 2_000,
    controls: ['AudioDevices', 'EndCall', 'Mute', 'Hold', 'Transfer', 'Dialpad'],
    panel: null,
    outcome: null,
    quality: null,
    problem: null,
    ...overrides,
  };
}

export function supervisorDeskView(overrides: Partial<SupervisorDeskView> = {}): SupervisorDeskView {
  return {
    revision: 0,
    backofficeUrl: 'http://127.0.0.1:8080',
    signedInAs: null,
    role: null,
    connected: false,
    problem: null,
    alarm: false,
    alerts: [],
    conversations: [],
    presence: [],
    ...overrides,
  };
}

const EMERGENCY = new Set(['911', '933']);

export class FakeBackend implements Backend {
  /** Every number the UI dialled, in order. */
  readonly dialled: string[] = [];
  /** Every call control the UI asked for, in order. */
  readonly controlRequests: [number, CallControl][] = [];
  #nextCall = 0;

  view: AgentView;
  /** Every presence the UI asked for, in order. */
  readonly presenceRequests: Presence[] = [];
  /** Number of `agentView` calls. */
  agentViewCalls = 0;
  /** When set, the next `setPresence` rejects with it (once). */
  nextError: UiError | null = null;
  /** When set, `agentView` rejects with it. */
  loadError: UiError | null = null;
  private handlers = new Set<(view: AgentView) => void>();

  constructor(view: AgentView = agentView()) {
    this.view = view;
  }

  get subscriberCount(): number {
    return this.handlers.size;
  }

  agentView(): Promise<AgentView> {
    this.agentViewCalls += 1;
    if (this.loadError) return Promise.reject(new BackendError(this.loadError));
    return Promise.resolve({ ...this.view });
  }

  setPresence(presence: Presence): Promise<AgentView> {
    this.presenceRequests.push(presence);
    if (this.nextError) {
      const error = this.nextError;
      this.nextError = null;
      return Promise.reject(new BackendError(error));
    }
    if (this.view.presenceLocked) {
      return Promise.reject(
        new BackendError({ code: 'PresenceLocked', message: 'Presence is locked during an emergency call.' }),
      );
    }
    this.publish({ ...this.view, presence });
    return Promise.resolve({ ...this.view });
  }

  dial(number: string): Promise<number> {
    this.dialled.push(number);
    if (this.nextError) {
      const error = this.nextError;
      this.nextError = null;
      return Promise.reject(new BackendError(error));
    }
    const id = ++this.#nextCall;
    const emergency = EMERGENCY.has(number.trim());
    const call = callView({
      id,
      remote: number.trim(),
      state: 'Dialling',
      answeredAt: null,
      emergency,
      controls: emergency ? ['AudioDevices', 'EndCall'] : ['AudioDevices', 'EndCall', 'Notes'],
      panel: emergency
        ? { callbackNumber: '+12065550100', callbackSource: 'agent', location: '400 Pine St, Seattle, WA 98101, US', dialled: number.trim(), route: null }
        : null,
    });
    this.publish({
      ...this.view,
      calls: [...this.view.calls, call],
      ...(emergency ? { presence: 'DoNotDisturb', presenceLocked: true } : {}),
    });
    return Promise.resolve(id);
  }

  hangUp(call: number): Promise<AgentView> {
    const found = this.view.calls.find((c) => c.id === call);
    if (!found) return Promise.reject(new BackendError({ code: 'UnknownCall', message: `There is no call ${call}.` }));
    const others = this.view.calls.filter((c) => c.id !== call);
    const unlock = found.emergency ? { presence: 'Available' as Presence, presenceLocked: false } : {};
    this.publish({ ...this.view, calls: others, ...unlock });
    return Promise.resolve({ ...this.view });
  }

  /** Every digit sent, in order. */
  readonly digits: string[] = [];

  answer(call: number): Promise<AgentView> {
    const calls = this.view.calls.map((c) =>
      c.id === call ? { ...c, state: 'Connected' as const, answeredAt: Date.now(), controls: callView().controls } : c,
    );
    this.publish({ ...this.view, calls });
    return Promise.resolve({ ...this.view });
  }

  /** Every transfer asked for, in order. */
  readonly transfers: [number, string][] = [];

  transfer(call: number, number: string): Promise<AgentView> {
    this.transfers.push([call, number]);
    this.publish({ ...this.view, calls: this.view.calls.map((c) => (c.id === call ? { ...c, state: 'Ended' as const } : c)) });
    return Promise.resolve({ ...this.view });
  }

  devices: AudioDevicesView = {
    inputs: [
      { id: 'mic-1', name: 'Built-in microphone', isDefault: true },
      { id: 'mic-2', name: 'USB headset', isDefault: false },
    ],
    outputs: [
      { id: 'spk-1', name: 'Built-in speakers', isDefault: true },
      { id: 'bell-1', name: 'Desk speaker', isDefault: false },
    ],
    input: null,
    output: null,
    ringer: null,
    problem: null,
    notice: null,
  };

  /** What `audioLevel` answers; tests change it to move the meter or signal hot-plug. */
  level: AudioLevelView = { rmsDbfs: -96, peakDbfs: -96, live: false, devicesVersion: 0, notice: null };

  /** How many times the level was asked for. */
  levelRequests = 0;

  audioLevel(): Promise<AudioLevelView> {
    this.levelRequests += 1;
    return Promise.resolve({ ...this.level });
  }

  audioDevices(): Promise<AudioDevicesView> {
    return Promise.resolve({ ...this.devices });
  }

  setAudioDevices(input: string | null, output: string | null, ringer: string | null): Promise<AudioDevicesView> {
    this.devices = { ...this.devices, input, output, ringer };
    return Promise.resolve({ ...this.devices });
  }

  sendDtmf(_call: number, digit: string): Promise<void> {
    this.digits.push(digit);
    return Promise.resolve();
  }

  /** Demo mode as `demoStatus` answers it; tests set it (null: a configured account). */
  demo: DemoView | null = null;

  /** How many times the built-in center was asked to call back. */
  demoCallBacks = 0;

  demoStatus(): Promise<DemoView | null> {
    return Promise.resolve(this.demo ? { ...this.demo } : null);
  }

  demoCallBack(): Promise<void> {
    if (!this.demo) {
      return Promise.reject(new BackendError({ code: 'NotAllowed', message: 'The app is not in demo mode.' }));
    }
    this.demoCallBacks += 1;
    return Promise.resolve();
  }

  /** The Supervisor panel as the desk would show it; `publishSupervisor` changes it. */
  supervisor: SupervisorDeskView = supervisorDeskView();
  /** The password the fake back office accepts for `sam` (a supervisor); `agnes` is an agent. */
  supervisorPassword = 'secret';
  /** Every alert acknowledged, in order. */
  readonly acknowledged: string[] = [];
  readonly supervisorHandlers = new Set<(view: SupervisorDeskView) => void>();

  supervisorView(): Promise<SupervisorDeskView> {
    return Promise.resolve({ ...this.supervisor });
  }

  supervisorSignIn(url: string, username: string, password: string): Promise<SupervisorDeskView> {
    const refuse = (error: UiError) => Promise.reject(new BackendError(error));
    if (!/^https?:\/\//.test(url.trim())) {
      return refuse({ code: 'InvalidInput', message: 'The back office address must start with http:// or https://.', field: 'url' });
    }
    if (password !== this.supervisorPassword) {
      return refuse({ code: 'BadCredentials', message: 'the back office refused the sign-in (HTTP 401): wrong user name or password?' });
    }
    if (username !== 'sam') {
      return refuse({ code: 'WrongRole', message: `${username} signed in as Agent: the Supervisor view needs the supervisor or administrator role` });
    }
    this.publishSupervisor({ ...this.supervisor, backofficeUrl: url, signedInAs: username, role: 'Supervisor', connected: true });
    return Promise.resolve({ ...this.supervisor });
  }

  supervisorAcknowledge(alertId: string): Promise<void> {
    this.acknowledged.push(alertId);
    const alerts = this.supervisor.alerts.map((a) => (a.id === alertId ? { ...a, acknowledgedBy: this.supervisor.signedInAs } : a));
    this.publishSupervisor({ ...this.supervisor, alerts, alarm: alerts.some((a) => a.acknowledgedBy === null) });
    return Promise.resolve();
  }

  supervisorSignOut(): Promise<SupervisorDeskView> {
    this.publishSupervisor(supervisorDeskView({ backofficeUrl: this.supervisor.backofficeUrl }));
    return Promise.resolve({ ...this.supervisor });
  }

  onSupervisorView(handler: (view: SupervisorDeskView) => void): Promise<Unsubscribe> {
    this.supervisorHandlers.add(handler);
    return Promise.resolve(() => {
      this.supervisorHandlers.delete(handler);
    });
  }

  /** Changes the panel as the desk would, and emits the `supervisor-view` event. */
  publishSupervisor(view: SupervisorDeskView): void {
    this.supervisor = { ...view, revision: this.supervisor.revision + 1 };
    for (const handler of [...this.supervisorHandlers]) handler({ ...this.supervisor });
  }

  /** Every address confirmed, in order. */
  readonly confirmedAddresses: DispatchableAddress[] = [];

  /** Refuses a ZIP that is not five digits, naming the field, as the engine does. */
  confirmLocation(address: DispatchableAddress): Promise<AgentView> {
    if (!/^\d{5}(-\d{4})?$/.test(address.zip.trim())) {
      return Promise.reject(new BackendError({ code: 'InvalidInput', message: 'Enter a five-digit ZIP code.', field: 'zip' }));
    }
    this.confirmedAddresses.push(address);
    this.publish({
      ...this.view,
      location: { address, confirmed: true, needsConfirmation: false, reason: null },
      readiness: { ...this.view.readiness, locationConfirmed: true },
    });
    return Promise.resolve({ ...this.view });
  }

  callControl(call: number, control: CallControl): Promise<AgentView> {
    this.controlRequests.push([call, control]);
    const calls = this.view.calls.map((c) => {
      if (c.id !== call) return c;
      if (control === 'Mute') return { ...c, muted: !c.muted };
      if (control === 'Record') return { ...c, recording: true, controls: c.controls.filter((x) => x !== 'Record') };
      if (control === 'Hold') return { ...c, state: 'OnHold' as const, controls: ['AudioDevices', 'EndCall', 'Resume'] as CallControl[] };
      if (control === 'Resume') return { ...c, state: 'Connected' as const, controls: callView().controls };
      return c;
    });
    this.publish({ ...this.view, calls });
    return Promise.resolve({ ...this.view });
  }

  onAgentView(handler: (view: AgentView) => void): Promise<Unsubscribe> {
    this.handlers.add(handler);
    return Promise.resolve(() => {
      this.handlers.delete(handler);
    });
  }

  /** Changes the state as the core would, and emits the `agent-view` event. */
  publish(view: AgentView): void {
    this.view = view;
    for (const handler of [...this.handlers]) handler({ ...view });
  }
}
