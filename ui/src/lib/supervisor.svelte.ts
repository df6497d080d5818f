import type { SupervisorDeskView, UiError } from '../generated/wire';
import { toUiError, type Backend, type Unsubscribe } from './backend/backend';

/**
 * The Supervisor panel's state: the desk's latest view (the back office's live feed,
 * followed in Rust) and what went wrong with the last request. The alert sound is the
 * engine's; this only shows.
 */
export class SupervisorState {
  view = $state<SupervisorDeskView | null>(null);
  /** The last sign-in, acknowledgement or sign-out was refused or failed. */
  error = $state<UiError | null>(null);
  /** A sign-in is in flight. */
  signingIn = $state(false);
  /** Alerts whose acknowledgement is in flight. */
  acknowledging = $state<string[]>([]);

  readonly #backend: Backend;

  constructor(backend: Backend) {
    this.#backend = backend;
  }

  /** Follows the desk's views and loads the current one; returns the stop function. */
  start(): () => void {
    const life = { stopped: false, unsubscribe: null as Unsubscribe | null };
    void (async () => {
      try {
        life.unsubscribe = await this.#backend.onSupervisorView((view) => {
          if (!life.stopped) this.#accept(view);
        });
        if (life.stopped) life.unsubscribe();
        const view = await this.#backend.supervisorView();
        if (!life.stopped) this.#accept(view);
      } catch (error) {
        if (!life.stopped) this.error = toUiError(error);
      }
    })();
    return () => {
      life.stopped = true;
      life.unsubscribe?.();
    };
  }

  /**
   * Keeps `view` unless a newer one is already shown: a command's reply can arrive
   * after the event that followed it (the feed opening right after a sign-in).
   */
  #accept(view: SupervisorDeskView): void {
    if (this.view === null || view.revision >= this.view.revision) this.view = view;
  }

  /** Alerts still waiting for a supervisor (E11): the number on the panel's button. */
  get unacknowledged(): number {
    return this.view?.alerts.filter((a) => a.acknowledgedBy === null).length ?? 0;
  }

  async signIn(url: string, username: string, password: string): Promise<boolean> {
    this.signingIn = true;
    this.error = null;
    try {
      this.#accept(await this.#backend.supervisorSignIn(url, username, password));
      return true;
    } catch (error) {
      this.error = toUiError(error);
      return false;
    } finally {
      this.signingIn = false;
    }
  }

  async acknowledge(alertId: string): Promise<void> {
    this.acknowledging = [...this.acknowledging, alertId];
    this.error = null;
    try {
      await this.#backend.supervisorAcknowledge(alertId);
    } catch (error) {
      this.error = toUiError(error);
    } finally {
      this.acknowledging = this.acknowledging.filter((id) => id !== alertId);
    }
  }

  async signOut(): Promise<void> {
    this.error = null;
    try {
      this.#accept(await this.#backend.supervisorSignOut());
    } catch (error) {
      this.error = toUiError(error);
    }
  }
}
