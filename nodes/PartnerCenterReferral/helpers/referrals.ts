/** Referral requests used by several operations (built on the transport). */
import type { IDataObject } from 'n8n-workflow';

import { REFERRALS_PATH } from './constants';
import type { PartnerCenterContext } from '../transport';
import { apiRequest } from '../transport';

export async function getReferral(
	this: PartnerCenterContext,
	id: string,
	itemIndex?: number,
): Promise<IDataObject> {
	const { body } = await apiRequest.call(this, {
		method: 'GET',
		path: `${REFERRALS_PATH}/${id}`,
		itemIndex,
		referralId: id,
	});
	return body ?? {};
}
