/** Shared test data: the documented example referral, credentials, and a node runner. */
import type { IDataObject } from 'n8n-workflow';

import { PartnerCenterReferral } from '../nodes/PartnerCenterReferral/PartnerCenterReferral.node';
import { PartnerCenterReferralTrigger } from '../nodes/PartnerCenterReferral/PartnerCenterReferralTrigger.node';
import type { NodeSpec, RunOptions } from './harness';
import { runNode } from './harness';

export const API = 'https://api.partner.microsoft.com';
export const LOGIN = 'https://login.microsoftonline.com';
export const TOKEN_PATH = '/organizations/oauth2/v2.0/token';
export const ACCESS_TOKEN = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.access-token-that-must-not-leak.c2lnbmF0dXJl';
export const REFRESH_TOKEN = 'refresh-token-that-must-not-leak-0123456789';
export const REFERRALS = '/v1.0/engagements/referrals';
export const EXAMPLE_ID = 'c5fbb3b6-be74-4795-9fb5-4324c73fed37';

/** The response of Microsoft's "get a referral by id" page, verbatim. */
export function exampleReferral(): IDataObject {
	return {
		'@odata.context': 'https://api.partner.microsoft.com/v1.0/engagments/referrals/$metadata#Referrals/$entity',
		id: EXAMPLE_ID,
		engagementId: '65edc0b5-3485-41b7-a17e-dfa9ef4706e2',
		organizationId: '7d23e5ca-19dc-4eaa-aac8-5e6b559f0d1d',
		organizationName: 'Contoso Company',
		createdDateTime: '2020-10-30T21:03:00.0000000Z',
		updatedDateTime: '2020-10-30T21:03:00.0000000Z',
		status: 'New',
		substatus: 'Pending',
		qualification: 'Direct',
		type: 'Independent',
		direction: 'Incoming',
		customerProfile: {
			name: 'Fabrikam Customer Inc',
			address: {
				addressLine1: 'One Microsoft Way',
				addressLine2: '',
				city: 'Redmond',
				state: 'WA',
				postalCode: '98052',
				country: 'US',
			},
		},
		details: {
			notes: 'We are interested in deploying Microsoft 365 and are looking forsupport in training our employees. Can you help?',
			dealValue: 10000,
			currency: 'USD',
			closingDateTime: '2020-12-01T00:00:00Z',
			requirements: {
				industries: [{ id: 'Education' }],
				products: [{ id: 'Microsoft365' }],
				services: [{ id: 'LearningAndCertification' }],
				solutions: [{ id: 'SOL-Microsoft365', name: 'Microsoft365' }],
			},
		},
		links: {
			relatedReferrals: {
				uri: "https://api.partner.microsoft.com/v1.0/engagements/referrals$filter=engagementId eq '65edc0b5-3485-41b7-a17e-dfa9ef4706e2'",
				method: 'GET',
			},
			self: {
				uri: 'https://api.partner.microsoft.com/v1.0/engagements/referralsc5fbb3b6-be74-4795-9fb5-4324c73fed37',
				method: 'GET',
			},
		},
		eTag: '"2500ec5a-0000-0000-0000-5bf4967d0000"',
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
			oauthTokenData: { access_token: ACCESS_TOKEN, refresh_token: REFRESH_TOKEN, token_type: 'Bearer' },
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
	return await runNode({ type: 'partnerCenterReferral', parameters: { resource: 'referral', ...parameters }, ...spec }, options);
}

export const byId = (id: string) => ({ __rl: true, mode: 'id', value: id });
