/**
 * An in-memory backend for vitest. Not imported by the application code.
 * It mimics the core's observable behaviour: presence changes are refused while locked,
 * every accepted change is published to subscribers.
 */
import type { AgentView, Presence, UiError } from '../../generated/wire';
import { BackendError, type Backend, type Unsubscribe } from './backend';

export function agentView(overrides: Partial<AgentView> = {}): AgentView {
  return {
    presence: 'Available',
    presenceLocked: false,
    dataDir: '/home/agent/.local/share/softphone',
    storageProblem: null,
    ...overrides,
  };
}

export class FakeBackend implements Backend {
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
