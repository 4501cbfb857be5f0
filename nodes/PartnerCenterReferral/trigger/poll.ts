/**
 * The trigger's poll: one poll of the active trigger (what changed since the state in static
 * data, by the rules of changes.ts) or, in the editor, Fetch Test Event.
 */
import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { listReferrals } from '../api/listing';
import { MAX_PAGE_SIZE } from '../shared/constants';
import type { ReferralFilters } from '../shared/odataFilter';
import { buildReferralFilter } from '../shared/odataFilter';
import { formatReferral } from '../shared/simplify';
import { timing } from '../shared/timing';
import type { ApiResponse } from '../transport';
import { useTimeout } from '../transport';
import type { Change, StateOwner, TriggerEvent, TriggerState } from './changes';
import {
	buildStatusMemory,
	detectChanges,
	EVENT_NAMES,
	matchesTarget,
	otherOwner,
	OVERLAP_MS,
	stateOwner,
	MAX_OPEN,
	MAX_WINDOW,
	OPEN_STATUS_FILTER,
	readState,
	serviceClock,
	startState,
	targetFilter,
} from './changes';
import type { Expiring } from './expiry';
import { detectExpiring, expiresMsOf, hoursLeft, isWaiting, WAITING_FILTER } from './expiry';
import type { PollSettings } from './parameters';
import { readPollSettings } from './parameters';

/** A poll of the trigger: its parameters read first, then the changes or the test event. */
export async function poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	const settings = readPollSettings.call(this);
	const { event, userFilter, targets, simplify } = settings;
	useTimeout(this, settings.timeoutMs);

	if (this.getMode() === 'manual')
		return event === 'aboutToExpire'
			? await fetchTestExpiry.call(this, userFilter, simplify)
			: await fetchTestEvent.call(this, event, userFilter, targets, simplify);

	// Two polls of one trigger at once (one slower than the interval) share this object: the
	// second yields, and the next poll lists everything since the state the first one leaves.
	const staticData = this.getWorkflowStaticData('node');
	if (pollsRunning.has(staticData)) {
		this.logger.warn(
			`Partner Center Referral Trigger "${this.getNode().name}": the previous poll is still running, so this one does nothing (the next poll picks up every change since).`,
		);
		return null;
	}
	pollsRunning.add(staticData);
	try {
		return await pollChanges.call(this, staticData, settings);
	} finally {
		pollsRunning.delete(staticData);
	}
}

/** The static data of every poll running now (in this process). */
const pollsRunning = new WeakSet<object>();

/** One poll of the active trigger: what changed since the state in static data, and the next state. */
async function pollChanges(
	this: IPollFunctions,
	staticData: IDataObject,
	settings: PollSettings,
): Promise<INodeExecutionData[][] | null> {
	const { event, filters, userFilter, targets, simplify } = settings;
	const name = this.getNode().name;
	const startedMs = timing.now();
	const owner = stateOwner(this.getNode().id ?? '', event, userFilter);
	const opened = openState.call(this, staticData.referrals, owner, startedMs, settings);
	if (event === 'aboutToExpire')
		return await pollExpiring.call(this, staticData, opened, owner, startedMs, settings);
	const { remembered } = opened;
	let { state } = opened;
	// Status Changed remembers the status of every referral that can still move (listed before
	// the changes, so that every move after that listing is compared with it).
	const buildMemory = event === 'statusChanged' && state.open === undefined;
	if (buildMemory) state = { ...state, open: await listStatusMemory.call(this, filters) };
	const clause = `updatedDateTime ge ${state.from}`;
	const { referrals, firstResponse } = await listDated.call(this, {
		$filter: userFilter ? `${clause} and (${userFilter})` : clause,
		$orderby: 'updatedDateTime asc',
	});

	const serviceNowMs = serviceClock(startedMs, firstResponse);
	const detection = detectChanges(state, referrals, event, targets, serviceNowMs, !buildMemory);
	const { changes, overflow, forgotten } = detection;
	const next = { ...detection.state, owner };
	if (overflow) {
		this.logger.warn(
			`Partner Center Referral Trigger "${name}": ${overflow.inWindow} referral changes are inside the poll window, more than the ${MAX_WINDOW} it remembers. Nothing fires twice: the next poll starts at ${overflow.from}, so a change Partner Center writes late with an earlier time would be missed.`,
		);
	}
	if (forgotten > 0)
		this.logger.warn(
			memoryFullMessage(name, `${forgotten} referrals that can still move were forgotten`),
		);
	// The activation poll (without a look-back) only remembers what exists: nothing from before
	// fires. Nor after a start-over (a damaged state, or one of another event or other filters):
	// the look-back would fire again what fired before.
	const fired = remembered || opened.lookBack ? changes : [];
	const notice = fired.length > 0 ? next.notice : undefined;
	if (notice !== undefined) delete next.notice;
	// Only now, after every page arrived, does the state move: a failed poll loses nothing.
	staticData.referrals = next as unknown as IDataObject;
	if (fired.length === 0) return null;
	return [fired.map((change) => toItem(change, simplify, notice))];
}

