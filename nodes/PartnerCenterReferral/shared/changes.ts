/**
 * Change detection of the polling trigger, kept free of n8n so it can be reasoned about
 * (and tested) on its own.
 *
 * Each poll lists the referrals updated at or after `from` (the window start). `from`
 * follows the service's clock, never the referrals' stamps: after a poll it is the
 * service's time minus OVERLAP_MS (for late writes and clock skew), and it never moves
 * backwards. One stamp far in the future therefore cannot move it past changes still to come.
 *
 * The state remembers every referral version inside the next window, because the next poll
 * lists those again: a version (id + updatedDateTime + eTag) fires once. At most MAX_WINDOW
 * are kept that way; past that, `from` moves forward beyond the oldest of them, so what is
 * forgotten is never listed again (and the caller says so in the log). Besides the window, the
 * most recently updated other referrals are remembered, MAX_REMEMBERED in all, for their status.
 */
import type { IDataObject } from 'n8n-workflow';

export type TriggerEvent = 'referralCreated' | 'referralUpdated' | 'statusChanged';

/** How far before the service's time each window starts (late writes, clock skew). */
export const OVERLAP_MS = 5 * 60 * 1000;

/** How far behind n8n's clock the service's clock (its Date header) is believed to be, at most. */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

/** Most referral versions remembered inside the window (beyond it, the window start moves on). */
export const MAX_WINDOW = 10_000;

/** Referrals remembered in all when the window holds fewer: the most recently updated ones. */
export const MAX_REMEMBERED = 2000;

const DAY_MS = 86_400_000;

/**
 * A remembered referral version: updatedDateTime (ms), a hash of its eTag, its status and
 * substatus. A tuple rather than an object with named keys, because static data holds up to
 * MAX_WINDOW of them (about 80 bytes each); the names are on the type.
 */
export type SeenVersion = [updatedMs: number, eTag: string, status: string, substatus: string];

export interface TriggerState {
	/** The state's format (1: `seen` held objects with ISO stamps). */
	version: 2;
	/** ISO time: the next poll lists referrals updated at or after this. */
	from: string;
	seen: Record<string, SeenVersion>;
}

export interface Change {
	referral: IDataObject;
	event: TriggerEvent;
	previousStatus: string | null;
	previousSubstatus: string | null;
}

export interface Detection {
	changes: Change[];
	state: TriggerState;
	/** Set when more than MAX_WINDOW versions were inside the window and `from` moved past some. */
	overflow?: { inWindow: number; from: string };
}

/**
 * The first window. Without a look-back it starts early enough to cover a service clock up to
 * MAX_CLOCK_SKEW_MS behind, and the caller fires nothing from it: it is the baseline of what
 * existed at activation.
 */
export function startState(nowMs: number, lookbackDays: number): TriggerState {
	const start = lookbackDays > 0 ? nowMs - lookbackDays * DAY_MS : nowMs - MAX_CLOCK_SKEW_MS - OVERLAP_MS;
	return { version: 2, from: new Date(start).toISOString(), seen: {} };
}

/** The state found in static data: this format, the previous one converted, or undefined. */
export function readState(value: unknown): TriggerState | undefined {
	if (typeof value !== 'object' || value === null) return undefined;
	const { version, from, seen } = value as Record<string, unknown>;
	if (typeof from !== 'string' || typeof seen !== 'object' || seen === null) return undefined;
	if (version === 2) return value as TriggerState;
	const converted: Record<string, SeenVersion> = {};
	// version 1 kept { u: updatedDateTime, e: eTag, s: status, ss: substatus } per referral
	for (const [id, old] of Object.entries(seen as Record<string, IDataObject>)) {
		converted[id] = [stamp(old.u), eTagKey(old.e), stringOrNull(old.s) ?? '', stringOrNull(old.ss) ?? ''];
	}
	return { version: 2, from, seen: converted };
}

