/** Shared test data: the documented example referral, credentials, and a node runner. */
import type { IDataObject } from 'n8n-workflow';

import { exampleReferral as documentedExample, EXAMPLE_REFERRAL_ID } from '../dev/sandbox/data';

import { PartnerCenterReferral } from '../nodes/PartnerCenterReferral/PartnerCenterReferral.node';
import { PartnerCenterReferralTrigger } from '../nodes/PartnerCenterReferral/PartnerCenterReferralTrigger.node';
import type { NodeSpec, RunOptions } from '../dev/harness';
import { runNode } from '../dev/harness';

export const API = 'https://api.partner.microsoft.com';
export const LOGIN = 'https://login.microsoftonline.com';
export const TOKEN_PATH = '/organizations/oauth2/v2.0/token';
export const ACCESS_TOKEN =
	'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.access-token-that-must-not-leak.c2lnbmF0dXJl';
export const REFRESH_TOKEN = 'refresh-token-that-must-not-leak-0123456789';
export const REFERRALS = '/v1.0/engagements/referrals';
export const EXAMPLE_ID = EXAMPLE_REFERRAL_ID;

/**
 * The response of Microsoft's "get a referral by id" page, verbatim: the sandbox's copy of
 * the documented example (checked field by field in test/sandbox/data.test.ts) plus the
 * response's @odata.context.
 */
export function exampleReferral(): IDataObject {
	return {
		'@odata.context':
			'https://api.partner.microsoft.com/v1.0/engagments/referrals/$metadata#Referrals/$entity',
		...(structuredClone(documentedExample()) as IDataObject),
	};
}

/** A referral with a given id and state, built on the example. */
export function referral(id: string, fields: IDataObject = {}): IDataObject {
	const { '@odata.context': _context, ...base } = exampleReferral();
	return { ...base, id, eTag: `"etag-${id.slice(0, 8)}"`, ...fields };
}

export function guid(n: number): string {
	return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

export function credentials(overrides: IDataObject = {}): RunOptions['credentials'] {
	return {
		partnerCenterOAuth2Api: {
			clientId: 'client-id',
			clientSecret: 'client-secret-that-must-not-leak',
			tenantId: 'organizations',
			baseUrl: API,
			accessTokenUrl: `${LOGIN}${TOKEN_PATH}`,
			oauthTokenData: {
				access_token: ACCESS_TOKEN,
				refresh_token: REFRESH_TOKEN,
				token_type: 'Bearer',
			},
			...overrides,
		},
	};
}

export function runOptions(credentialOverrides: IDataObject = {}): RunOptions {
	return {
		nodeTypes: [new PartnerCenterReferral(), new PartnerCenterReferralTrigger()],
		credentials: credentials(credentialOverrides),
	};
}

/** Runs the Partner Center Referral node once over `items`. */
export async function runReferral(
	parameters: NodeSpec['parameters'],
	spec: Partial<Omit<NodeSpec, 'parameters' | 'type'>> = {},
	options: RunOptions = runOptions(),
) {
	return await runNode(
		{ type: 'partnerCenterReferral', parameters: { resource: 'referral', ...parameters }, ...spec },
		options,
	);
}

export const byId = (id: string) => ({ __rl: true, mode: 'id', value: id });
