import type { IDataObject, IExecuteFunctions, INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { limitField, referralIdLocator, returnAllField, simplifyField } from '../../descriptions/common';
import { quote } from '../../helpers/filters';
import { collectReferrals } from '../../helpers/listing';
import { getReferral } from '../../helpers/referrals';
import { getReferralId } from '../../helpers/referralId';
import { formatReferral } from '../../helpers/simplify';

export const option: INodePropertyOptions = {
	name: 'Get Related',
	value: 'getRelated',
	description: 'Get all referrals of the same engagement as a referral (the referral itself included)',
	action: 'Get related referrals',
};

const properties: INodeProperties[] = [referralIdLocator, returnAllField, limitField, simplifyField];

export const description = updateDisplayOptions(
	{ show: { resource: ['referral'], operation: ['getRelated'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const id = getReferralId.call(this, itemIndex);
	const referral = await getReferral.call(this, id, itemIndex);
	const engagementId = referral.engagementId;
	if (typeof engagementId !== 'string' || engagementId === '') {
		throw new NodeOperationError(this.getNode(), `Referral ${id} has no engagement ID`, {
			description: 'Partner Center returned the referral without an engagementId, so its related referrals cannot be listed.',
			itemIndex,
		});
	}
	const related = await collectReferrals.call(this, { $filter: `engagementId eq ${quote(engagementId)}` }, itemIndex);
	// The list can lag behind a write (e.g. right after a create): the referral itself is
	// always part of its engagement, so add it when the list missed it.
	if (!related.some((entry) => entry.id === referral.id)) {
		const simplify = this.getNodeParameter('simplify', itemIndex, true) as boolean;
		const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
		const limit = returnAll ? Number.POSITIVE_INFINITY : (this.getNodeParameter('limit', itemIndex, 50) as number);
		related.unshift(formatReferral(referral, simplify));
		if (related.length > limit) related.pop();
	}
	return related;
}
