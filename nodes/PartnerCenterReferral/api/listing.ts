/**
 * What a referral is, as read from a list page or an answer, and the referral listing:
 * the transport's pager (`listPages`) over Partner Center's referrals.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { REFERRALS_PATH } from '../shared/constants';
import { serviceFault } from '../shared/nodeError';
import { formatReferral } from '../shared/simplify';
import type { Collection, ListRequest, PartnerCenterContext, Resource } from '../transport';
import { listPages } from '../transport';

/** Whether a value read from Partner Center is a referral: an object with an id. */
export function isReferral(value: unknown): value is IDataObject {
	if (value === null || typeof value !== 'object') return false;
	const { id } = value as IDataObject;
	return typeof id === 'string' && id !== '';
}

/** The referrals of a list page; a page that is not a list of referrals is an error, not "no referrals". */
function readPage(
	this: PartnerCenterContext,
	body: IDataObject | undefined,
	itemIndex?: number,
): IDataObject[] {
	const value = body?.value;
	if (Array.isArray(value) && value.every(isReferral)) return value as IDataObject[];
	const what = Array.isArray(value)
		? 'an entry that is not a referral (no id)'
		: 'no list of referrals ("value")';
	throw serviceFault(
		new NodeOperationError(this.getNode(), `Partner Center returned a list page with ${what}`, {
			description:
				'The answer cannot be read as referrals (an empty result is "value": []), so the listing stopped rather than output wrong or missing referrals. Check the API Base URL in the credential (it must point at the Partner Center API, not a web page or another service) and run again; if it persists, report it to Microsoft support.',
			itemIndex,
		}),
	);
}

/**
 * How to find the referral a create made (or check whether it made one), the one text for it:
 * by what the create sent (its external reference ID, else its name, else the customer's name),
 * newest first; without the values sent (`sent` undefined), by the kind of filter to use.
 */
export function findCreatedHint(sent?: IDataObject): string {
	if (sent === undefined)
		return "To find it, run Get Many with Created After set to shortly before this run and a Custom Filter such as externalReferenceId eq '<your reference>' or customerProfile/name eq '<customer>', or see the Referrals page of the Partner Center portal.";
	const customer = (sent.customerProfile as IDataObject | undefined)?.name;
	const [label, value] =
		[
			['external reference ID', sent.externalReferenceId],
			['name', sent.name],
			['customer name', customer],
		].find(([, candidate]) => typeof candidate === 'string' && candidate !== '') ?? [];
	const by = label ? `: it has the ${String(label)} ${JSON.stringify(value)}` : '';
	return `To find it, run Get Many with Sort "Created, Newest First" (a new referral is among the first)${by}, or see the Referrals page of the Partner Center portal.`;
}

/** A referral to the transport: its words, and the advice about referrals only api/ can give. */
export const REFERRAL: Resource = {
	noun: { one: 'referral', many: 'referrals' },
	notFoundHint:
		"A Referrals User only sees referrals whose team includes them; a Referrals Admin sees all referrals of the partner's locations.",
	// the create's own values are not known here: the item's request says them (findCreatedHint(body))
	findCreatedHint: findCreatedHint(),
};

const REFERRALS: Collection = {
	...REFERRAL,
	path: REFERRALS_PATH,
	readPage,
};

/**
 * Lists referrals page by page (see `listPages`): only on the credential's own origin,
 * never the same link twice, never the same referral twice.
 */
export function listReferrals(
	this: PartnerCenterContext,
	request: ListRequest,
): AsyncGenerator<IDataObject[]> {
	return listPages.call(this, REFERRALS, request);
}

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