/** The state a poll starts from, and how it was found. */
interface OpenedState {
	state: TriggerState;
	/** A state of this trigger was saved (false: activation, or a start-over). */
	remembered: boolean;
	/** The first poll fires Include Changes From the Last (Days). */
	lookBack: boolean;
	/** About to Expire, after a change of filters: what fired before, so it does not fire again. */
	alerted?: Record<string, number>;
}

/**
 * The saved state if it is this trigger's (a state saved before states knew their trigger
 * counts as this one's, and is stamped now). Else a start as at activation: nothing saved (the
 * look-back applies); a damaged state or one made for another trigger node of the same name,
 * another event or other filters (said once in the log and in the next fired items; the
 * look-back applies only to another node, which never fired anything).
 */
function openState(
	this: IPollFunctions,
	saved: unknown,
	owner: StateOwner,
	startedMs: number,
	{ event, lookbackDays }: PollSettings,
): OpenedState {
	const { state: read, damaged } = readState(saved);
	const other = read ? otherOwner(read.owner, owner) : undefined;
	if (read && other === undefined) return { state: read, remembered: true, lookBack: false };
	const lookBack = lookbackDays > 0 && (other === 'node' || (read === undefined && !damaged));
	const state = startState(startedMs, lookBack ? lookbackDays : 0);
	if (read === undefined && damaged === undefined) return { state, remembered: false, lookBack };
	const at = new Date(startedMs).toISOString();
	const notice =
		damaged !== undefined
			? `The trigger's saved state could not be read (${damaged}), so it started over on ${at} as at activation: changes between its last good poll and then may not have fired.`
			: `The trigger's saved state was made for ${madeFor(other, read?.owner, event)}, so it started over on ${at} as at activation: what changed before then does not fire.`;
	this.logger.warn(`Partner Center Referral Trigger "${this.getNode().name}": ${notice}`);
	const alerted = other === 'filters' ? read?.expiry?.alerted : undefined;
	return { state: { ...state, notice }, remembered: false, lookBack, alerted };
}

/** Whom a saved state of another trigger was made for, in words. */
function madeFor(
	other: ReturnType<typeof otherOwner>,
	saved: StateOwner | undefined,
	event: string,
): string {
	if (other === 'event')
		return `Trigger On "${eventName(saved?.event ?? '')}", not "${eventName(event)}" (the same trigger node)`;
	if (other === 'filters') return 'other filters (the same trigger node)';
	return `another trigger node of the same name (n8n keeps a deleted node's state under its name; that node's id was ${saved?.node ?? ''})`;
}

/** A Trigger On value as the node shows it (a value it does not know as it is). */
function eventName(event: string): string {
	return Object.hasOwn(EVENT_NAMES, event) ? EVENT_NAMES[event as TriggerEvent] : event;
}

/**
 * A poll of About to Expire: one listing of the referrals waiting for an answer (New, the
 * user's filters), and those whose expiry came within Notify Before fire (expiry.ts).
 */
