import type {
	IDataObject,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { simplifyField } from './descriptions/common';
import {
	customerCountryFilter,
	directionFilter,
	qualificationFilter,
	statusFilter,
	typeFilter,
} from './descriptions/filters';
import type { TriggerEvent } from './helpers/changes';
import { detectChanges, initialState, isTriggerState } from './helpers/changes';
import type { ReferralFilters } from './helpers/filters';
import { buildReferralFilter } from './helpers/filters';
import { formatReferral } from './helpers/simplify';
import { SUBSTATUSES_OF } from './helpers/transitions';
import { listReferrals, timing } from './transport';

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
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add option',
				default: {},
				options: [
					{
						displayName: 'Include Changes From the Last (Days)',
						name: 'lookbackDays',
						type: 'number',
						typeOptions: { minValue: 0, maxValue: 90 },
						default: 0,
						description:
							'On the first poll after activation, also fire for referrals changed this many days before. 0 starts from now.',
					},
				],
			},
		],
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const event = this.getNodeParameter('event') as TriggerEvent;
		const filters = this.getNodeParameter('filters', {}) as ReferralFilters & IDataObject;
		const simplify = this.getNodeParameter('simplify', true) as boolean;
		const options = this.getNodeParameter('options', {}) as IDataObject;
		const userFilter = buildReferralFilter(this, filters);
		const combine = (clause: string) => (userFilter ? `${clause} and (${userFilter})` : clause);

		if (this.getMode() === 'manual') {
			// "Fetch Test Event": the most recent matching referral, leaving the state alone.
			const qs: IDataObject = {
				$orderby: event === 'referralCreated' ? 'createdDateTime desc' : 'updatedDateTime desc',
			};
			if (userFilter) qs.$filter = userFilter;
			for await (const page of listReferrals.call(this, { qs, limit: 1 })) {
				const referral = page[0];
				return [
					[
						{
							json: {
								...formatReferral(referral, simplify),
								event,
								previousStatus: null,
								previousSubstatus: null,
							},
						},
					],
				];
			}
			throw new NodeOperationError(this.getNode(), 'No referral matches this trigger yet', {
				description:
					'Partner Center has no referral that matches the filters. Loosen the filters, or create a referral in Partner Center, and fetch the test event again.',
			});
		}

		const staticData = this.getWorkflowStaticData('node');
		const lookbackDays = Number(options.lookbackDays ?? 0);
		if (!isTriggerState(staticData.referrals)) {
			staticData.referrals = initialState(timing.now(), lookbackDays) as unknown as IDataObject;
			if (!(lookbackDays > 0)) return null;
		}
		const state = staticData.referrals as unknown as ReturnType<typeof initialState>;

		const listed: IDataObject[] = [];
		const qs = {
			$filter: combine(`updatedDateTime ge ${state.from}`),
			$orderby: 'updatedDateTime asc',
		};
		for await (const page of listReferrals.call(this, { qs })) listed.push(...page);

		const targets = event === 'statusChanged' ? (this.getNodeParameter('statuses', []) as string[]) : [];
		const { changes, state: next } = detectChanges(state, listed, event, targets);
		// Only now, after every page arrived, does the state move: a failed poll loses nothing.
		staticData.referrals = next as unknown as IDataObject;
		if (changes.length === 0) return null;
		return [
			changes.map((change) => ({
				json: {
					...formatReferral(change.referral, simplify),
					event: change.event,
					previousStatus: change.previousStatus,
					previousSubstatus: change.previousSubstatus,
				},
			})),
		];
	}
}
