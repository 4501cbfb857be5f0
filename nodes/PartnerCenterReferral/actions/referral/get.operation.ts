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
import { formatReferral } from '../../shared/simplify';
import { ValueReader } from '../../shared/values';
import { getReferralId, readSimplify } from '../parameters';
import type { SendItem } from '../types';

export const option: INodePropertyOptions = {
	name: 'Get',
	value: 'get',
	description: 'Get a referral by its ID',
	action: 'Get a referral',
};

const properties: INodeProperties[] = [
	referralIdLocator,
	simplifyField,
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
	return async () => [formatReferral(await getReferral.call(this, id, itemIndex), simplify)];
}