/**
 * The service's time when the poll started: n8n's time `localMs`, corrected by the Date header
 * of the first response (received at n8n's time `receivedMs`). Trusted only towards the past,
 * however far: a Date behind n8n's clock (the service's clock is behind, or n8n's runs ahead)
 * only keeps the window start back, which can cost listing work but never misses a change (and
 * the remembered state stays bounded by MAX_WINDOW). A Date ahead of n8n's clock is not needed:
 * a window started by n8n's clock just starts earlier.
 */
export function serviceClock(localMs: number, response?: { date: unknown; receivedMs: number }): number {
	const date = response ? time(response.date) : Number.NaN;
	if (!response || Number.isNaN(date)) return localMs;
	return Math.min(localMs, localMs + (date - response.receivedMs));
}

/** A string the service sent, as it is (compared with others, so not trimmed); else null. */
function stringOrNull(value: unknown): string | null {
	return typeof value === 'string' && value !== '' ? value : null;
}

function time(value: unknown): number {
	return typeof value === 'string' ? Date.parse(value) : Number.NaN;
}

/** updatedDateTime in ms (0 when it cannot be read: such a version is never inside a window). */
function stamp(value: unknown): number {
	const parsed = time(value);
	return Number.isNaN(parsed) ? 0 : parsed;
}

/** A short, stable stand-in for an eTag (FNV-1a): only compared with the same referral's. */
function eTagKey(value: unknown): string {
	const eTag = stringOrNull(value);
	if (eTag === null) return '';
	let hash = 0x811c9dc5;
	for (let index = 0; index < eTag.length; index++) {
		hash ^= eTag.charCodeAt(index);
		hash = Math.imul(hash, 0x01000193) >>> 0;
	}
	return hash.toString(36);
}

function versionOf(referral: IDataObject): SeenVersion {
	return [
		stamp(referral.updatedDateTime),
		eTagKey(referral.eTag),
		stringOrNull(referral.status) ?? '',
		stringOrNull(referral.substatus) ?? '',
	];
}

/**
 * Whether `version` is one not seen yet: a later stamp, or the same stamp with another eTag.
 * An earlier stamp is a lagging read, unless the remembered one lies beyond any clock skew
 * (a service clock glitch): then another eTag is a new version, or every change after the
 * glitch would be missed until its date.
 */
function isNewVersion(
	[updatedMs, eTag]: SeenVersion,
	[updatedBeforeMs, eTagBefore]: SeenVersion,
	serviceNowMs: number,
): boolean {
	if (updatedMs > updatedBeforeMs) return true;
	if (eTag === eTagBefore) return false;
	return updatedMs === updatedBeforeMs || updatedBeforeMs > serviceNowMs + MAX_CLOCK_SKEW_MS;
}

/** Whether status `target` ("Closed" or "Closed/Won") matches a referral's state. */
export function matchesTarget(targets: string[], status: string | null, substatus: string | null): boolean {
	if (targets.length === 0) return true;
	const state = `${status ?? ''}/${substatus ?? ''}`.toLowerCase();
	return targets.some((target) => {
		const wanted = target.toLowerCase();
		return wanted.includes('/') ? wanted === state : wanted === (status ?? '').toLowerCase();
	});
}

/** The latest listed version of each referral (a referral updated during the listing appears twice). */
function latestById(referrals: Iterable<IDataObject>): Map<string, IDataObject> {
	const latest = new Map<string, IDataObject>();
	for (const referral of referrals) {
		const id = stringOrNull(referral.id);
		if (id === null) continue;
		const previous = latest.get(id);
		if (!previous || stamp(referral.updatedDateTime) >= stamp(previous.updatedDateTime)) latest.set(id, referral);
	}
	return latest;
}

/**
 * Decides which of the listed referrals fire for `event`, and returns the next state.
 * `referrals` are everything the poll listed (updated since `state.from`); `serviceNowMs` is
 * the service's time when the poll started (see serviceClock).
 */