async function pollExpiring(
	this: IPollFunctions,
	staticData: IDataObject,
	{ state, remembered, alerted }: OpenedState,
	owner: StateOwner,
	startedMs: number,
	{ userFilter, notifyMs, simplify }: PollSettings,
): Promise<INodeExecutionData[][] | null> {
	const { referrals, firstResponse } = await listDated.call(this, waitingQuery(userFilter));
	const nowMs = serviceClock(startedMs, firstResponse);
	const memory = remembered
		? state.expiry
		: alerted === undefined
			? undefined
			: { polled: nowMs, alerted };
	const detection = detectExpiring(memory, referrals, notifyMs, nowMs);
	const notice = detection.expiring.length > 0 ? state.notice : undefined;
	const next: TriggerState = {
		version: 3,
		from: new Date(nowMs - OVERLAP_MS).toISOString(),
		seen: {},
		owner,
		expiry: detection.memory,
	};
	if (state.notice !== undefined && notice === undefined) next.notice = state.notice;
	// Only now, after every page arrived, does the state move: a failed poll loses nothing.
	staticData.referrals = next as unknown as IDataObject;
	if (detection.expiring.length === 0) return null;
	return [detection.expiring.map((found) => expiryItem(found, nowMs, simplify, notice))];
}

/** The listing of the referrals waiting for an answer: status New within the user's filters. */
function waitingQuery(userFilter: string | undefined): IDataObject {
	return { $filter: userFilter ? `${WAITING_FILTER} and (${userFilter})` : WAITING_FILTER };
}

function memoryFullMessage(name: string, what: string): string {
	return `Partner Center Referral Trigger "${name}": ${what}; it remembers the status of at most ${MAX_OPEN}. For the others Status Changed fires only when Partner Center stamps the move (acceptedDateTime, closedDateTime), so a move may not fire. Narrow the trigger's filters to fewer referrals.`;
}

/**
 * The status memory of Status Changed: one listing of the referrals that can still move (not
 * Closed) within the trigger's filters except Status and Substatus (a referral may move into
 * those), the most recently updated first, at most MAX_OPEN.
 */
async function listStatusMemory(this: IPollFunctions, filters: ReferralFilters & IDataObject) {
	const { status, substatus, ...rest } = filters;
	const others = buildReferralFilter(this, rest);
	const qs = {
		$filter: others ? `${OPEN_STATUS_FILTER} and (${others})` : OPEN_STATUS_FILTER,
		$orderby: 'updatedDateTime desc',
	};
	const listed: IDataObject[] = [];
	for await (const page of listReferrals.call(this, { qs, limit: MAX_OPEN + 1 }))
		listed.push(...page);
	const { open, complete } = buildStatusMemory(listed);
	if (!complete)
		this.logger.warn(
			memoryFullMessage(this.getNode().name, `more than ${MAX_OPEN} referrals can still move`),
		);
	return open;
}

/**
 * "Fetch Test Event": the most recent referral the active trigger could fire for, with the
 * same filters and To Statuses, leaving the state alone.
 */
async function fetchTestEvent(
	this: IPollFunctions,
	event: TriggerEvent,
	userFilter: string | undefined,
	targets: string[],
	simplify: boolean,
): Promise<INodeExecutionData[][]> {
	const filter = [userFilter, targetFilter(targets)].filter((clause) => clause !== undefined);
	const qs: IDataObject = {
		$orderby: event === 'referralCreated' ? 'createdDateTime desc' : 'updatedDateTime desc',
	};
	if (filter.length > 0)
		qs.$filter =
			filter.length === 1 ? filter[0] : filter.map((clause) => `(${clause})`).join(' and ');
	// checked here as well, as the active trigger does (a service that ignored the filter)
	const limit = targets.length > 0 ? MAX_PAGE_SIZE : 1;
	for await (const page of listReferrals.call(this, { qs, limit })) {
		const match = page.find((referral) =>
			matchesTarget(targets, stringOr(referral.status), stringOr(referral.substatus)),
		);
		if (match)
			return [
				[
					toItem(
						{ referral: match, event, previousStatus: null, previousSubstatus: null },
						simplify,
					),
				],
			];
	}
	throw new NodeOperationError(this.getNode(), 'No referral matches this trigger yet', {
		description:
			targets.length > 0
				? `Partner Center has no referral that matches the filters and is in To Statuses (${targets.join(', ')}): Fetch Test Event applies both, as the active trigger does. Loosen the filters or To Statuses, or move a referral to one of those statuses in Partner Center, and fetch the test event again.`
				: 'Partner Center has no referral that matches the filters: Fetch Test Event applies them, as the active trigger does. Loosen the filters, or create a referral in Partner Center, and fetch the test event again.',
	});
}

