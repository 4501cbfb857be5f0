import type { IExecuteFunctions, INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { getReferral } from '../../api/referrals';
import {
	concurrencyOption,
	optionsCollection,
	referralIdLocator,
	simplifyField,
	timeoutOption,
} from '../../descriptions/common';
import {
	REFERRAL_FIELDS_FOR_MODEL,
	REFERRAL_ID_FOR_MODEL,
	toolFieldsField,
} from '../../descriptions/tool';
import { formatReferral } from '../../shared/simplify';
import { ValueReader } from '../../shared/values';
import { getReferralId, readSimplify, toolReferral } from '../parameters';
import type { SendItem } from '../types';

export const option: INodePropertyOptions = {
	name: 'Get',
	value: 'get',
	description: 'Get a referral by its ID',
	action: 'Get a referral',
};

export const toolDescription = `Reads one Microsoft Partner Center referral (a co-sell opportunity or lead) by its id. ${REFERRAL_ID_FOR_MODEL} Returns the referral: ${REFERRAL_FIELDS_FOR_MODEL}, and more (notes, type, direction, eTag, ...). Reads only; changes nothing.`;

const properties: INodeProperties[] = [
	referralIdLocator,
	simplifyField,
	toolFieldsField('all'),
	optionsCollection(concurrencyOption, timeoutOption),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['referral'], operation: ['get'] } },
	properties,
);

export const writes = false;

export function prepare(this: IExecuteFunctions, itemIndex: number): SendItem {
	const id = getReferralId.call(this, itemIndex);
	const simplify = readSimplify(this, new ValueReader(this, itemIndex), itemIndex);
	return async () => [
		toolReferral(
			this,
			itemIndex,
			simplify,
			formatReferral(await getReferral.call(this, id, itemIndex), simplify),
		),
	];
}
