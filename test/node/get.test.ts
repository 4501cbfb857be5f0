/**
 * Get: through n8n's engine with nock standing in for Partner Center and the token endpoint.
 */
import nock from 'nock';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { EXAMPLE_ENGAGEMENT_ID as ENGAGEMENT } from '../../dev/sandbox/data';
import { timing } from '../../nodes/PartnerCenterReferral/shared/timing';
import { DEADLINE_FACTOR } from '../../nodes/PartnerCenterReferral/transport/deadline';
import { DEFAULT_TIMEOUT_SECONDS } from '../../nodes/PartnerCenterReferral/shared/timeout';
import {
	ACCESS_TOKEN,
	API,
	byId,
	EXAMPLE_ID,
	exampleReferral,
	guid,
	LOGIN,
	REFERRALS,
	REFRESH_TOKEN,
	referral,
	runOptions,
	runReferral,
	TOKEN_PATH,
} from '../fixtures';
import { flat, watchRequests } from './helpers';

const sleeps: number[] = [];

beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());
beforeEach(() => {
	sleeps.length = 0;
	jest.spyOn(timing, 'sleep').mockImplementation(async (ms: number) => {
		sleeps.push(ms);
	});
	jest.spyOn(timing, 'random').mockReturnValue(0.5);
});
afterEach(() => {
	jest.restoreAllMocks();
	const pending = nock.pendingMocks();
	nock.cleanAll();
	expect(pending).toEqual([]);
});

const get = (id: string | INodeParameters, extra: INodeParameters = {}): INodeParameters => ({
	operation: 'get',
	referralId: typeof id === 'string' ? byId(id) : id,
	...extra,
});

