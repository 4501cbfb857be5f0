/**
 * The credential: URLs derived from the tenant, the scope, the API Base URL, and its test request.
 */
import nock from 'nock';

import { PartnerCenterOAuth2Api } from '../../credentials/PartnerCenterOAuth2Api.credentials';
import { byId, EXAMPLE_ID, exampleReferral, REFERRALS, runOptions, runReferral } from '../fixtures';

beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());
afterEach(() => nock.cleanAll());

const property = (name: string) =>
	new PartnerCenterOAuth2Api().properties.find((p) => p.name === name);

describe('Partner Center OAuth2 API credential', () => {
	it('is a delegated authorization-code OAuth2 credential with the .default scope and a refresh token', () => {
		const credential = new PartnerCenterOAuth2Api();
		expect(credential.name).toBe('partnerCenterOAuth2Api');
		expect(credential.displayName).toBe('Partner Center OAuth2 API');
		expect(credential.extends).toEqual(['oAuth2Api']);
		expect(property('grantType')?.default).toBe('authorizationCode');
		expect(property('scope')?.default).toBe(
			'https://api.partner.microsoft.com/.default offline_access',
		);
		expect(property('tenantId')?.default).toBe('organizations');
		expect(property('baseUrl')?.default).toBe('https://api.partner.microsoft.com');
	});

	it('derives the v2 token URL from the tenant: a refresh goes to login.microsoftonline.com/<tenant>', async () => {
		const options = runOptions({ tenantId: 'contoso.onmicrosoft.com', accessTokenUrl: undefined });
		delete options.credentials!.partnerCenterOAuth2Api.accessTokenUrl;
		nock('https://api.partner.microsoft.com').get(`${REFERRALS}/${EXAMPLE_ID}`).reply(401, {});
		const refresh = nock('https://login.microsoftonline.com')
			.post('/contoso.onmicrosoft.com/oauth2/v2.0/token')
			.reply(200, {
				token_type: 'Bearer',
				access_token: 'fresh',
				refresh_token: 'r2',
				expires_in: 3600,
			});
		nock('https://api.partner.microsoft.com')
			.get(`${REFERRALS}/${EXAMPLE_ID}`)
			.reply(200, exampleReferral());
		const { items, error } = await runReferral(
			{ operation: 'get', referralId: byId(EXAMPLE_ID) },
			{},
			options,
		);
		expect(error).toBeUndefined();
		expect(refresh.isDone()).toBe(true);
		expect(items[0].json.id).toBe(EXAMPLE_ID);
	});

	it('sends requests to the API Base URL, a trailing slash or not', async () => {
		const scope = nock('http://127.0.0.1:8080')
			.get(`${REFERRALS}/${EXAMPLE_ID}`)
			.reply(200, exampleReferral());
		const { error } = await runReferral(
			{ operation: 'get', referralId: byId(EXAMPLE_ID) },
			{},
			runOptions({ baseUrl: 'http://127.0.0.1:8080//' }),
		);
		expect(error).toBeUndefined();
		expect(scope.isDone()).toBe(true);
	});

	it('says in a notice that the redirect URL goes in Entra ID (App registrations → Authentication → Web) and which API permission to add', () => {
		const notice = property('entraSetupNotice');
		expect(notice?.type).toBe('notice');
		expect(notice?.displayName).toContain('Microsoft Entra ID, not in Partner Center');
		expect(notice?.displayName).toContain(
			'App registrations → your app → Authentication → Add a platform → Web',
		);
		expect(notice?.displayName).toContain('Microsoft Partner Center → user_impersonation');
		expect(notice?.displayName).toContain('grant admin consent');
		// n8n lists the parent's Client ID and Client Secret first, then this type's own fields: the notice, then Tenant ID
		const own = new PartnerCenterOAuth2Api().properties
			.filter((p) => p.type !== 'hidden')
			.map((p) => p.name);
		expect(own.slice(0, 2)).toEqual(['entraSetupNotice', 'tenantId']);
	});

	it('tests the connection with one cheap authenticated list call on the API Base URL', () => {
		const { test } = new PartnerCenterOAuth2Api();
		expect(test.request.url).toBe('/v1.0/engagements/referrals');
		expect(test.request.qs).toEqual({ $top: 1 });
		expect(test.request.baseURL).toContain('$credentials.baseUrl');
	});
});
