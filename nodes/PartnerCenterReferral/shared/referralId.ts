import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { EXAMPLE_REFERRAL_ID, GUID_PATTERN } from './constants';

const EXACT_GUID = new RegExp(`^${GUID_PATTERN}$`);

/**
 * Reads a referral resource locator (or a plain string from an expression) and returns
 * the referral GUID, trimmed and URL-encoded. Anything else fails here, before a request.
 */
export function getReferralId(this: IExecuteFunctions, itemIndex: number, parameterName = 'referralId'): string {
	const parameter = this.getNodeParameter(parameterName, itemIndex) as string | IDataObject;
	const locator = typeof parameter === 'object' && parameter !== null ? parameter : { mode: 'id', value: parameter };
	const mode = String(locator.mode ?? 'id');
	const raw = locator.value === undefined || locator.value === null ? '' : String(locator.value);
	const id = parseReferralId(raw, mode);
	if (id === undefined) {
		const shown = raw.trim() === '' ? 'empty' : `"${raw.length > 80 ? `${raw.slice(0, 80)}…` : raw}"`;
		throw new NodeOperationError(this.getNode(), `The Referral parameter is not a valid referral ID (it is ${shown})`, {
			description:
				mode === 'url'
					? `"Referral" (By URL) expects a link with the referral's GUID right after /leads/ or /referrals/ in its path, e.g. https://partner.microsoft.com/dashboard/referrals/v2/leads/${EXAMPLE_REFERRAL_ID}.`
					: `"Referral" expects a referral GUID such as ${EXAMPLE_REFERRAL_ID} (36 characters, hex digits and dashes). In an expression, map the "id" field of a previous Partner Center node, e.g. {{ $json.id }}.`,
			itemIndex,
		});
	}
	return id;
}

export function parseReferralId(raw: string, mode = 'id'): string | undefined {
	const trimmed = raw.trim();
	const id = mode === 'url' ? referralIdInUrl(trimmed) : trimmed;
	return id !== undefined && EXACT_GUID.test(id) ? encodeURIComponent(id) : undefined;
}

/**
 * The GUID of the path segment right after a `leads` or `referrals` segment: the portal's
 * /leads/{id} or /referrals/{id}, the API's /referrals/{id}. Other GUIDs in the link (an
 * engagement's, say) are not the referral's.
 */
function referralIdInUrl(url: string): string | undefined {
	const segments = url.split(/[?#]/)[0].split('/');
	const index = segments.findIndex(
		(segment, at) => at > 0 && /^(leads|referrals)$/i.test(segments[at - 1]) && EXACT_GUID.test(segment),
	);
	return index === -1 ? undefined : segments[index];
}
