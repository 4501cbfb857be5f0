/**
 * Change detection of the polling trigger, kept free of n8n so it can be reasoned about
 * (and tested) on its own.
 *
 * State (in the workflow's static data) is `from` — the newest updatedDateTime seen minus
 * an overlap for clock skew and late writes — and a bounded memory of recently seen
 * referral versions. Each poll lists referrals updated since `from`; a version
 * (id + updatedDateTime + eTag) already seen is never fired twice, and the remembered
 * status of a referral tells what it moved from.
 */
import type { IDataObject } from 'n8n-workflow';

export type TriggerEvent = 'referralCreated' | 'referralUpdated' | 'statusChanged';

/** How far before the newest update seen each poll looks again (clock skew, late writes). */
export const OVERLAP_MS = 5 * 60 * 1000;

/** At most this many referrals are remembered (the most recently updated ones). */
export const MAX_REMEMBERED = 2000;

export interface SeenVersion {
	/** updatedDateTime */
	u: string;
	/** eTag */
	e: string | null;
	/** status/substatus */
	s: string | null;
	ss: string | null;
}

export interface TriggerState {
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

/** The first activation starts from now (no history), or from `lookbackDays` ago. */
export function initialState(nowMs: number, lookbackDays: number): TriggerState {
	return { from: new Date(nowMs - Math.max(0, lookbackDays) * 86_400_000).toISOString(), seen: {} };
}

export function isTriggerState(value: unknown): value is TriggerState {
	return (
		typeof value === 'object' &&
		value !== null &&
		typeof (value as TriggerState).from === 'string' &&
		typeof (value as TriggerState).seen === 'object'
	);
}

function text(value: unknown): string | null {
	return typeof value === 'string' && value !== '' ? value : null;
}

function time(value: unknown): number {
	const parsed = typeof value === 'string' ? Date.parse(value) : Number.NaN;
	return Number.isNaN(parsed) ? Number.NEGATIVE_INFINITY : parsed;
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

/**
 * Decides which of the listed referrals fire for `event`, and returns the next state.
 * `referrals` are everything the poll listed (updated since `state.from`).
 */
export function detectChanges(
	state: TriggerState,
	referrals: Iterable<IDataObject>,
	event: TriggerEvent,
	targetStatuses: string[] = [],
): { changes: Change[]; state: TriggerState } {
	const windowStart = time(state.from);
	const seen: Record<string, SeenVersion> = { ...state.seen };
	let newest = windowStart;
	const latest = new Map<string, IDataObject>();
	for (const referral of referrals) {
		const id = text(referral.id);
		if (id === null) continue;
		const previous = latest.get(id);
		if (!previous || time(referral.updatedDateTime) >= time(previous.updatedDateTime)) latest.set(id, referral);
	}

	const changes: Change[] = [];
	for (const [id, referral] of latest) {
		const version: SeenVersion = {
			u: text(referral.updatedDateTime) ?? '',
			e: text(referral.eTag),
			s: text(referral.status),
			ss: text(referral.substatus),
		};
		const before = state.seen[id];
		seen[id] = version;
		newest = Math.max(newest, time(version.u));
		if (before && before.u === version.u && before.e === version.e) continue;

		const isNew = !before && time(referral.createdDateTime) >= windowStart;
		// A referral created in this window has moved if it is no longer New (created and
		// accepted, or won, between two polls); one not seen before has moved unless its
		// status is dated before the window.
		const statusMoved = before
			? before.s !== version.s || before.ss !== version.ss
			: isNew
				? version.s !== null && version.s !== 'New'
				: !reachedBefore(referral, windowStart);
		const fires =
			event === 'referralCreated'
				? isNew
				: event === 'referralUpdated'
					? !isNew
					: statusMoved && matchesTarget(targetStatuses, version.s, version.ss);
		if (fires) {
			changes.push({
				referral,
				event,
				previousStatus: before?.s ?? null,
				previousSubstatus: before?.ss ?? null,
			});
		}
	}
	changes.sort((a, b) => time(a.referral.updatedDateTime) - time(b.referral.updatedDateTime));
	const from = Math.max(windowStart, newest - OVERLAP_MS);
	return { changes, state: { from: new Date(from).toISOString(), seen: prune(seen) } };
}

/**
 * For a referral not seen before, whether its current status was reached before this
 * poll's window (then an update to it is not a status change). Only known for the
 * statuses that carry a timestamp; otherwise it counts as a change of unknown origin.
 */
function reachedBefore(referral: IDataObject, windowStart: number): boolean {
	const status = text(referral.status);
	const stamp =
		status === 'Active' ? referral.acceptedDateTime : status === 'Closed' ? referral.closedDateTime : referral.createdDateTime;
	return typeof stamp === 'string' && time(stamp) < windowStart;
}

/** Keeps the most recently updated referrals, at most MAX_REMEMBERED of them. */
function prune(seen: Record<string, SeenVersion>): Record<string, SeenVersion> {
	const entries = Object.entries(seen);
	if (entries.length <= MAX_REMEMBERED) return seen;
	entries.sort((a, b) => time(b[1].u) - time(a[1].u));
	return Object.fromEntries(entries.slice(0, MAX_REMEMBERED));
}
