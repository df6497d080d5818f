import type { AgentView, CallControl, Presence, UiError } from '../generated/wire';
import { toUiError, type Backend, type Unsubscribe } from './backend/backend';

/**
 * The agent's state as the UI sees it: the latest view from the core, and what went wrong.
 * The core decides; this only asks and shows.
 */
export class AgentState {
  view = $state<AgentView | null>(null);
  /** The first view could not be loaded. */
  loadError = $state<UiError | null>(null);
  /** The last presence change was refused or failed. */
  presenceError = $state<UiError | null>(null);
  /** A presence change is in flight. */
  changingPresence = $state(false);
  /** The last call action (dial, hang up, control) was refused or failed. */
  callError = $state<UiError | null>(null);
  /** A dial request is in flight. */
  dialling = $state(false);

  readonly #backend: Backend;
  #request = 0;
  /** Number of views received from the core's event stream. */
  #events = 0;

  constructor(backend: Backend) {
    this.#backend = backend;
  }

  /**
   * Subscribes to the core's updates, then loads the first view.
   * Returns a function that stops the subscription, even if it is still being set up.
   */
  start(): () => void {
    // An object, not a `let`: it is flipped by the returned closure while the task awaits.
    const life = { stopped: false, unsubscribe: null as Unsubscribe | null };

    void (async () => {
      try {
        const unsubscribe = await this.#backend.onAgentView((view) => {
          if (life.stopped) return;
          this.#events += 1;
          this.view = view;
          this.loadError = null;
        });
        if (life.stopped) {
          unsubscribe();
          return;
        }
        life.unsubscribe = unsubscribe;
      } catch (error) {
        if (!life.stopped) this.loadError = toUiError(error);
        return;
      }
      await this.load();
    })();

    return () => {
      life.stopped = true;
      life.unsubscribe?.();
      life.unsubscribe = null;
    };
  }

  /** Loads the current view (again, after a failure). */
  async load(): Promise<void> {
    const eventsBefore = this.#events;
    try {
      const view = await this.#backend.agentView();
      // An event that arrived meanwhile is at least as new as this answer.
      if (this.#events === eventsBefore) this.view = view;
      this.loadError = null;
    } catch (error) {
      if (this.view === null) this.loadError = toUiError(error);
    }
  }

  /** True when the core currently allows the agent to change presence. */
  get canChangePresence(): boolean {
    return this.view !== null && !this.view.presenceLocked;
  }

  async setPresence(presence: Presence): Promise<void> {
    if (!this.canChangePresence) return;
    if (this.view?.presence === presence && !this.changingPresence) {
      this.presenceError = null;
      return;
    }
    const request = ++this.#request;
    this.changingPresence = true;
    try {
      const view = await this.#backend.setPresence(presence);
      if (request !== this.#request) return;
      this.view = view;
      this.presenceError = null;
    } catch (error) {
      if (request !== this.#request) return;
      this.presenceError = toUiError(error);
    } finally {
      if (request === this.#request) this.changingPresence = false;
    }
  }

  dismissPresenceError(): void {
    this.presenceError = null;
  }

  /** Places a call; true when the engine accepted it (the view then shows it). */
  async dial(number: string): Promise<boolean> {
    if (number.trim() === '' || this.dialling) return false;
    this.dialling = true;
    try {
      await this.#backend.dial(number);
      this.callError = null;
      return true;
    } catch (error) {
      this.callError = toUiError(error);
      return false;
    } finally {
      this.dialling = false;
    }
  }

  async hangUp(call: number): Promise<void> {
    await this.#callAction(() => this.#backend.hangUp(call));
  }

  async transfer(call: number, number: string): Promise<void> {
    await this.#callAction(() => this.#backend.transfer(call, number));
  }

  async answer(call: number): Promise<void> {
    await this.#callAction(() => this.#backend.answer(call));
  }

  async sendDtmf(call: number, digit: string): Promise<void> {
    try {
      await this.#backend.sendDtmf(call, digit);
    } catch (error) {
      this.callError = toUiError(error);
    }
  }

  async control(call: number, control: CallControl): Promise<void> {
    await this.#callAction(() => this.#backend.callControl(call, control));
  }

  dismissCallError(): void {
    this.callError = null;
  }

  async #callAction(action: () => Promise<AgentView>): Promise<void> {
    try {
      this.view = await action();
      this.callError = null;
    } catch (error) {
      this.callError = toUiError(error);
    }
  }
}
