/**
 * Change detection of the polling trigger, kept free of n8n so it can be reasoned about
 * (and tested) on its own. docs/trigger-memory.md tells the same for users.
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
 *
 * For Status Changed the state also holds `open`: the status of every referral that can still
 * move (not Closed), listed once when the memory is built and kept current by every poll, so a
 * move fires against a known previous status whatever stamps the service writes. At most
 * MAX_OPEN; past that the least recently seen are forgotten (said in the log), and for those
 * only the evidence rule is left (see firesFor).
 *
 * Ids are GUIDs and compare without case: every key of the state is the lower-case id.
 * Every service time stamp is read as UTC, with or without a zone (shared/serviceTime.ts).
 *
 * Restarts: n8n saves the state only when a poll fires (and at deactivation). The state after
 * a poll is a function of the state before it and of what it listed, and a poll lists every
 * version updated since the state's `from`; so a restart from the state of the last poll that
 * fired lists again everything after it and decides it against the same knowledge: what that
 * poll fired is in `seen` (it does not fire again), what came later is listed (it fires).
 */
import type { IDataObject } from 'n8n-workflow';

import { quote } from '../shared/odataFilter';
import { serviceTimeMs } from '../shared/serviceTime';
import type { ExpiryMemory } from './expiry';
import { readExpiryMemory } from './expiry';

export type TriggerEvent =
	| 'referralCreated'
	| 'referralUpdated'
	| 'statusChanged'
	| 'aboutToExpire';

/** Each Trigger On value's name, as the node shows it (its description and its messages use these). */
export const EVENT_NAMES: Record<TriggerEvent, string> = {
	referralCreated: 'New Referral',
	referralUpdated: 'Referral Updated',
	statusChanged: 'Status Changed',
	aboutToExpire: 'About to Expire',
};

/** How far before the service's time each window starts (late writes, clock skew). */
export const OVERLAP_MS = 5 * 60 * 1000;

/** How far behind n8n's clock the service's clock (its Date header) is believed to be, at most. */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

/** Most referral versions remembered inside the window (beyond it, the window start moves on). */
export const MAX_WINDOW = 10_000;

/** Referrals remembered in all when the window holds fewer: the most recently updated ones. */
export const MAX_REMEMBERED = 2000;

/** Most referrals whose status Status Changed remembers (those that can still move), about 45 bytes each. */
export const MAX_OPEN = 20_000;

/** The listing of the referrals that can still move: every status but Closed (terminal). */
export const OPEN_STATUS_FILTER = "(status eq 'New' or status eq 'Active' or status eq 'None')";

const DAY_MS = 86_400_000;

/**
 * A remembered referral version: updatedDateTime (ms), a hash of its eTag, its status and
 * substatus. A tuple rather than an object with named keys, because static data holds up to
 * MAX_WINDOW of them (about 80 bytes each); the names are on the type.
 */
export type SeenVersion = [updatedMs: number, eTag: string, status: string, substatus: string];

export interface TriggerState {
	/** The state's format (1: `seen` held objects with ISO stamps; 2: no `open`). */
	version: 3;
	/** ISO time: the next poll lists referrals updated at or after this. */
	from: string;
	/** By lower-case id. */
	seen: Record<string, SeenVersion>;
	/**
	 * Status Changed only: lower-case id -> status code (see statusCode) of every referral that
	 * can still move, least recently seen first. Absent until built.
	 */
	open?: Record<string, string>;
	/** Said in the items of the next poll that fires (then dropped): why a gap may exist. */
	notice?: string;
	/**
	 * Which trigger the state was made for (absent in states saved before it existed). n8n keeps
	 * a node's static data under its name, so a new trigger given a deleted one's name finds it.
	 */
	owner?: StateOwner;
	/** About to Expire only: what fired for which expiry (see expiry.ts). */
	expiry?: ExpiryMemory;
}

/** The trigger a state was made for: n8n's node id, the event, a hash of the filters. */
export interface StateOwner {
	node: string;
	event: string;
	filters: string;
}

/** The owner of a state made now for this node, event and filters (their OData $filter). */
export function stateOwner(
	nodeId: string,
	event: TriggerEvent,
	userFilter: string | undefined,
): StateOwner {
	return { node: nodeId, event, filters: shortHash(userFilter ?? '') };
}

/**
 * Why a state saved for `saved` is not this trigger's (`current`): made for another node, or
 * for this node with another event or other filters; undefined when it is this trigger's. A
 * state without an owner (saved by an earlier version) counts as this trigger's.
 */
export function otherOwner(
	saved: StateOwner | undefined,
	current: StateOwner,
): 'node' | 'event' | 'filters' | undefined {
	if (saved === undefined) return undefined;
	if (saved.node !== current.node) return 'node';
	if (saved.event !== current.event) return 'event';
	if (saved.filters !== current.filters) return 'filters';
	return undefined;
}

