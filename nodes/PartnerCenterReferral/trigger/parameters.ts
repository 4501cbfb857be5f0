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
	/** Options → Timeout, in milliseconds. */
	timeoutMs: number;
}

/** Every parameter of the trigger, checked; a bad one fails with an error naming it. */
export function readPollSettings(this: IPollFunctions): PollSettings {
	const event = this.getNodeParameter('event') as TriggerEvent;
	const filters = this.getNodeParameter('filters', {}) as ReferralFilters & IDataObject;
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
	const userFilter = buildReferralFilter(this, filters);
	return { event, filters, userFilter, targets, simplify, lookbackDays, timeoutMs };
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
