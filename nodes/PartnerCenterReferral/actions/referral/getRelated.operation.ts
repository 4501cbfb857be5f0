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
import {
	LISTING_SIZE_FOR_MODEL,
	REFERRAL_FIELDS_FOR_MODEL,
	REFERRAL_ID_FOR_MODEL,
	toolFieldsField,
} from '../../descriptions/tool';
import { quote } from '../../shared/odataFilter';
import { serviceFault } from '../../shared/nodeError';
import { ValueReader } from '../../shared/values';
import { getReferralId, listingLimit, readLimit, readSimplify, toolAnswer } from '../parameters';
import type { SendItem } from '../types';

export const option: INodePropertyOptions = {
	name: 'Get Related',
	value: 'getRelated',
	description:
		'Get all referrals of the same engagement as a referral (the referral itself included)',
	action: 'Get related referrals',
};

export const toolDescription = `Lists every referral of the same engagement (deal) as one Microsoft Partner Center referral, that referral included: for a co-sell deal, the partner's and Microsoft's. ${REFERRAL_ID_FOR_MODEL} One entry per referral: ${REFERRAL_FIELDS_FOR_MODEL}. ${LISTING_SIZE_FOR_MODEL} Reads only; changes nothing.`;

const properties: INodeProperties[] = [
	referralIdLocator,
	returnAllField,
	limitField,
	simplifyField,
	toolFieldsField('compact'),
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
			throw serviceFault(
				new NodeOperationError(this.getNode(), `Referral ${id} has no engagement ID`, {
					description:
						'Partner Center returned the referral without an engagementId, so its related referrals cannot be listed.',
					itemIndex,
				}),
			);
		}
		// The referral itself is always part of its engagement, even when the list lags behind.
		const filter = `engagementId eq ${quote(engagementId)}`;
		const related = await collectReferrals.call(
			this,
			{ $filter: filter },
			listingLimit(this, limit),
			simplify,
			itemIndex,
			referral,
		);
		// Simplified or raw, each carries engagementId at the top.
		const stranger = related.find(
			(entry) => String(entry.engagementId).toLowerCase() !== engagementId.toLowerCase(),
		);
		if (stranger) {
			throw serviceFault(
				new NodeOperationError(
					this.getNode(),
					`Partner Center listed referral ${String(stranger.id)} of another engagement as related to ${id}`,
					{
						description: `The list for engagement ${engagementId} held a referral of engagement ${String(stranger.engagementId)}, so nothing was output rather than unrelated referrals. Check the API Base URL in the credential (a proxy in front of Partner Center may drop the filter) and run again.`,
						itemIndex,
					},
				),
			);
		}
		return toolAnswer(this, itemIndex, simplify, related);
	};
}
