import type {
	IDataObject,
	ILoadOptionsFunctions,
	INodeListSearchResult,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { getReferral } from '../api/referrals';
import { GUID_PATTERN, PORTAL_REFERRALS_URL } from '../shared/constants';
import { listReferrals } from '../api/listing';

/**
 * "From list" for every Referral parameter: the most recently updated referrals, shown as
 * "customer — name (status)". Partner Center documents no text search, so a search term
 * filters each page by name or customer here; a GUID is looked up directly. Each call
 * shows the next page that has referrals; the link to the one after is the pagination token.
 * Each entry links to Partner Center's Referrals workspace (Microsoft documents no link to one
 * referral), which the editor offers beside the entry and the chosen referral.
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
	let page: IDataObject[] = [];
	let nextLink: string | undefined;
	const listing = listReferrals.call(this, {
		qs: { $orderby: 'updatedDateTime desc' },
		resumeAt: paginationToken,
		onNextLink: (link) => (nextLink = link),
	});
	for await (const referrals of listing) {
		page = referrals;
		break;
	}
	const matches = term
		? page.filter((referral) => label(referral).toLowerCase().includes(term))
		: page;
	return { results: matches.map(toResult), paginationToken: nextLink };
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
		url: PORTAL_REFERRALS_URL,
	};
}
