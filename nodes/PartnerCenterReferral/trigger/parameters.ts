/**
 * The trigger's parameters, read once per poll before anything is sent, with the rules of
 * shared/values.ts; the poll (poll.ts) gets plain values.
 */
import type { IDataObject, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ReferralFilters } from '../shared/odataFilter';
import { buildReferralFilter } from '../shared/odataFilter';
import { timeoutMsForOption } from '../shared/timeout';
import { SUBSTATUSES_OF } from '../shared/transitions';
import { amount, flag, isBlank, readsAs, someOf, ValueReader } from '../shared/values';
import type { TriggerEvent } from './changes';
import { HOUR_MS, MAX_NOTIFY_DAYS } from './expiry';

/** Notify Before when it is not set, in days. */
export const DEFAULT_NOTIFY_BEFORE = 2;

/** The decimals Notify Before is entered with in the editor. */
export const NOTIFY_BEFORE_DECIMALS = 2;

/**
 * The bounds of Notify Before, in its unit (hours or days), the editor's (the trigger's
 * description) and the rule's (readNotifyMs): from the smallest number more than 0 the editor
 * can hold, to 30 days in hours (the rule also refuses more than 30 days in days).
 */
export const MIN_NOTIFY_BEFORE = 1 / 10 ** NOTIFY_BEFORE_DECIMALS;
export const MAX_NOTIFY_BEFORE_HOURS = MAX_NOTIFY_DAYS * 24;

/** The most days Include Changes From the Last (Days) may reach back. */
export const MAX_LOOKBACK_DAYS = 90;

/** To Statuses' options: each status (any substatus) and each status/substatus pair. */
export const statusTargets = Object.entries(SUBSTATUSES_OF).flatMap(([status, substatuses]) => [
	{ name: `${status} (Any Substatus)`, value: status },
	...substatuses.map((substatus) => ({
		name: `${status} / ${substatus}`,
		value: `${status}/${substatus}`,
	})),
]);

/** To Statuses: the values above, any case; a substatus alone ("Won") is the one status it goes with ("Closed/Won"). */
const toStatuses = someOf(
	statusTargets.map((target) => target.value),
	Object.fromEntries(
		Object.entries(SUBSTATUSES_OF).flatMap(([status, substatuses]) =>
			substatuses.map((substatus) => [substatus, `${status}/${substatus}`]),
		),
	),
);

export interface PollSettings {
	event: TriggerEvent;
	filters: ReferralFilters & IDataObject;
	/** The user's filters as an OData $filter (undefined: none). */
	userFilter: string | undefined;
	/** To Statuses ("Closed" or "Closed/Won"); empty unless Status Changed. */
	targets: string[];
	simplify: boolean;
	lookbackDays: number;
	/** About to Expire: Notify Before in milliseconds (0 for the other events). */
	notifyMs: number;
	/** Options → Timeout, in milliseconds. */
	timeoutMs: number;
}

/** Every parameter of the trigger, checked; a bad one fails with an error naming it. */
export function readPollSettings(this: IPollFunctions): PollSettings {
	const event = this.getNodeParameter('event') as TriggerEvent;
	const given = this.getNodeParameter('filters', {}) as ReferralFilters & IDataObject;
	// About to Expire lists only referrals in status New: a Status filter has no say
	const { status, ...withoutStatus } = given;
	const filters = event === 'aboutToExpire' ? withoutStatus : given;
	const read = new ValueReader(this, undefined);
	const simplify = read.required('Simplify', this.getNodeParameter('simplify', true), flag);
	const lookbackDays = readLookbackDays.call(this);
	const targets =
		event === 'statusChanged'
			? (read.optional('To Statuses', this.getNodeParameter('statuses', []), toStatuses) ?? [])
			: [];
	const timeoutMs = timeoutMsForOption(
		this,
		(this.getNodeParameter('options', {}) as IDataObject).timeout,
	);
	const notifyMs = event === 'aboutToExpire' ? readNotifyMs.call(this) : 0;
	const userFilter = buildReferralFilter(this, filters);
	return { event, filters, userFilter, targets, simplify, lookbackDays, notifyMs, timeoutMs };
}

/**
 * Notify Before (from MIN_NOTIFY_BEFORE, at most 30 days) in the unit of Notify Before Unit
 * (hours or days, any case), in ms. Blank (an expression that gives nothing) is not set: 2, days.
 */
function readNotifyMs(this: IPollFunctions): number {
	const rawUnit = this.getNodeParameter('notifyBeforeUnit', 'days');
	const unit = isBlank(rawUnit) ? 'days' : String(rawUnit).trim().toLowerCase();
	const raw = this.getNodeParameter('notifyBefore', DEFAULT_NOTIFY_BEFORE);
	const amountGiven = isBlank(raw) ? DEFAULT_NOTIFY_BEFORE : readsAs(this, amount, raw);
	const unitMs = unit === 'hours' ? HOUR_MS : unit === 'days' ? 24 * HOUR_MS : undefined;
	if (unitMs === undefined)
		throw new NodeOperationError(this.getNode(), 'Notify Before Unit must be hours or days', {
			description: `It is ${JSON.stringify(rawUnit)}. Choose Hours or Days. Nothing was sent to Partner Center.`,
		});
	const notifyMs = amountGiven === undefined ? Number.NaN : amountGiven * unitMs;
	if (
		amountGiven !== undefined &&
		amountGiven >= MIN_NOTIFY_BEFORE &&
		notifyMs <= MAX_NOTIFY_BEFORE_HOURS * HOUR_MS
	)
		return notifyMs;
	throw new NodeOperationError(
		this.getNode(),
		`Notify Before must be a number from ${MIN_NOTIFY_BEFORE} (hours or days) to ${MAX_NOTIFY_DAYS} days`,
		{
			description: `It is ${JSON.stringify(raw)} (${unit}). Enter a number such as 2 (with Notify Before Unit Days) or 36 (Hours), or an expression that gives one. Nothing was sent to Partner Center.`,
		},
	);
}

/** Options → Include Changes From the Last (Days): 0 to 90 (an expression may give anything). */
function readLookbackDays(this: IPollFunctions): number {
	const options = this.getNodeParameter('options', {}) as IDataObject;
	const raw = options.lookbackDays;
	// blank (an expression that gives nothing) means not set: start from the activation
	const days = isBlank(raw) ? 0 : readsAs(this, amount, raw);
	if (days !== undefined && days <= MAX_LOOKBACK_DAYS) return days;
	throw new NodeOperationError(
		this.getNode(),
		`Include Changes From the Last (Days) must be a number of days from 0 to ${MAX_LOOKBACK_DAYS}`,
		{
			description: `It is ${JSON.stringify(raw)}. Enter a number such as 7 (or an expression that gives one), or 0 to start from the activation.`,
		},
	);
}
