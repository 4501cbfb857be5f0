import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { GUID_PATTERN, MAX_PAGE_SIZE, REFERRALS_PATH } from '../helpers/constants';
import { getReferral } from '../helpers/referrals';
import { apiRequest } from '../transport';

/**
 * "From list" for every Referral parameter: the most recently updated referrals, shown as
 * "customer — name (status)". Partner Center documents no text search, so a search term
 * filters each page by name or customer here; a GUID is looked up directly. The list's
 * nextLink is the pagination token.
 */
export async function searchReferrals(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const term = filter?.trim().toLowerCase() ?? '';
	if (new RegExp(`^${GUID_PATTERN}$`).test(term)) {
		try {
			return { results: [toResult(await getReferral.call(this, term))] };
		} catch (error) {
			// An unknown id is simply not in the list; any other failure is shown.
			if (error instanceof NodeApiError && error.httpCode === '404') return { results: [] };
			throw new NodeApiError(this.getNode(), error as JsonObject);
		}
	}
	const { body } = await apiRequest.call(
		this,
		paginationToken
			? { method: 'GET', url: paginationToken }
			: {
					method: 'GET',
					path: REFERRALS_PATH,
					qs: { $orderby: 'updatedDateTime desc', $top: MAX_PAGE_SIZE },
				},
	);
	const page = Array.isArray(body?.value) ? (body.value as IDataObject[]) : [];
	const matches = term
		? page.filter((referral) => label(referral).toLowerCase().includes(term))
		: page;
	const nextLink = body?.['@odata.nextLink'];
	return {
		results: matches.map(toResult),
		paginationToken: typeof nextLink === 'string' && nextLink !== '' ? nextLink : undefined,
	};
}

function label(referral: IDataObject): string {
	const customer = (referral.customerProfile as IDataObject | undefined)?.name;
	const name = referral.name ?? referral.id;
	const status = [referral.status, referral.substatus].filter(Boolean).join('/');
	return `${customer ?? 'Unknown customer'} — ${name}${status ? ` (${status})` : ''}`;
}

function toResult(referral: IDataObject) {
	return {
		name: label(referral),
		value: String(referral.id),
	};
}
