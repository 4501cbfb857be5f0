import type { IExecuteFunctions, INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { collectReferrals } from '../../api/listing';
import { getReferral } from '../../api/referrals';
import {
	limitField,
	optionsCollection,
	referralIdLocator,
	returnAllField,
	simplifyField,
	timeoutOption,
} from '../../descriptions/common';
import { quote } from '../../shared/odataFilter';
import { ValueReader } from '../../shared/values';
import { getReferralId, readLimit, readSimplify } from '../parameters';
import type { SendItem } from '../types';

export const option: INodePropertyOptions = {
	name: 'Get Related',
	value: 'getRelated',
	description:
		'Get all referrals of the same engagement as a referral (the referral itself included)',
	action: 'Get related referrals',
};

const properties: INodeProperties[] = [
	referralIdLocator,
	returnAllField,
	limitField,
	simplifyField,
	optionsCollection(timeoutOption),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['referral'], operation: ['getRelated'] } },
	properties,
);

export const writes = false;

export function prepare(this: IExecuteFunctions, itemIndex: number): SendItem {
	const id = getReferralId.call(this, itemIndex);
	const read = new ValueReader(this, itemIndex);
	const limit = readLimit(this, read, itemIndex);
	const simplify = readSimplify(this, read, itemIndex);
	return async () => {
		const referral = await getReferral.call(this, id, itemIndex);
		const engagementId = referral.engagementId;
		if (typeof engagementId !== 'string' || engagementId === '') {
			throw new NodeOperationError(this.getNode(), `Referral ${id} has no engagement ID`, {
				description:
					'Partner Center returned the referral without an engagementId, so its related referrals cannot be listed.',
				itemIndex,
			});
		}
		// The referral itself is always part of its engagement, even when the list lags behind.
		const filter = `engagementId eq ${quote(engagementId)}`;
		const related = await collectReferrals.call(
			this,
			{ $filter: filter },
			limit,
			simplify,
			itemIndex,
			referral,
		);
		// Simplified or raw, each carries engagementId at the top.
		const stranger = related.find(
			(entry) => String(entry.engagementId).toLowerCase() !== engagementId.toLowerCase(),
		);
		if (stranger) {
			throw new NodeOperationError(
				this.getNode(),
				`Partner Center listed referral ${String(stranger.id)} of another engagement as related to ${id}`,
				{
					description: `The list for engagement ${engagementId} held a referral of engagement ${String(stranger.engagementId)}, so nothing was output rather than unrelated referrals. Check the API Base URL in the credential (a proxy in front of Partner Center may drop the filter) and run again.`,
					itemIndex,
				},
			);
		}
		return related;
	};
}