export function detectChanges(
	state: TriggerState,
	referrals: Iterable<IDataObject>,
	event: TriggerEvent,
	targetStatuses: string[],
	serviceNowMs: number,
): Detection {
	const windowStart = time(state.from);
	const seen: Record<string, SeenVersion> = { ...state.seen };
	const changes: Change[] = [];
	for (const [id, referral] of latestById(referrals)) {
		const version = versionOf(referral);
		// listed although updated before the window (a service that ignored the filter): no change of this window
		if (version[0] !== 0 && version[0] < windowStart) continue;
		const before = state.seen[id] as SeenVersion | undefined;
		// seen already, or older than what was seen (a lagging read): nothing new
		if (before && !isNewVersion(version, before, serviceNowMs)) continue;
		seen[id] = version;
		if (firesFor(event, targetStatuses, referral, version, before, windowStart)) {
			const [, , statusBefore, substatusBefore] = before ?? [];
			changes.push({ referral, event, previousStatus: statusBefore || null, previousSubstatus: substatusBefore || null });
		}
	}
	changes.sort((a, b) => stamp(a.referral.updatedDateTime) - stamp(b.referral.updatedDateTime));
	return { changes, ...nextWindow(seen, windowStart, serviceNowMs) };
}

/**
 * Whether a new version fires. A referral not remembered is new when it was created inside the
 * window. For Status Changed, a remembered referral fires when its status or substatus differs;
 * one not remembered only on evidence that its status was reached inside the window: it was
 * created there and is no longer New, or the stamp of its status (acceptedDateTime for Active,
 * closedDateTime for Closed) is inside it. Without evidence it is remembered silently.
 */
function firesFor(
	event: TriggerEvent,
	targets: string[],
	referral: IDataObject,
	version: SeenVersion,
	before: SeenVersion | undefined,
	windowStart: number,
): boolean {
	const created = !before && time(referral.createdDateTime) >= windowStart;
	if (event === 'referralCreated') return created;
	if (event === 'referralUpdated') return !created;
	const [, , status, substatus] = version;
	const moved = before
		? before[2] !== status || before[3] !== substatus
		: created
			? status !== '' && status !== 'New'
			: statusStamp(referral) >= windowStart;
	return moved && matchesTarget(targets, status || null, substatus || null);
}

/** When the referral reached its current status, where Partner Center stamps it (else NaN). */
function statusStamp(referral: IDataObject): number {
	const status = stringOrNull(referral.status);
	if (status === 'Active') return time(referral.acceptedDateTime);
	if (status === 'Closed') return time(referral.closedDateTime);
	return Number.NaN;
}

/**
 * The next window start and what to remember: every version at or after it (the next poll
 * lists those again), at most MAX_WINDOW of them, then the most recently updated others up to
 * MAX_REMEMBERED in all. When more than MAX_WINDOW are inside, the start moves just past the
 * newest version that does not fit, but never past the service's time.
 */
function nextWindow(
	seen: Record<string, SeenVersion>,
	windowStart: number,
	serviceNowMs: number,
): Pick<Detection, 'state' | 'overflow'> {
	let from = Math.max(windowStart, serviceNowMs - OVERLAP_MS);
	const newestFirst = Object.entries(seen).sort((a, b) => b[1][0] - a[1][0]);
	const insideFrom = (start: number) => {
		const outside = newestFirst.findIndex(([, version]) => version[0] < start);
		return outside === -1 ? newestFirst.length : outside;
	};
	let inside = insideFrom(from);
	let overflow: Detection['overflow'];
	if (inside > MAX_WINDOW) {
		const firstLeftOut = newestFirst[MAX_WINDOW][1][0];
		from = Math.max(from, Math.min(firstLeftOut + 1, serviceNowMs));
		overflow = { inWindow: inside, from: new Date(from).toISOString() };
		inside = insideFrom(from);
	}
	const kept = newestFirst.slice(0, Math.max(inside, MAX_REMEMBERED));
	return { state: { version: 2, from: new Date(from).toISOString(), seen: Object.fromEntries(kept) }, overflow };
}
