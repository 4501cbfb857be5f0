/**
 * The one rule for the service's time stamps: they are UTC. The docs' examples end in `Z`
 * (`2026-03-04T10:11:12.1234567Z`), but a proxy, a cache or an older version may drop it
 * (`2026-03-04T10:11:12.1234567`). JavaScript reads a date-time without a zone as the n8n
 * server's local time, which on a server in Berlin or Mumbai places every change hours off;
 * so a zone-less stamp is read with `Z` added, never by Date.parse alone.
 */

/** A date and time without Z or an offset (the date alone is UTC in JavaScript already). */
const ZONELESS_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?$/;

/** The stamp as UTC text: `Z` added to a zone-less date-time, anything else as it is. */
export function asUtcStamp(value: string): string {
	return ZONELESS_DATE_TIME.test(value) ? `${value.replace(',', '.')}Z` : value;
}

/** A service time stamp in epoch milliseconds (NaN when it is not a readable time). */
export function serviceTimeMs(value: unknown): number {
	return typeof value === 'string' ? Date.parse(asUtcStamp(value.trim())) : Number.NaN;
}
