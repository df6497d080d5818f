/**
 * One user action in flight: whether it is running (for progress and to disable the
 * button), and where its refusal goes (next to a field, or above the form).
 */
import { untrack } from 'svelte';
import { formErrors, NO_ERRORS, type FormErrors } from './fields';

export class Task {
  busy = $state(false);
  errors = $state<FormErrors>(NO_ERRORS);

  constructor(
    /** The form's field names that can show an error of their own. */
    private readonly fields: readonly string[] = [],
    private readonly aliases: Readonly<Record<string, string>> = {},
  ) {}

  /** The error shown next to `field`, if any. */
  fieldError(field: string): string | undefined {
    return this.errors.byField[field];
  }

  clear(): void {
    this.errors = NO_ERRORS;
  }

  /**
   * Runs `work` unless already running; on failure keeps the placed error and returns
   * undefined. A second click while busy does nothing.
   */
  run<T>(work: () => Promise<T>): Promise<T | undefined> {
    // Started from an effect, the busy check would make that effect depend on `busy`
    // and start the work again each time it finishes: an endless reload that kept
    // the pages' lists busy and dropped the admin's own actions.
    return untrack(() => this.runTracked(work));
  }

  private async runTracked<T>(work: () => Promise<T>): Promise<T | undefined> {
    if (this.busy) return undefined;
    this.busy = true;
    this.errors = NO_ERRORS;
    try {
      return await work();
    } catch (e) {
      this.errors = formErrors(e, this.fields, this.aliases);
      return undefined;
    } finally {
      this.busy = false;
    }
  }
}