/**
 * "Fetch Test Event" of About to Expire: of the referrals waiting for an answer (New, the
 * filters) with an expirationDateTime, the one that expires soonest (not yet expired), whether
 * or not it is inside Notify Before yet; leaves the state alone.
 */
async function fetchTestExpiry(
	this: IPollFunctions,
	userFilter: string | undefined,
	simplify: boolean,
): Promise<INodeExecutionData[][]> {
	const { referrals, firstResponse } = await listDated.call(this, waitingQuery(userFilter));
	const nowMs = serviceClock(timing.now(), firstResponse);
	const waiting = referrals.filter(isWaiting);
	let soonest: Expiring | undefined;
	for (const referral of waiting) {
		const expiresMs = expiresMsOf(referral);
		if (expiresMs > nowMs && (soonest === undefined || expiresMs < soonest.expiresMs))
			soonest = { referral, expiresMs };
	}
	if (soonest) return [[expiryItem(soonest, nowMs, simplify)]];
	const dated = waiting.filter((referral) => !Number.isNaN(expiresMsOf(referral))).length;
	throw new NodeOperationError(this.getNode(), 'No referral is waiting for an answer', {
		description:
			waiting.length === 0
				? 'Partner Center has no referral in status New that matches the filters: Fetch Test Event applies them, as the active trigger does. Loosen the filters, or wait for a new referral, and fetch the test event again.'
				: `Partner Center has ${waiting.length} referral(s) in status New that match the filters, but ${dated === 0 ? 'none has an expirationDateTime (the trigger never guesses one)' : 'their expirationDateTime has passed'}, so none can fire. Fetch the test event again when a new referral arrives.`,
	});
}

/**
 * An About to Expire item: the referral, `event`, `previousStatus` / `previousSubstatus` (null,
 * as every item has them), `expiresInHours` (whole hours left, never negative), `expiresAt`
 * (the expiry as ISO UTC) and the notice after a start-over.
 */
function expiryItem(
	{ referral, expiresMs }: Expiring,
	nowMs: number,
	simplify: boolean,
	notice?: string,
): INodeExecutionData {
	return {
		json: {
			...formatReferral(referral, simplify),
			event: 'aboutToExpire',
			previousStatus: null,
			previousSubstatus: null,
			expiresInHours: hoursLeft(expiresMs, nowMs),
			expiresAt: new Date(expiresMs).toISOString(),
			...(notice === undefined ? {} : { triggerNotice: notice }),
		},
	};
}

function stringOr(value: unknown): string | null {
	return typeof value === 'string' ? value : null;
}

/**
 * An output item: the referral, then `event`, `previousStatus`, `previousSubstatus` (also for
 * the test event), and `triggerNotice` on the items of the first poll that fires after the
 * trigger had to start over (see docs/trigger-memory.md).
 */
function toItem(change: Change, simplify: boolean, notice?: string): INodeExecutionData {
	return {
		json: {
			...formatReferral(change.referral, simplify),
			event: change.event,
			previousStatus: change.previousStatus,
			previousSubstatus: change.previousSubstatus,
			...(notice === undefined ? {} : { triggerNotice: notice }),
		},
	};
}

/**
 * Every referral of a listing, following every page; and the Date header of the first
 * response with n8n's time at its arrival.
 */
async function listDated(this: IPollFunctions, qs: IDataObject) {
	let firstResponse: { date: unknown; receivedMs: number } | undefined;
	const onResponse = (response: ApiResponse) => {
		firstResponse ??= { date: response.headers.date, receivedMs: timing.now() };
	};
	const referrals: IDataObject[] = [];
	for await (const page of listReferrals.call(this, { qs, onResponse })) referrals.push(...page);
	return { referrals, firstResponse };
}
