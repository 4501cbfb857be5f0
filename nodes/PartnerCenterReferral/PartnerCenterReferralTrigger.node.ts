import type {
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { optionsCollection, simplifyField, timeoutOption } from './descriptions/common';
import {
	customerCountryFilter,
	directionFilter,
	qualificationFilter,
	statusFilter,
	typeFilter,
} from './descriptions/filters';
import {
	DEFAULT_NOTIFY_BEFORE,
	MAX_LOOKBACK_DAYS,
	MAX_NOTIFY_BEFORE_HOURS,
	MIN_NOTIFY_BEFORE,
	NOTIFY_BEFORE_DECIMALS,
	statusTargets,
} from './trigger/parameters';
import { EVENT_NAMES } from './trigger/changes';
import { poll } from './trigger/poll';

export class PartnerCenterReferralTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Partner Center Referral Trigger',
		name: 'partnerCenterReferralTrigger',
		icon: { light: 'file:partnerCenter.svg', dark: 'file:partnerCenter.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["event"]}}',
		description:
			'Starts the workflow when a Partner Center referral is created, updated, changes status or is about to expire',
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
						name: EVENT_NAMES.referralCreated,
						value: 'referralCreated',
						description: 'A referral was created (e.g. Microsoft sent you a new lead)',
					},
					{
						name: EVENT_NAMES.referralUpdated,
						value: 'referralUpdated',
						description: 'An existing referral changed in any way',
					},
					{
						name: EVENT_NAMES.statusChanged,
						value: 'statusChanged',
						description:
							'A referral moved to another status or substatus (e.g. accepted, won, lost, expired: To Statuses Closed / Expired)',
					},
					{
						name: EVENT_NAMES.aboutToExpire,
						value: 'aboutToExpire',
						description:
							'A referral still waiting for your answer (New) expires within Notify Before. Once it expires it moves to Closed / Expired, which Status Changed reports.',
					},
				],
				default: 'referralCreated',
			},
			{
				displayName: 'Notify Before',
				name: 'notifyBefore',
				type: 'number',
				typeOptions: {
					minValue: MIN_NOTIFY_BEFORE,
					maxValue: MAX_NOTIFY_BEFORE_HOURS,
					numberPrecision: NOTIFY_BEFORE_DECIMALS,
				},
				default: DEFAULT_NOTIFY_BEFORE,
				description: `Fire once for each referral waiting for an answer (New) when its expiry (expirationDateTime) is this close (from ${MIN_NOTIFY_BEFORE}, at most ${MAX_NOTIFY_BEFORE_HOURS / 24} days or ${MAX_NOTIFY_BEFORE_HOURS} hours). A referral already this close at activation fires at the first poll.`,
				displayOptions: { show: { event: ['aboutToExpire'] } },
			},
			{
				displayName: 'Notify Before Unit',
				name: 'notifyBeforeUnit',
				type: 'options',
				options: [
					{ name: 'Hours', value: 'hours' },
					{ name: 'Days', value: 'days' },
				],
				default: 'days',
				displayOptions: { show: { event: ['aboutToExpire'] } },
			},
			{
				displayName: 'To Statuses',
				name: 'statuses',
				type: 'multiOptions',
				options: statusTargets,
				default: [],
				description:
					'Only fire when the referral moved to one of these (empty = any status change)',
				displayOptions: { show: { event: ['statusChanged'] } },
			},
			{
				displayName: 'Filters',
				name: 'filters',
				type: 'collection',
				placeholder: 'Add Filter',
				default: { direction: 'Incoming' },
				options: [
					customerCountryFilter,
					directionFilter,
					qualificationFilter,
					{
						...statusFilter,
						// About to Expire lists only referrals waiting for an answer (New)
						displayOptions: { hide: { '/event': ['aboutToExpire'] } },
					},
					typeFilter,
				],
			},
			simplifyField,
			optionsCollection(
				{
					displayName: 'Include Changes From the Last (Days)',
					name: 'lookbackDays',
					type: 'number',
					typeOptions: { minValue: 0, maxValue: MAX_LOOKBACK_DAYS },
					default: 0,
					description:
						'On the first poll after activation, also fire for referrals changed this many days before. 0 fires only what changes after activation.',
					// About to Expire fires at activation what is inside Notify Before already
					displayOptions: { hide: { '/event': ['aboutToExpire'] } },
				},
				timeoutOption,
			),
		],
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		return await poll.call(this);
	}
}
