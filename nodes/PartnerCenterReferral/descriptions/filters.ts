/** The filter fields of Get Many, reused by the trigger. Names match shared/odataFilter.ts. */
import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { DIRECTIONS, QUALIFICATIONS, STATUSES, SUBSTATUSES, TYPES } from '../shared/constants';

const LABELS: Record<string, string> = {
	MarketingQualified: 'Marketing Qualified',
	SalesQualified: 'Sales Qualified',
};

/** An enum's values as options, with readable names, sorted by name. */
export function toOptions(values: readonly string[]): INodePropertyOptions[] {
	return values
		.map((value) => ({ name: LABELS[value] ?? value, value }))
		.sort((a, b) => a.name.localeCompare(b.name));
}

export const statusFilter: INodeProperties = {
	displayName: 'Status',
	name: 'status',
	type: 'multiOptions',
	options: toOptions(STATUSES),
	default: [],
	description: 'Only referrals with one of these statuses',
};

export const substatusFilter: INodeProperties = {
	displayName: 'Substatus',
	name: 'substatus',
	type: 'multiOptions',
	options: toOptions(SUBSTATUSES),
	default: [],
	description: 'Only referrals with one of these substatuses',
};

export const typeFilter: INodeProperties = {
	displayName: 'Type',
	name: 'type',
	type: 'options',
	options: toOptions(TYPES),
	default: 'Independent',
	description: 'Only referrals of this type (Shared = co-sell with Microsoft)',
};

export const qualificationFilter: INodeProperties = {
	displayName: 'Qualification',
	name: 'qualification',
	type: 'options',
	options: toOptions(QUALIFICATIONS),
	default: 'Direct',
	description: 'Only referrals with this qualification',
};

export const directionFilter: INodeProperties = {
	displayName: 'Direction',
	name: 'direction',
	type: 'options',
	options: toOptions(DIRECTIONS),
	default: 'Incoming',
	description:
		'Incoming: referrals sent to you (by Microsoft or other partners). Outgoing: referrals you sent.',
};

export const customerCountryFilter: INodeProperties = {
	displayName: 'Customer Country',
	name: 'customerCountry',
	type: 'string',
	default: '',
	placeholder: 'e.g. US',
	description: "Two-letter ISO 3166 code of the customer's country",
};

export const referralFilterFields: INodeProperties[] = [
	{
		displayName: 'Created After',
		name: 'createdAfter',
		type: 'dateTime',
		default: '',
		description: 'Only referrals created at or after this time',
	},
	customerCountryFilter,
	{
		displayName: 'Custom Filter (OData)',
		name: 'customFilter',
		type: 'string',
		default: '',
		placeholder: "e.g. details/dealValue ge 10000 or customerProfile/address/state eq 'WA'",
		description:
			'A raw OData $filter expression, combined with the other filters with "and". Its parentheses must balance and its quoted texts must close (write a quote inside a text twice).',
	},
	directionFilter,
	{
		displayName: 'Engagement ID',
		name: 'engagementId',
		type: 'string',
		default: '',
		placeholder: 'e.g. 65edc0b5-3485-41b7-a17e-dfa9ef4706e2',
		description:
			'Only referrals of this engagement (the referrals shared with Microsoft or other partners for one deal)',
	},
	qualificationFilter,
	statusFilter,
	substatusFilter,
	{
		displayName: 'Team Member Email',
		name: 'teamMemberEmail',
		type: 'string',
		placeholder: 'name@email.com',
		default: '',
		description: "Only referrals whose team includes this person's email",
	},
	typeFilter,
	{
		displayName: 'Updated After',
		name: 'updatedAfter',
		type: 'dateTime',
		default: '',
		description: 'Only referrals last updated at or after this time',
	},
	{
		displayName: 'Updated Before',
		name: 'updatedBefore',
		type: 'dateTime',
		default: '',
		description: 'Only referrals last updated before this time',
	},
];
