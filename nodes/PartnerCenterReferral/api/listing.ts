import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { formatReferral } from '../shared/simplify';
import { listReferrals } from '../transport';

/**
 * Lists referrals for Get Many and Get Related: at most `limit` (undefined: all), simplified or not.
 * Each page is mapped to output as it arrives and then dropped. `mustInclude` is put
 * first when the list missed it (a list can lag behind a write).
 */
export async function collectReferrals(
	this: IExecuteFunctions,
	qs: IDataObject,
	limit: number | undefined,
	simplify: boolean,
	itemIndex: number,
	mustInclude?: IDataObject,
): Promise<IDataObject[]> {
	const results: IDataObject[] = [];
	for await (const page of listReferrals.call(this, { qs, limit, itemIndex })) {
		for (const referral of page) results.push(formatReferral(referral, simplify));
	}
	if (mustInclude && !results.some((entry) => entry.id === mustInclude.id)) {
		results.unshift(formatReferral(mustInclude, simplify));
		if (limit !== undefined && results.length > limit) results.pop();
	}
	return results;
}
