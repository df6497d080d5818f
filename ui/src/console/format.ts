/** How the console writes times, durations and lists. */

/** `2026-11-22 08:15:03 UTC`: unambiguous for administrators in any time zone. */
export function formatTime(ms: number | null): string {
  if (ms === null) return '—';
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return '—';
  return `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** `m:ss`, or `h:mm:ss` from an hour on. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** Splits a comma or line separated list, trimmed, without empties. */
export function splitList(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export const PRODUCT_TYPE_LABELS = {
  BusinessCalling: 'Business Calling',
  VoiceConnector: 'Voice Connector',
} as const;

/**
 * A `datetime-local` value (`2026-11-23T14:30`) read as UTC, or null if unreadable.
 * The console shows and takes times in UTC, as it prints them.
 */
export function utcInputToMs(value: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? '0'));
  const back = new Date(ms);
  // Date.UTC rolls 2026-02-31 over to March; such a date was not a date.
  if (back.getUTCDate() !== Number(d) || back.getUTCMonth() !== Number(mo) - 1) return null;
  return ms;
}