/** What static data held: a state (this format or an older one converted), nothing, or a damaged one. */
export interface StateReading {
	state?: TriggerState;
	/** Why the state found could not be used (the trigger starts over). */
	damaged?: string;
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
	/** Referrals the status memory forgot to stay within MAX_OPEN. */
	forgotten: number;
}

/**
 * The first window. Without a look-back it starts early enough to cover a service clock up to
 * MAX_CLOCK_SKEW_MS behind, and the caller fires nothing from it: it is the baseline of what
 * existed at activation.
 */
export function startState(nowMs: number, lookbackDays: number): TriggerState {
	const start =
		lookbackDays > 0 ? nowMs - lookbackDays * DAY_MS : nowMs - MAX_CLOCK_SKEW_MS - OVERLAP_MS;
	return { version: 3, from: new Date(start).toISOString(), seen: {} };
}

/**
 * The state found in static data. Nothing there: no state (activation). This format or an
 * older one (1, 2) whose every part reads: that state (ids in lower case; from version 2, the
 * status memory is built again). Anything else (another type, an unknown version, an entry that
 * does not read): damaged, and why.
 */
export function readState(value: unknown): StateReading {
	if (value === undefined || value === null) return {};
	if (!isRecord(value)) return { damaged: 'it is not an object' };
	const { from, seen, open, notice, owner, expiry } = value;
	// version 1 had no version field
	const version = value.version ?? 1;
	if (version !== 1 && version !== 2 && version !== 3)
		return { damaged: `its version ${JSON.stringify(version) ?? 'undefined'} is unknown` };
	const fromMs = serviceTimeMs(from);
	if (Number.isNaN(fromMs)) return { damaged: 'its window start is not a time' };
	if (!isRecord(seen)) return { damaged: 'its list of seen referrals is not a map' };
	const state: TriggerState = { version: 3, from: new Date(fromMs).toISOString(), seen: {} };
	for (const [id, entry] of Object.entries(seen)) {
		const read = version === 1 ? fromVersion1(entry) : seenVersion(entry);
		if (read === undefined) return { damaged: `its entry for referral ${id} does not read` };
		const key = id.toLowerCase();
		const other = state.seen[key];
		if (!other || other[0] < read[0]) state.seen[key] = read;
	}
	if (version === 3 && open !== undefined) {
		if (!isRecord(open)) return { damaged: 'its status memory is not a map' };
		const memory: Record<string, string> = {};
		for (const [id, code] of Object.entries(open)) {
			if (typeof code !== 'string' || decodeStatus(code) === undefined) {
				return { damaged: `its status memory entry for referral ${id} does not read` };
			}
			memory[id.toLowerCase()] = code;
		}
		state.open = memory;
	}
	if (version === 3 && typeof notice === 'string' && notice !== '') state.notice = notice;
	if (version === 3 && owner !== undefined) {
		if (!isRecord(owner) || !isOwner(owner)) return { damaged: 'its owner does not read' };
		state.owner = { node: owner.node, event: owner.event, filters: owner.filters };
	}
	if (version === 3 && expiry !== undefined) {
		const memory = readExpiryMemory(expiry);
		if (memory === undefined) return { damaged: 'its memory of expiry alerts does not read' };
		state.expiry = memory;
	}
	return { state };
}

