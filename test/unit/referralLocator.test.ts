/**
 * The Referral parameter's By URL mode as n8n itself reads it: the editor's validation
 * (NodeHelpers.getParameterIssues) and n8n-core's extractValue, the code a node or n8n runs with
 * getNodeParameter(..., { extractValue: true }). Both must agree with the node's own reading
 * (parseReferralId) on every link shape the portal and the API produce, and refuse the rest.
 */
import type { INode, INodeParameters, INodeProperties } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';
// n8n-core's own resource-locator extraction (not in its index; n8n-core has no exports map)
import { extractValue } from 'n8n-core/dist/execution-engine/node-execution-context/utils/extract-value';

import {
	EXAMPLE_ENGAGEMENT_ID as ENGAGEMENT,
	EXAMPLE_REFERRAL_ID as REFERRAL,
} from '../../dev/sandbox/data';
import { PartnerCenterReferral } from '../../nodes/PartnerCenterReferral/PartnerCenterReferral.node';
import { referralIdLocator } from '../../nodes/PartnerCenterReferral/descriptions/common';
import { parseReferralId } from '../../nodes/PartnerCenterReferral/shared/referralId';

const ACCEPTED: Array<[string, string]> = [
	['a portal lead link', `https://partner.microsoft.com/dashboard/referrals/v2/leads/${REFERRAL}`],
	[
		'a portal lead link with a locale, a tab and a query',
		`https://partner.microsoft.com/en-us/dashboard/referrals/v2/leads/${REFERRAL}/details?view=all#notes`,
	],
	[
		'a portal co-sell opportunity link',
		`https://partner.microsoft.com/dashboard/referrals/v2/opportunities/${REFERRAL}`,
	],
	[
		'a portal link with the engagement first',
		`https://partner.microsoft.com/dashboard/engagements/${ENGAGEMENT}/leads/${REFERRAL}`,
	],
	[
		'the API link under its engagement',
		`https://api.partner.microsoft.com/v1.0/engagements/${ENGAGEMENT}/referrals/${REFERRAL}`,
	],
	['the API link', `https://api.partner.microsoft.com/v1.0/engagements/referrals/${REFERRAL}`],
	[
		'the docs’ self link (no slash before the GUID)',
		`https://api.partner.microsoft.com/v1.0/engagements/referrals${REFERRAL}`,
	],
	['a path without a host', `/v1.0/engagements/referrals/${REFERRAL}`],
	[
		'a link with spaces around it',
		`  https://partner.microsoft.com/dashboard/referrals/v2/leads/${REFERRAL}/ `,
	],
	[
		'other letter cases',
		`HTTPS://PARTNER.MICROSOFT.COM/DASHBOARD/REFERRALS/V2/LEADS/${REFERRAL.toUpperCase()}`,
	],
];

const REFUSED: Array<[string, string]> = [
	['only an engagement', `https://partner.microsoft.com/dashboard/engagements/${ENGAGEMENT}`],
	['the GUID in the query', `https://partner.microsoft.com/dashboard/leads?id=${REFERRAL}`],
	['a /leads/ path in the query', `https://partner.microsoft.com/home?next=/leads/${REFERRAL}`],
	['a /leads/ path in the fragment', `https://partner.microsoft.com/home#/leads/${REFERRAL}`],
	[
		'the related-referrals link',
		`https://api.partner.microsoft.com/v1.0/engagements/referrals?$filter=engagementId eq ${ENGAGEMENT}`,
	],
	[
		'more after the GUID in its segment',
		`https://partner.microsoft.com/dashboard/referrals/v2/leads/${REFERRAL}0`,
	],
	[
		'a segment that only ends in "leads"',
		`https://partner.microsoft.com/dashboard/myleads/${REFERRAL}`,
	],
	['a bare GUID', REFERRAL],
];

const nodeType = new PartnerCenterReferral();
const urlMode = referralIdLocator.modes?.find((mode) => mode.name === 'url');

function node(value: string): INode {
	return {
		id: 'n',
		name: 'Partner Center Referral',
		type: 'n8n-nodes-partner-center.partnerCenterReferral',
		typeVersion: 1,
		position: [0, 0],
		parameters: {
			resource: 'referral',
			operation: 'get',
			referralId: { __rl: true, mode: 'url', value },
		} as INodeParameters,
	};
}

/** What the editor shows under the parameter for this link (n8n's own validation of the mode). */
function editorIssues(value: string): string[] {
	const parameters = node(value).parameters;
	const issues = NodeHelpers.getParameterIssues(
		referralIdLocator as INodeProperties,
		parameters,
		'',
		node(value),
		nodeType.description,
	);
	return issues.parameters?.referralId ?? [];
}

/** The referral id n8n-core extracts from the link, or the message it fails with. */
function extracted(value: string): string {
	try {
		return String(
			extractValue({ __rl: true, mode: 'url', value }, 'referralId', node(value), nodeType),
		);
	} catch (error) {
		return `error: ${(error as Error).message}`;
	}
}

describe('Referral, By URL', () => {
	it('follows n8n’s convention: a regex extractValue with exactly one group', () => {
		expect(urlMode?.extractValue?.type).toBe('regex');
		const regex = String(urlMode?.extractValue?.regex);
		expect(new RegExp(`${regex}|`).exec('')?.length).toBe(2);
	});

	it.each(ACCEPTED)(
		'takes %s: the editor accepts it, n8n-core and the node read the same GUID',
		(_label, url) => {
			expect(editorIssues(url)).toEqual([]);
			expect(extracted(url).toLowerCase()).toBe(REFERRAL);
			expect(parseReferralId(url, 'url')).toBe(extracted(url));
		},
	);

	it.each(REFUSED)(
		'refuses %s: the editor says so, n8n-core and the node read nothing',
		(_label, url) => {
			expect(editorIssues(url)).toEqual([expect.stringContaining('Not a link to a referral')]);
			expect(extracted(url)).toMatch(/^error: /);
			expect(parseReferralId(url, 'url')).toBeUndefined();
		},
	);
});
