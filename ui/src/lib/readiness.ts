/**
 * The emergency-readiness indicator's state, from what the engine decided (E9). The
 * engine holds the rule; this only picks the colour and the words.
 */
import type { ReadinessView } from '../generated/wire';

export type ReadinessState = 'ready' | 'warning' | 'refused';

export function readinessState(r: ReadinessView): ReadinessState {
  if (r.callsRefused) return 'refused';
  return r.ready ? 'ready' : 'warning';
}

export function readinessLabel(state: ReadinessState): string {
  switch (state) {
    case 'ready':
      return '911 ready';
    case 'warning':
      return '911: check location';
    case 'refused':
      return '911 refused here';
  }
}