function isOwner(value: Record<string, unknown>): value is Record<keyof StateOwner, string> {
	return ['node', 'event', 'filters'].every((key) => typeof value[key] === 'string');
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A version 2 or 3 entry: [updatedMs, eTag hash, status, substatus]. */
function seenVersion(entry: unknown): SeenVersion | undefined {
	if (!Array.isArray(entry) || entry.length !== 4) return undefined;
	const [updatedMs, eTag, status, substatus] = entry as unknown[];
	if (typeof updatedMs !== 'number' || !Number.isFinite(updatedMs)) return undefined;
	if (typeof eTag !== 'string' || typeof status !== 'string' || typeof substatus !== 'string')
		return undefined;
	return [updatedMs, eTag, status, substatus];
}

/** A version 1 entry: { u: updatedDateTime, e: eTag, s: status, ss: substatus }. */
function fromVersion1(entry: unknown): SeenVersion | undefined {
	if (!isRecord(entry)) return undefined;
	return [
		stamp(entry.u),
		eTagKey(entry.e),
		stringOrNull(entry.s) ?? '',
		stringOrNull(entry.ss) ?? '',
	];
}

/**
 * The open status/substatus pairs by a one-letter code, so the memory of 20,000 referrals
 * stays small. Fixed: saved states depend on it (add letters, never change one). Any other
 * pair is kept as the text `Status/Substatus`.
 */
const PAIR_BY_CODE: Record<string, string> = {
	a: 'New/Pending',
	b: 'New/Received',
	c: 'Active/Accepted',
};
const CODE_BY_PAIR = new Map(Object.entries(PAIR_BY_CODE).map(([code, pair]) => [pair, code]));

function statusCode(status: string, substatus: string): string {
	const pair = `${status}/${substatus}`;
	return CODE_BY_PAIR.get(pair) ?? pair;
}

/** [status, substatus] of a code of the memory; undefined when it is no code. */
function decodeStatus(code: string): [string, string] | undefined {
	const pair = PAIR_BY_CODE[code] ?? (code.includes('/') ? code : undefined);
	if (pair === undefined) return undefined;
	const slash = pair.indexOf('/');
	return [pair.slice(0, slash), pair.slice(slash + 1)];
}

function isClosed(status: string): boolean {
	return status.toLowerCase() === 'closed';
}

/**
 * The status memory from a listing of the referrals that can still move, newest first (as
 * listed with `updatedDateTime desc`): at most MAX_OPEN, the least recently updated first in
 * the map (forgotten first). `complete` is false when the listing held more than MAX_OPEN.
 */
export function buildStatusMemory(newestFirst: IDataObject[]): {
	open: Record<string, string>;
	complete: boolean;
} {
	const ids = new Map<string, string>();
	for (const referral of newestFirst) {
		const id = stringOrNull(referral.id)?.toLowerCase();
		const status = stringOrNull(referral.status) ?? '';
		if (id === undefined || ids.has(id) || isClosed(status)) continue;
		if (ids.size === MAX_OPEN) return { open: oldestFirst(ids), complete: false };
		ids.set(id, statusCode(status, stringOrNull(referral.substatus) ?? ''));
	}
	return { open: oldestFirst(ids), complete: true };
}

function oldestFirst(newestFirst: Map<string, string>): Record<string, string> {
	const open: Record<string, string> = {};
	for (const [id, code] of [...newestFirst].reverse()) open[id] = code;
	return open;
}

/**
 * The OData filter of "the referral is in one of To Statuses" ("Closed" or "Closed/Won");
 * undefined for none (any status).
 */
export function targetFilter(targets: string[]): string | undefined {
	if (targets.length === 0) return undefined;
	const parts = targets.map((target) => {
		const slash = target.indexOf('/');
		return slash === -1
			? `status eq ${quote(target)}`
			: `(status eq ${quote(target.slice(0, slash))} and substatus eq ${quote(target.slice(slash + 1))})`;
	});
	return parts.length === 1 ? parts[0] : `(${parts.join(' or ')})`;
}

/**
 * The service's time when the poll started: n8n's time `localMs`, corrected by the Date header
 * of the first response (received at n8n's time `receivedMs`). Trusted only towards the past,
 * however far: a Date behind n8n's clock (the service's clock is behind, or n8n's runs ahead)
 * only keeps the window start back, which can cost listing work but never misses a change (and
 * the remembered state stays bounded by MAX_WINDOW). A Date ahead of n8n's clock is not needed:
 * a window started by n8n's clock just starts earlier.
 */
export function serviceClock(
	localMs: number,
	response?: { date: unknown; receivedMs: number },
): number {
	const date = response ? time(response.date) : Number.NaN;
	if (!response || Number.isNaN(date)) return localMs;
	return Math.min(localMs, localMs + (date - response.receivedMs));
}

/** A string the service sent, as it is (compared with others, so not trimmed); else null. */
function stringOrNull(value: unknown): string | null {
	return typeof value === 'string' && value !== '' ? value : null;
}

/** A service time in ms: UTC with or without a zone (NaN when it does not read). */
function time(value: unknown): number {
	return serviceTimeMs(value);
}

/** updatedDateTime in ms (0 when it cannot be read: such a version is never inside a window). */
function stamp(value: unknown): number {
	const parsed = time(value);
	return Number.isNaN(parsed) ? 0 : parsed;
}

/** A short, stable stand-in for an eTag (FNV-1a): only compared with the same referral's. */
function eTagKey(value: unknown): string {
	const eTag = stringOrNull(value);
	return eTag === null ? '' : shortHash(eTag);
}

/** FNV-1a of a text, in base 36: a short stand-in that is only compared, never read back. */
function shortHash(text: string): string {
	let hash = 0x811c9dc5;
	for (let index = 0; index < text.length; index++) {
		hash ^= text.charCodeAt(index);
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
export function matchesTarget(
	targets: string[],
	status: string | null,
	substatus: string | null,
): boolean {
	if (targets.length === 0) return true;
	const state = `${status ?? ''}/${substatus ?? ''}`.toLowerCase();
	return targets.some((target) => {
		const wanted = target.toLowerCase();
		return wanted.includes('/') ? wanted === state : wanted === (status ?? '').toLowerCase();
	});
}

/** The latest listed version of each referral by lower-case id (a referral updated during the listing appears twice). */
function latestById(referrals: Iterable<IDataObject>): Map<string, IDataObject> {
	const latest = new Map<string, IDataObject>();
	for (const referral of referrals) {
		const id = stringOrNull(referral.id)?.toLowerCase();
		if (id === undefined) continue;
		const previous = latest.get(id);
		if (!previous || stamp(referral.updatedDateTime) >= stamp(previous.updatedDateTime))
			latest.set(id, referral);
	}
	return latest;
}

/**
 * Decides which of the listed referrals fire for `event`, and returns the next state.
 * `referrals` are everything the poll listed (updated since `state.from`); `serviceNowMs` is
 * the service's time when the poll started (see serviceClock). `useMemory` is false on the
 * poll that built the status memory: that memory already holds this poll's changes, so only
 * the next polls compare with it.
 */
export function detectChanges(
	state: TriggerState,
	referrals: Iterable<IDataObject>,
	event: TriggerEvent,
	targetStatuses: string[],
	serviceNowMs: number,
	useMemory = true,
): Detection {
	const windowStart = time(state.from);
	const seen: Record<string, SeenVersion> = { ...state.seen };
	const memory = event === 'statusChanged' ? state.open : undefined;
	const open = memory ? { ...memory } : undefined;
	const changes: Change[] = [];
	for (const [id, referral] of latestById(referrals)) {
		const version = versionOf(referral);
		// listed although updated before the window (a service that ignored the filter): no change of this window
		if (version[0] !== 0 && version[0] < windowStart) continue;
		const before = state.seen[id] as SeenVersion | undefined;
		// seen already, or older than what was seen (a lagging read): nothing new
		if (before && !isNewVersion(version, before, serviceNowMs)) continue;
		seen[id] = version;
		const code = useMemory ? memory?.[id] : undefined;
		const previous = before
			? ([before[2], before[3]] as [string, string])
			: code === undefined
				? undefined
				: decodeStatus(code);
		if (open) {
			// kept current, the most recently seen last; a Closed referral cannot move any more
			delete open[id];
			if (!isClosed(version[2])) open[id] = statusCode(version[2], version[3]);
		}
		if (firesFor(event, targetStatuses, referral, version, before, previous, windowStart)) {
			const [statusBefore, substatusBefore] = previous ?? [];
			changes.push({
				referral,
				event,
				previousStatus: statusBefore || null,
				previousSubstatus: substatusBefore || null,
			});
		}
	}
	changes.sort((a, b) => stamp(a.referral.updatedDateTime) - stamp(b.referral.updatedDateTime));
	let forgotten = 0;
	if (open) {
		const ids = Object.keys(open);
		forgotten = Math.max(0, ids.length - MAX_OPEN);
		for (const id of ids.slice(0, forgotten)) delete open[id];
	}
	const next = nextWindow(seen, windowStart, serviceNowMs);
	if (open) next.state.open = open;
	if (state.notice !== undefined) next.state.notice = state.notice;
	return { changes, ...next, forgotten };
}

/**
 * Whether a new version fires. A referral not remembered is new when it was created inside the
 * window. For Status Changed, a referral whose previous status is known (seen, or in the status
 * memory) fires when its status or substatus differs. One not known (created after the memory
 * was built, Closed when it was built, outside the filters then, or forgotten past MAX_OPEN)
 * fires only on evidence that its status was reached inside the window: it was created there
 * and is no longer New, or the stamp of its status (acceptedDateTime for Active, closedDateTime
 * for Closed, both optional) is inside it. Without evidence it is remembered silently.
 */
function firesFor(
	event: TriggerEvent,
	targets: string[],
	referral: IDataObject,
	version: SeenVersion,
	before: SeenVersion | undefined,
	previous: [string, string] | undefined,
	windowStart: number,
): boolean {
	// About to Expire does not fire on changes (expiry.ts decides it)
	if (event === 'aboutToExpire') return false;
	const created = !before && time(referral.createdDateTime) >= windowStart;
	if (event === 'referralCreated') return created;
	if (event === 'referralUpdated') return !created;
	const [, , status, substatus] = version;
	const moved = previous
		? previous[0] !== status || previous[1] !== substatus
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
	return {
		state: { version: 3, from: new Date(from).toISOString(), seen: Object.fromEntries(kept) },
		overflow,
	};
}
