import type { IDataObject, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { EXAMPLE_REFERRAL_ID, GUID_PATTERN } from './constants';
import { argumentName, FIXED_IN_TOOL, REFERRAL_ID_FOR_MODEL, runsAsTool } from './tool';

const EXACT_GUID = new RegExp(`^${GUID_PATTERN}$`);

/**
 * The referral GUID of a referral resource locator's value (or a plain string from an
 * expression), trimmed and URL-encoded. Anything else fails here, before a request; when
 * the node runs as a model's tool, in words for the model (`parameterName` finds the name
 * of its argument).
 */
export function referralIdOf(
	context: { getNode(): INode },
	parameter: unknown,
	itemIndex: number,
	parameterName = 'referralId',
): string {
	const locator: IDataObject =
		typeof parameter === 'object' && parameter !== null
			? (parameter as IDataObject)
			: { mode: 'id', value: parameter as string };
	const mode = String(locator.mode ?? 'id');
	const raw = locator.value === undefined || locator.value === null ? '' : String(locator.value);
	const id = parseReferralId(raw, mode);
	if (id === undefined) {
		const shown =
			raw.trim() === '' ? 'empty' : `"${raw.length > 80 ? `${raw.slice(0, 80)}…` : raw}"`;
		const node = context.getNode();
		if (runsAsTool(node)) {
			// For a model: its own argument's name, what an id is and where to get one; no
			// editor advice, and no example GUID it could take for a real referral's.
			const name = argumentName(node, [parameterName]);
			const what =
				name === undefined ? 'This tool\'s setting "Referral"' : `The argument "${name}"`;
			const fixed = name === undefined ? ` ${FIXED_IN_TOOL}` : '';
			throw new NodeOperationError(node, `${what} is not a referral id (it is ${shown})`, {
				description: `${REFERRAL_ID_FOR_MODEL}${fixed} Nothing was sent to Partner Center.`,
				itemIndex,
			});
		}
		throw new NodeOperationError(
			node,
			`The Referral parameter is not a valid referral ID (it is ${shown})`,
			{
				description:
					mode === 'url'
						? `"Referral" (By URL) expects a link with the referral's GUID right after /leads/ or /referrals/ (or /opportunities/) in its path: a Partner Center lead or co-sell link, or the API's /v1.0/engagements/referrals/${EXAMPLE_REFERRAL_ID}.`
						: `"Referral" expects a referral GUID such as ${EXAMPLE_REFERRAL_ID} (36 characters, hex digits and dashes). In an expression, map the "id" field of a previous Partner Center node, e.g. {{ $json.id }}.`,
				itemIndex,
			},
		);
	}
	return id;
}

export function parseReferralId(raw: string, mode = 'id'): string | undefined {
	const trimmed = raw.trim();
	const id = mode === 'url' ? referralIdInUrl(trimmed) : trimmed;
	return id !== undefined && EXACT_GUID.test(id) ? encodeURIComponent(id) : undefined;
}

/**
 * Path segments after which a link carries the referral's GUID: the portal's leads and co-sell
 * opportunities, the API's /v1.0/engagements/referrals/{id} and /v1.0/engagements/{e}/referrals/{id}.
 */
const REFERRAL_SEGMENTS = [
	'leads',
	'lead',
	'opportunities',
	'opportunity',
	'referrals',
	'referral',
];

/** A word in any letter case, as a character-class pattern (n8n's regex strings carry no flags). */
const anyCase = (word: string): string =>
	[...word].map((letter) => `[${letter.toUpperCase()}${letter}]`).join('');

/**
 * A link to a referral, up to its GUID, in the path only (a GUID in the query or fragment is
 * someone else's): a segment named above, a slash (the docs' own self link leaves it out:
 * .../engagements/referralsc5fbb3b6-...), the GUID, then the segment ends. Other GUIDs in the
 * link (an engagement's, say) are not the referral's.
 */
const REFERRAL_LINK = `[^?#\\s]*/(?:${REFERRAL_SEGMENTS.map(anyCase).join('|')})/?`;

/**
 * By URL's extractValue (n8n's convention for URL modes): its one group is the referral GUID.
 * The node reads the link with the same pattern (referralIdInUrl), so the editor and the node agree.
 */
export const REFERRAL_URL_EXTRACT = `^\\s*${REFERRAL_LINK}(${GUID_PATTERN})(?=[/?#\\s]|$)`;

/** By URL's validation (n8n wraps it in ^...$): a whole link that REFERRAL_URL_EXTRACT reads. */
export const REFERRAL_URL_VALIDATION = `\\s*${REFERRAL_LINK}${GUID_PATTERN}(?:[/?#].*)?\\s*`;

function referralIdInUrl(url: string): string | undefined {
	return new RegExp(REFERRAL_URL_EXTRACT).exec(url)?.[1];
}
