import type {
	IDataObject,
	IExecuteFunctions,
	INodeProperties,
	INodePropertyOptions,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { collectReferrals } from '../../api/listing';
import {
	limitField,
	optionsCollection,
	returnAllField,
	simplifyField,
	timeoutOption,
} from '../../descriptions/common';
import { referralFilterFields } from '../../descriptions/filters';
import {
	LISTING_SIZE_FOR_MODEL,
	REFERRAL_FIELDS_FOR_MODEL,
	toolFieldsField,
} from '../../descriptions/tool';
import type { ReferralFilters } from '../../shared/odataFilter';
import { buildReferralFilter } from '../../shared/odataFilter';
import { oneOf, ValueReader } from '../../shared/values';
import { listingLimit, readLimit, readSimplify, toolAnswer } from '../parameters';
import type { SendItem } from '../types';

const DEFAULT_SORT = 'updatedDateTime desc';
const SORTS = [
	'createdDateTime desc',
	'createdDateTime asc',
	'updatedDateTime desc',
	'updatedDateTime asc',
];

export const option: INodePropertyOptions = {
	name: 'Get Many',
	value: 'getMany',
	description: 'Get many referrals, filtered and sorted',
	action: 'Get many referrals',
};

export const toolDescription = `Lists Microsoft Partner Center referrals (co-sell opportunities and leads), most recently updated first unless this tool sorts otherwise, one entry per referral: ${REFERRAL_FIELDS_FOR_MODEL}. Use an entry's id with the other referral tools. ${LISTING_SIZE_FOR_MODEL} Reads only; changes nothing.`;

const properties: INodeProperties[] = [
	returnAllField,
	limitField,
	simplifyField,
	toolFieldsField('compact'),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: referralFilterFields,
	},
	optionsCollection(
		{
			displayName: 'Sort',
			name: 'sort',
			type: 'options',
			options: [
				{ name: 'Created, Newest First', value: SORTS[0] },
				{ name: 'Created, Oldest First', value: SORTS[1] },
				{ name: 'Updated, Newest First', value: SORTS[2] },
				{ name: 'Updated, Oldest First', value: SORTS[3] },
			],
			default: DEFAULT_SORT,
			description: 'The order to return referrals in (newest update first when not set)',
		},
		timeoutOption,
	),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['referral'], operation: ['getMany'] } },
	properties,
);

export const writes = false;

export function prepare(this: IExecuteFunctions, itemIndex: number): SendItem {
	const filters = this.getNodeParameter('filters', itemIndex, {}) as ReferralFilters & IDataObject;
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const read = new ValueReader(this, itemIndex);
	const limit = readLimit(this, read, itemIndex);
	const simplify = readSimplify(this, read, itemIndex);
	const qs: IDataObject = {};
	const filter = buildReferralFilter(this, filters, itemIndex);
	if (filter) qs.$filter = filter;
	// Newest first unless the user chose another order, so "Limit 10" means the 10 latest.
	qs.$orderby = read.optional('Sort', options.sort, oneOf(SORTS)) ?? DEFAULT_SORT;
	return async () =>
		toolAnswer(
			this,
			itemIndex,
			simplify,
			await collectReferrals.call(this, qs, listingLimit(this, limit), simplify, itemIndex),
		);
}
