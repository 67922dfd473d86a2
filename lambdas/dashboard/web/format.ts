/** How numbers and times read on the pages (fixed locale, so tests and screenshots do not depend on the machine's). */
export { displayCents } from "#bank/money";

const counts = new Intl.NumberFormat("en-US");
export const formatCount = (n: number): string => counts.format(n);

/** `2026-11-29T12:34:56.789Z` → `2026-11-29 12:34:56 UTC`; anything else as given. */
export function formatTime(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})/.exec(iso);
  return m === null ? iso : `${m[1]} ${m[2]} UTC`;
}

export const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));
