import type { Backend } from './backend';
import { isTauri, TauriBackend } from './tauri';

export type { Backend, Unsubscribe } from './backend';
export { BackendError, toUiError } from './backend';

/**
 * Picks the transport at start-up: Tauri IPC when the page runs in the desktop app.
 * Returns null elsewhere until the HTTP + WebSocket transport for the browser console
 * exists; the UI then says so instead of pretending.
 */
export function selectBackend(win: object): Backend | null {
  if (isTauri(win)) return new TauriBackend();
  return null;
}