describe('Get a referral', () => {
	it('returns the documented referral as a flat item, numbers as numbers, absent values as null', async () => {
		nock(API, { reqheaders: { authorization: `Bearer ${ACCESS_TOKEN}` } })
			.get(`${REFERRALS}/${EXAMPLE_ID}`)
			.reply(200, exampleReferral(), { 'request-id': 'r-1' });
		const { items, error } = await runReferral(get(EXAMPLE_ID));
		expect(error).toBeUndefined();
		expect(items).toHaveLength(1);
		expect(items[0].pairedItem).toEqual({ item: 0 });
		expect(items[0].json).toEqual(
			flat(EXAMPLE_ID, { eTag: '"2500ec5a-0000-0000-0000-5bf4967d0000"' }),
		);
	});

	it('turns a dealValue sent as a string into a number', async () => {
		const body = exampleReferral();
		(body.details as { dealValue: unknown }).dealValue = '25000.50';
		nock(API).get(`${REFERRALS}/${EXAMPLE_ID}`).reply(200, body);
		const { items } = await runReferral(get(EXAMPLE_ID));
		expect(items[0].json.dealValue).toBe(25000.5);
	});

	it('returns the raw referral, unknown fields included, without @odata keys when Simplify is off', async () => {
		const body: IDataObject = { ...exampleReferral(), salesStage: 'Qualify', '@odata.etag': 'x' };
		nock(API).get(`${REFERRALS}/${EXAMPLE_ID}`).reply(200, body);
		const { items } = await runReferral(get(EXAMPLE_ID, { simplify: false }));
		const { '@odata.context': _context, '@odata.etag': _etag, ...expected } = body;
		expect(items[0].json).toEqual(expected);
	});

	it('gives one output per input in input order, from expression ids, each paired with its input', async () => {
		const ids = [guid(1), guid(2), guid(3), guid(4)];
		// answer in reverse order of arrival to prove ordering does not depend on timing
		ids.forEach((id, index) => {
			nock(API)
				.get(`${REFERRALS}/${id}`)
				.delay(40 - index * 10)
				.reply(200, referral(id, { name: `Referral ${index}` }));
		});
		const { items } = await runReferral(get({ __rl: true, mode: 'id', value: '={{ $json.id }}' }), {
			items: ids.map((id) => ({ id })),
		});
		expect(items.map((item) => item.json.id)).toEqual(ids);
		expect(items.map((item) => item.pairedItem)).toEqual(ids.map((_, item) => ({ item })));
	});

	it('accepts a link that contains the referral GUID (By URL), trimmed', async () => {
		nock(API).get(`${REFERRALS}/${EXAMPLE_ID}`).reply(200, exampleReferral());
		const { items } = await runReferral(
			get({
				__rl: true,
				mode: 'url',
				value: ` https://partner.microsoft.com/dashboard/referrals/v2/leads/${EXAMPLE_ID}/details `,
			}),
		);
		expect(items[0].json.id).toBe(EXAMPLE_ID);
	});

	it.each<[string, string]>([
		[
			'the portal link with the engagement GUID before the referral GUID',
			`https://partner.microsoft.com/dashboard/engagements/${ENGAGEMENT}/leads/${EXAMPLE_ID}`,
		],
		[
			'a portal /referrals/ link',
			`https://partner.microsoft.com/dashboard/referrals/${EXAMPLE_ID}?engagement=${ENGAGEMENT}`,
		],
		[
			'the API link',
			`https://api.partner.microsoft.com/v1.0/engagements/${ENGAGEMENT}/referrals/${EXAMPLE_ID}`,
		],
		[
			'the API link without the engagement',
			`https://api.partner.microsoft.com/v1.0/engagements/referrals/${EXAMPLE_ID}`,
		],
		[
			'the self link of the docs’ example (no slash before the GUID)',
			`https://api.partner.microsoft.com/v1.0/engagements/referrals${EXAMPLE_ID}`,
		],
		[
			'a portal co-sell opportunity link',
			`https://partner.microsoft.com/en-us/dashboard/referrals/v2/opportunities/${EXAMPLE_ID}/details?tab=activity`,
		],
		[
			'a link in other letter cases',
			`HTTPS://Partner.Microsoft.com/Dashboard/Referrals/V2/LEADS/${EXAMPLE_ID}`,
		],
	])('takes the referral GUID from %s (By URL)', async (_label, url) => {
		nock(API).get(`${REFERRALS}/${EXAMPLE_ID}`).reply(200, exampleReferral());
		const { items, error } = await runReferral(
			get({ __rl: true, mode: 'url', value: '={{ $json.url }}' }),
			{ items: [{ url }] },
		);
		expect(error).toBeUndefined();
		expect(items[0].json.id).toBe(EXAMPLE_ID);
	});

	it.each<[string, string]>([
		[
			'only an engagement GUID',
			`https://partner.microsoft.com/dashboard/engagements/${ENGAGEMENT}`,
		],
		[
			'the GUID in the query, not the path',
			`https://partner.microsoft.com/dashboard/leads?id=${EXAMPLE_ID}`,
		],
		[
			'a /leads/ path in the query only',
			`https://partner.microsoft.com/dashboard/home?next=/leads/${EXAMPLE_ID}`,
		],
		[
			'more after the GUID in its segment',
			`https://partner.microsoft.com/dashboard/referrals/v2/leads/${EXAMPLE_ID}x`,
		],
		[
			'the related-referrals link (an engagement GUID in the filter)',
			`https://api.partner.microsoft.com/v1.0/engagements/referrals?$filter=engagementId eq ${EXAMPLE_ID}`,
		],
	])('refuses a link with %s (By URL), sending nothing', async (_label, url) => {
		const sent = watchRequests();
		const { items, error } = await runReferral(
			get({ __rl: true, mode: 'url', value: '={{ $json.url }}' }),
			{ items: [{ url }] },
		);
		expect(items).toEqual([]);
		const shown = url.length > 80 ? `${url.slice(0, 80)}…` : url;
		expect(error?.message).toBe(
			`The Referral parameter is not a valid referral ID (it is "${shown}")`,
		);
		expect(error?.description).toContain('right after /leads/ or /referrals/');
		expect(sent()).toEqual([]);
	});

	it.each([
		['empty', ''],
		['whitespace only', '   '],
		['a path', '../x'],
		['a quote', "abc'"],
		['a GUID with a suffix', `${EXAMPLE_ID}/../../other`],
	])('refuses an id that is %s before sending anything', async (_label, id) => {
		const api = nock(API).get(/.*/).reply(200, {});
		const { error, items } = await runReferral(
			get({ __rl: true, mode: 'id', value: '={{ $json.id }}' }),
			{
				items: [{ id }],
			},
		);
		expect(items).toEqual([]);
		expect(error?.message).toContain('The Referral parameter is not a valid referral ID');
		expect(error?.description).toContain('expects a referral GUID');
		expect(api.isDone()).toBe(false);
		nock.cleanAll();
	});

	it.each<[string, string | IDataObject]>([
		['an empty body', ''],
		['{}', {}],
		['an object without an id', { '@odata.context': 'x', status: 'New' }],
	])(
		'fails clearly when a 200 brings no referral (%s), instead of an item of nulls',
		async (_label, body) => {
			nock(API).get(`${REFERRALS}/${EXAMPLE_ID}`).reply(200, body);
			const { items, error } = await runReferral(get(EXAMPLE_ID));
			expect(items).toEqual([]);
			expect(error?.message).toBe(`Partner Center returned no referral for ${EXAMPLE_ID}`);
			expect(error?.description).toContain('had no referral id');
			expect(error?.description).toContain('check the API Base URL in the credential');
		},
	);

	it('names the missing referral on 404 and shows what the service said', async () => {
		nock(API)
			.get(`${REFERRALS}/${EXAMPLE_ID}`)
			.reply(
				404,
				{ error: { code: 'itemNotFound', message: 'Referral not found' } },
				{ 'request-id': 'req-404' },
			);
		const { error } = await runReferral(get(EXAMPLE_ID));
		expect(error?.message).toBe(`Referral ${EXAMPLE_ID} was not found`);
		expect(error?.description).toContain('itemNotFound: Referral not found');
		expect(error?.description).toContain('req-404');
		expect(sleeps).toEqual([]);
	});

	it('names the Partner Center roles on 403', async () => {
		nock(API)
			.get(`${REFERRALS}/${EXAMPLE_ID}`)
			.reply(403, { error: { code: 'accessDenied', message: 'Forbidden' } });
		const { error } = await runReferral(get(EXAMPLE_ID));
		expect(error?.message).toBe(
			'Partner Center denied access to referrals (403): the signed-in user needs the Referrals Admin or Referrals User role',
		);
		expect(error?.description).toContain('Referrals Admin');
		expect(error?.description).toContain('Referrals User');
		expect(error?.description).toContain('accessDenied');
	});

	it('waits as Retry-After says on 429, then succeeds', async () => {
		nock(API)
			.get(`${REFERRALS}/${EXAMPLE_ID}`)
			.reply(
				429,
				{ error: { code: 'tooManyRequests', message: 'Slow down' } },
				{ 'Retry-After': '2' },
			)
			.get(`${REFERRALS}/${EXAMPLE_ID}`)
			.reply(200, exampleReferral());
		const { items, error } = await runReferral(get(EXAMPLE_ID));
		expect(error).toBeUndefined();
		expect(items[0].json.id).toBe(EXAMPLE_ID);
		// Retry-After plus jitter: random() = 0.5 of 10% of it the first time
		expect(sleeps).toEqual([2100]);
	});

	it('understands Retry-After as an HTTP date, and caps it', async () => {
		jest.spyOn(timing, 'now').mockReturnValue(Date.parse('Wed, 25 Nov 2026 10:00:00 GMT'));
		nock(API)
			.get(`${REFERRALS}/${EXAMPLE_ID}`)
			.reply(429, {}, { 'Retry-After': 'Wed, 25 Nov 2026 10:00:05 GMT' })
			.get(`${REFERRALS}/${EXAMPLE_ID}`)
			.reply(429, {}, { 'Retry-After': '120' })
			.get(`${REFERRALS}/${EXAMPLE_ID}`)
			.reply(200, exampleReferral());
		const { error } = await runReferral(get(EXAMPLE_ID));
		expect(error).toBeUndefined();
		// plus jitter (random() = 0.5): 10% of the wait at most after the first 429, 20% after the second
		expect(sleeps).toEqual([5250, 66000]);
	});

	it('backs off as usual when Retry-After asks for no wait (0, negative, a past date), instead of firing at once', async () => {
		jest.spyOn(timing, 'now').mockReturnValue(Date.parse('Wed, 25 Nov 2026 10:00:00 GMT'));
		nock(API)
			.get(`${REFERRALS}/${EXAMPLE_ID}`)
			.reply(429, {}, { 'Retry-After': '0' })
			.get(`${REFERRALS}/${EXAMPLE_ID}`)
			.reply(503, {}, { 'Retry-After': '-3' })
			.get(`${REFERRALS}/${EXAMPLE_ID}`)
			.reply(429, {}, { 'Retry-After': 'Wed, 25 Nov 2026 09:59:00 GMT' })
			.get(`${REFERRALS}/${EXAMPLE_ID}`)
			.reply(200, exampleReferral());
		const { error } = await runReferral(get(EXAMPLE_ID));
		expect(error).toBeUndefined();
		// without a usable hint: the 503 backs off as in the 503 test below (its first retry: 375);
		// the 429s by their own count (500, then 1,000) plus their jitter (random() = 0.5: 5%, then 10%)
		expect(sleeps).toEqual([525, 375, 1100]);
	});

	it('retries a 429 for as long as the time budget lasts, not a number of attempts, then says it is still throttled', async () => {
		let clock = Date.parse('Wed, 25 Nov 2026 10:00:00 GMT');
		jest.spyOn(timing, 'now').mockImplementation(() => clock);
		jest.spyOn(timing, 'sleep').mockImplementation(async (ms: number) => {
			sleeps.push(ms);
			clock += ms;
		});
		const scope = nock(API)
			.persist()
			.get(`${REFERRALS}/${EXAMPLE_ID}`)
			.reply(429, {}, { 'Retry-After': '1' });
		const { error } = await runReferral(get(EXAMPLE_ID));
		scope.persist(false);
		nock.cleanAll();
		// 1 s plus a jitter of at most 10%, 20%, 40%, 80%, then 100% of it (random() = 0.5)
		expect(sleeps.slice(0, 6)).toEqual([1050, 1100, 1200, 1400, 1500, 1500]);
		expect(sleeps.slice(6).every((ms) => ms === 1500)).toBe(true);
		// the budget is the request's time limit (3 x Timeout (Seconds)), less one second for an attempt:
		// the waits fill it, and none goes past it
		const budget = DEADLINE_FACTOR * DEFAULT_TIMEOUT_SECONDS * 1000 - 1000;
		const waited = sleeps.reduce((sum, ms) => sum + ms, 0);
		expect(waited).toBeLessThanOrEqual(budget);
		expect(waited).toBeGreaterThan(budget - 1000);
		expect(error?.message).toBe(
			`Partner Center is throttling requests (429) and still was after ${sleeps.length + 1} attempts`,
		);
		expect(error?.description).toContain(`at most ${DEADLINE_FACTOR * DEFAULT_TIMEOUT_SECONDS} s`);
		expect(error?.description).toContain('Max Concurrent Requests');
		expect(error?.description).toContain(
			'Other workflows or apps using the same Partner Center account',
		);
	});

	it('retries 503 twice with exponential backoff and jitter, then succeeds', async () => {
		nock(API)
			.get(`${REFERRALS}/${EXAMPLE_ID}`)
			.reply(503, { error: { code: 'serviceNotAvailable', message: 'Try later' } })
			.get(`${REFERRALS}/${EXAMPLE_ID}`)
			.reply(503)
			.get(`${REFERRALS}/${EXAMPLE_ID}`)
			.reply(200, exampleReferral());
		const { items, error } = await runReferral(get(EXAMPLE_ID));
		expect(error).toBeUndefined();
		expect(items).toHaveLength(1);
		// random() = 0.5: half the ceiling plus a quarter of it
		expect(sleeps).toEqual([375, 750]);
	});

	it('reports a body that is not JSON', async () => {
		nock(API)
			.get(`${REFERRALS}/${EXAMPLE_ID}`)
			.reply(200, '{"id": "c5fbb3b6-be74', { 'Content-Type': 'application/json' });
		const { error } = await runReferral(get(EXAMPLE_ID));
		expect(error?.message).toBe('Partner Center returned a response that is not valid JSON');
	});

	it('refreshes the token on 401 and retries with the new one', async () => {
		nock(API, { reqheaders: { authorization: `Bearer ${ACCESS_TOKEN}` } })
			.get(`${REFERRALS}/${EXAMPLE_ID}`)
			.reply(401, { error: { code: 'unauthenticated', message: 'Token expired' } });
		const token = nock(LOGIN)
			.post(
				TOKEN_PATH,
				(body: Record<string, string>) =>
					body.grant_type === 'refresh_token' && body.refresh_token === REFRESH_TOKEN,
			)
			.reply(200, {
				token_type: 'Bearer',
				access_token: 'new-access-token',
				refresh_token: 'new-refresh',
				expires_in: 3600,
			});
		nock(API, { reqheaders: { authorization: 'Bearer new-access-token' } })
			.get(`${REFERRALS}/${EXAMPLE_ID}`)
			.reply(200, exampleReferral());
		const { items, error, credentialUpdates } = await runReferral(get(EXAMPLE_ID));
		expect(error).toBeUndefined();
		expect(token.isDone()).toBe(true);
		expect(items[0].json.id).toBe(EXAMPLE_ID);
		expect(credentialUpdates.at(-1)?.data.oauthTokenData).toMatchObject({
			access_token: 'new-access-token',
		});
	});

	it('names the API permission when the refreshed token is refused too, and never shows a token', async () => {
		nock(API)
			.get(`${REFERRALS}/${EXAMPLE_ID}`)
			.times(2)
			.reply(401, {
				error: { code: 'unauthenticated', message: `Token Bearer ${ACCESS_TOKEN} is invalid` },
			});
		nock(LOGIN).post(TOKEN_PATH).reply(200, {
			token_type: 'Bearer',
			access_token: 'second-token',
			refresh_token: REFRESH_TOKEN,
		});
		const result = await runReferral(get(EXAMPLE_ID));
		expect(result.error?.message).toBe(
			"Partner Center refused the access token (401): check the app's Microsoft Partner Center API permission",
		);
		expect(result.error?.description).toContain('Microsoft Partner Center → user_impersonation');
		expect(result.error?.description).toContain('Referrals Admin');
		const everything = JSON.stringify(result.run) + JSON.stringify(result.error);
		expect(everything).not.toContain(ACCESS_TOKEN);
		expect(everything).not.toContain('second-token');
		expect(everything).not.toContain(REFRESH_TOKEN);
		expect(everything).not.toContain('client-secret-that-must-not-leak');
	});

	it("masks the credential's own client secret, access token and refresh token wherever the service echoes them", async () => {
		const opaqueToken = 'opaque-access-token-0123456789';
		const echo = `Bad request from client-secret-that-must-not-leak with ${opaqueToken} (refresh ${REFRESH_TOKEN})`;
		nock(API)
			.get(`${REFERRALS}/${EXAMPLE_ID}`)
			.reply(400, { error: { code: 'invalidRequest', message: echo } });
		const options = runOptions({
			oauthTokenData: {
				access_token: opaqueToken,
				refresh_token: REFRESH_TOKEN,
				token_type: 'Bearer',
			},
		});
		const result = await runReferral(get(EXAMPLE_ID), {}, options);
		expect(result.error?.message).toBe(
			'Partner Center rejected the request as invalid: Bad request from [redacted] with [redacted] (refresh [redacted])',
		);
		expect(result.error?.description).toContain(
			'invalidRequest: Bad request from [redacted] with [redacted] (refresh [redacted])',
		);
		const everything = JSON.stringify(result.run) + JSON.stringify(result.error);
		expect(everything).not.toContain(opaqueToken);
		expect(everything).not.toContain(REFRESH_TOKEN);
		expect(everything).not.toContain('client-secret-that-must-not-leak');
	});

	it('leaves a credential value shorter than 8 characters alone, so ordinary words are not masked', async () => {
		nock(API)
			.get(`${REFERRALS}/${EXAMPLE_ID}`)
			.reply(400, { error: { code: 'invalidRequest', message: 'The field status is invalid' } });
		const { error } = await runReferral(
			get(EXAMPLE_ID),
			{},
			runOptions({ clientSecret: 'status' }),
		);
		expect(error?.message).toBe(
			'Partner Center rejected the request as invalid: The field status is invalid',
		);
	});

	it('says to reconnect when the token endpoint refuses the refresh token', async () => {
		nock(API)
			.get(`${REFERRALS}/${EXAMPLE_ID}`)
			.reply(401, { error: { code: 'unauthenticated', message: 'Token expired' } });
		nock(LOGIN).post(TOKEN_PATH).reply(400, {
			error: 'invalid_grant',
			error_description: 'AADSTS70008: The refresh token has expired.',
		});
		const result = await runReferral(get(EXAMPLE_ID));
		expect(result.error?.message).toBe('The Partner Center sign-in has expired or was revoked');
		expect(result.error?.description).toContain(
			'sign in again (Reconnect on n8n 1.x, Switch account on n8n 2.x)',
		);
		expect(JSON.stringify(result.run)).not.toContain(REFRESH_TOKEN);
	});

	it('with Continue On Fail, pairs the failed item with its input and still returns the others', async () => {
		nock(API)
			.get(`${REFERRALS}/${guid(1)}`)
			.reply(200, referral(guid(1)))
			.get(`${REFERRALS}/${guid(2)}`)
			.reply(404, { error: { code: 'itemNotFound', message: 'nope' } })
			.get(`${REFERRALS}/${guid(3)}`)
			.reply(200, referral(guid(3)));
		const { items, error } = await runReferral(
			get({ __rl: true, mode: 'id', value: '={{ $json.id }}' }),
			{
				items: [{ id: guid(1) }, { id: guid(2) }, { id: 'not-a-guid' }, { id: guid(3) }],
				continueOnFail: true,
			},
		);
		expect(error).toBeUndefined();
		expect(items.map((item) => item.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 2 },
			{ item: 3 },
		]);
		expect(items[0].json.id).toBe(guid(1));
		expect(items[1].json.error).toBe(`Referral ${guid(2)} was not found`);
		expect(items[1].error?.description).toContain('Check the referral ID');
		expect(items[2].json.error).toContain('not a valid referral ID');
		expect(items[3].json.id).toBe(guid(3));
	});

	it('routes failed items to the error output, paired with their input', async () => {
		nock(API)
			.get(`${REFERRALS}/${guid(1)}`)
			.reply(200, referral(guid(1)))
			.get(`${REFERRALS}/${guid(2)}`)
			.reply(404, { error: { code: 'itemNotFound', message: 'nope' } });
		const { items, errorItems } = await runReferral(
			get({ __rl: true, mode: 'id', value: '={{ $json.id }}' }),
			{
				items: [{ id: guid(1) }, { id: guid(2) }],
				onError: 'continueErrorOutput',
			},
		);
		expect(items.map((item) => item.json.id)).toEqual([guid(1)]);
		expect(errorItems).toHaveLength(1);
		expect(errorItems[0].json.error).toBe(`Referral ${guid(2)} was not found`);
		expect(errorItems[0].pairedItem).toEqual({ item: 1 });
	});
});
