/**
 * Referral fields that Create and Update set. They share names and values with filters of
 * the same name (descriptions/filters.ts), not their meaning: a filter selects referrals, a
 * field writes a value.
 */
import type { INodeProperties } from 'n8n-workflow';

import { QUALIFICATIONS, TYPES } from '../shared/constants';
import { toOptions } from './filters';

export const typeField: INodeProperties = {
	displayName: 'Type',
	name: 'type',
	type: 'options',
	options: toOptions(TYPES),
	default: 'Independent',
	required: true,
	description:
		'Independent: a lead you work yourself. Shared: co-sell with Microsoft or another partner.',
};

export const qualificationField: INodeProperties = {
	displayName: 'Qualification',
	name: 'qualification',
	type: 'options',
	options: toOptions(QUALIFICATIONS),
	default: 'Direct',
	description: "How far the customer's need is qualified (None when it is not)",
};
