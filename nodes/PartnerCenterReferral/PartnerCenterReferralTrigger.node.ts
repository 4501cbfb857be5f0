import type {
	IDataObject,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { optionsCollection, simplifyField, timeoutOption } from './descriptions/common';
import {
	customerCountryFilter,
	directionFilter,
	qualificationFilter,
	statusFilter,
	typeFilter,
} from './descriptions/filters';
import type { Change, TriggerEvent } from './shared/changes';
import { detectChanges, MAX_WINDOW, readState, serviceClock, startState } from './shared/changes';
import type { ReferralFilters } from './shared/filters';
import { buildReferralFilter } from './shared/filters';
import { formatReferral } from './shared/simplify';
import { timeoutMsForOption } from './shared/timeout';
import { timing } from './shared/timing';
import { SUBSTATUSES_OF } from './shared/transitions';
import { amount, isBlank, readsAs } from './shared/values';
import type { ApiResponse } from './transport';
import { listReferrals, useTimeout } from './transport';

const MAX_LOOKBACK_DAYS = 90;

const statusTargets = Object.entries(SUBSTATUSES_OF).flatMap(([status, substatuses]) => [
	{ name: `${status} (Any Substatus)`, value: status },
	...substatuses.map((substatus) => ({ name: `${status} / ${substatus}`, value: `${status}/${substatus}` })),
]);

export class PartnerCenterReferralTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Partner Center Referral Trigger',
		name: 'partnerCenterReferralTrigger',
		icon: { light: 'file:partnerCenter.svg', dark: 'file:partnerCenter.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["event"]}}',
		description: 'Starts the workflow when a Partner Center referral is created, updated or changes status',
		defaults: { name: 'Partner Center Referral Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'partnerCenterOAuth2Api', required: true }],
		properties: [
			{
				displayName: 'Trigger On',
				name: 'event',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'New Referral',
						value: 'referralCreated',
						description: 'A referral was created (e.g. Microsoft sent you a new lead)',
					},
					{
						name: 'Referral Updated',
						value: 'referralUpdated',
						description: 'An existing referral changed in any way',
					},
					{
						name: 'Status Changed',
						value: 'statusChanged',
						description: 'A referral moved to another status or substatus (e.g. accepted, won, lost)',
					},
				],
				default: 'referralCreated',
			},
			{
				displayName: 'To Statuses',
				name: 'statuses',
				type: 'multiOptions',
				options: statusTargets,
				default: [],
				description: 'Only fire when the referral moved to one of these (empty = any status change)',
				displayOptions: { show: { event: ['statusChanged'] } },
			},
			{
				displayName: 'Filters',
				name: 'filters',
				type: 'collection',
				placeholder: 'Add Filter',
				default: { direction: 'Incoming' },
				options: [customerCountryFilter, directionFilter, qualificationFilter, statusFilter, typeFilter],
			},
			simplifyField,
			optionsCollection({
				displayName: 'Include Changes From the Last (Days)',
				name: 'lookbackDays',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: MAX_LOOKBACK_DAYS },
				default: 0,
				description:
					'On the first poll after activation, also fire for referrals changed this many days before. 0 fires only what changes after activation.',
			}, timeoutOption),
		],
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const event = this.getNodeParameter('event') as TriggerEvent;
		const filters = this.getNodeParameter('filters', {}) as ReferralFilters & IDataObject;
		const simplify = this.getNodeParameter('simplify', true) as boolean;
		const lookbackDays = readLookbackDays.call(this);
		useTimeout(this, timeoutMsForOption(this, (this.getNodeParameter('options', {}) as IDataObject).timeout));
		const userFilter = buildReferralFilter(this, filters);

		if (this.getMode() === 'manual') {
			// "Fetch Test Event": the most recent matching referral, leaving the state alone.
			const qs: IDataObject = {
				$orderby: event === 'referralCreated' ? 'createdDateTime desc' : 'updatedDateTime desc',
			};
			if (userFilter) qs.$filter = userFilter;
			for await (const page of listReferrals.call(this, { qs, limit: 1 })) {
				return [[toItem({ referral: page[0], event, previousStatus: null, previousSubstatus: null }, simplify)]];
			}
			throw new NodeOperationError(this.getNode(), 'No referral matches this trigger yet', {
				description:
					'Partner Center has no referral that matches the filters. Loosen the filters, or create a referral in Partner Center, and fetch the test event again.',
			});
		}

		const staticData = this.getWorkflowStaticData('node');
		const startedMs = timing.now();
		const remembered = readState(staticData.referrals);
		const state = remembered ?? startState(startedMs, lookbackDays);
		const { referrals, firstResponse } = await listChangedSince.call(this, state.from, userFilter);

		const targets = event === 'statusChanged' ? (this.getNodeParameter('statuses', []) as string[]) : [];
		const serviceNowMs = serviceClock(startedMs, firstResponse);
		const { changes, state: next, overflow } = detectChanges(state, referrals, event, targets, serviceNowMs);
		if (overflow) {
			this.logger.warn(
				`Partner Center Referral Trigger "${this.getNode().name}": ${overflow.inWindow} referral changes are inside the poll window, more than the ${MAX_WINDOW} it remembers. Nothing fires twice: the next poll starts at ${overflow.from}, so a change Partner Center writes late with an earlier time would be missed.`,
			);
		}
		// Only now, after every page arrived, does the state move: a failed poll loses nothing.
		staticData.referrals = next as unknown as IDataObject;
		// The activation poll (without a look-back) only remembers what exists: nothing from before fires.
		const fired = remembered || lookbackDays > 0 ? changes : [];
		if (fired.length === 0) return null;
		return [fired.map((change) => toItem(change, simplify))];
	}
}

/** An output item: the referral, then `event`, `previousStatus`, `previousSubstatus` (also for the test event). */
function toItem(change: Change, simplify: boolean): INodeExecutionData {
	return {
		json: {
			...formatReferral(change.referral, simplify),
			event: change.event,
			previousStatus: change.previousStatus,
			previousSubstatus: change.previousSubstatus,
		},
	};
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

/**
 * Every referral updated at or after `from` that matches the user's filters, oldest first,
 * following every page; and the Date header of the first response with n8n's time at its arrival.
 */
async function listChangedSince(this: IPollFunctions, from: string, userFilter: string | undefined) {
	const clause = `updatedDateTime ge ${from}`;
	const qs = { $filter: userFilter ? `${clause} and (${userFilter})` : clause, $orderby: 'updatedDateTime asc' };
	let firstResponse: { date: unknown; receivedMs: number } | undefined;
	const onResponse = (response: ApiResponse) => {
		firstResponse ??= { date: response.headers.date, receivedMs: timing.now() };
	};
	const referrals: IDataObject[] = [];
	for await (const page of listReferrals.call(this, { qs, onResponse })) referrals.push(...page);
	return { referrals, firstResponse };
}
