/**
 * The network's edges (issue 17): redirects are never followed (the token never leaves the
 * API's origin), a nextLink with sign-in details in it is refused, a server that never
 * answers times out ("Timeout (Seconds)") within a limit, a Retry-After past that limit fails
 * at once, a write says truly whether anything was sent, a huge service message is quoted
 * short, and a token refreshed during the execution is masked. Raw HTTP servers on
 * 127.0.0.1: two servers are two origins.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import nock from 'nock';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { runPoll } from '../../dev/harness';
import { timing } from '../../nodes/PartnerCenterReferral/shared/timing';
import {
	byId,
	EXAMPLE_ID,
	exampleReferral,
	guid,
	REFERRALS,
	referral,
	runOptions,
	runReferral,
} from '../fixtures';
import { closeRawServers, json, rawServer } from '../rawServer';
import { createParameters, listPage } from './helpers';

const redirect =
	(status: number, location: string) =>
	(_request: IncomingMessage, response: ServerResponse): void => {
		response.writeHead(status, { Location: location });
		response.end();
	};

const MAYBE_CREATED = 'The referral may or may not have been created';

let sleeps: number[];
// The raw servers are real sockets: nock (loaded by ./helpers) must let every request through.
// (enableNetConnect with a host would block every other host for the files after this one.)
beforeAll(() => nock.enableNetConnect());
beforeEach(() => {
	sleeps = [];
	jest.spyOn(timing, 'sleep').mockImplementation(async (ms: number) => {
		sleeps.push(ms);
	});
	jest.spyOn(timing, 'random').mockReturnValue(0.5);
});
afterEach(async () => {
	jest.restoreAllMocks();
	await closeRawServers();
});

const get = (options: INodeParameters = {}): INodeParameters => ({
	operation: 'get',
	referralId: byId(EXAMPLE_ID),
	options,
});
const withBase = (url: string, overrides: IDataObject = {}) =>
	runOptions({ baseUrl: url, ...overrides });

describe('Redirects are not followed: the token stays with the API Base URL', () => {
	it.each([301, 302, 307, 308])(
		'a %d on a Get fails naming the status and host; the other origin sees nothing',
		async (status) => {
			const other = await rawServer((_request, response) => json(response, 200, exampleReferral()));
			const api = await rawServer(redirect(status, `${other.url}${REFERRALS}/${EXAMPLE_ID}`));

			const { items, error } = await runReferral(get(), {}, withBase(api.url));

			expect(items).toEqual([]);
			const host = new URL(other.url).host;
			expect(error?.message).toBe(
				`Partner Center answered with a redirect (${status}) to ${host} (plain http); the node does not follow redirects, so the sign-in token stays with Partner Center`,
			);
			expect(error?.description).toContain('Check the API Base URL in the credential');
			expect(other.requests).toEqual([]);
			expect(api.requests).toHaveLength(1);
		},
	);

	it.each([301, 302, 307, 308])(
		'a %d on a Create: nothing re-sent elsewhere, and it says nothing was written',
		async (status) => {
			const other = await rawServer((_request, response) => json(response, 201, referral(guid(1))));
			const api = await rawServer(redirect(status, `${other.url}${REFERRALS}`));

			const { items, error } = await runReferral(createParameters(), {}, withBase(api.url));

			expect(items).toEqual([]);
			expect(error?.message).toContain(`redirect (${status})`);
			expect(error?.description).toContain('Nothing was written');
			expect(error?.description).toContain('The referral was not created.');
			expect(error?.description).not.toContain(MAYBE_CREATED);
			expect(other.requests).toEqual([]);
			expect(api.requests.map((request) => request.line)).toEqual([`POST ${REFERRALS}`]);
		},
	);

	it('a 303 (See Other) on a Create is not followed either, but says the referral may have been created', async () => {
		const other = await rawServer((_request, response) => json(response, 200, referral(guid(1))));
		const api = await rawServer(redirect(303, `${other.url}${REFERRALS}/${guid(1)}`));

		const { error } = await runReferral(createParameters(), {}, withBase(api.url));

		expect(error?.message).toContain('redirect (303)');
		expect(error?.description).toContain(MAYBE_CREATED);
		expect(error?.description).not.toContain('Nothing was written');
		expect(other.requests).toEqual([]);
	});

	it('a 302 on a Get Many page (after a nextLink on the API origin) is not followed', async () => {
		const other = await rawServer((_request, response) =>
			json(response, 200, listPage([referral(guid(9))])),
		);
		const api = await rawServer((request, response, self) => {
			if (request.url?.includes('skiptoken')) {
				redirect(302, `${other.url}${REFERRALS}?$skiptoken=2`)(request, response);
			} else {
				json(response, 200, listPage([referral(guid(1))], `${self.url}${REFERRALS}?$skiptoken=2`));
			}
		});

		const { items, error } = await runReferral(
			{ operation: 'getMany', returnAll: true },
			{},
			withBase(api.url),
		);

		expect(items).toEqual([]);
		expect(error?.message).toContain('redirect (302)');
		expect(other.requests).toEqual([]);
		expect(api.requests).toHaveLength(2);
	});

	it('a redirect to the same origin is not followed either (one rule), nor retried', async () => {
		const api = await rawServer((request, response, self) => {
			if (request.url?.startsWith('/elsewhere')) json(response, 200, exampleReferral());
			else redirect(308, `${self.url}/elsewhere`)(request, response);
		});

		const { error } = await runReferral(get(), {}, withBase(api.url));

		expect(error?.message).toContain('redirect (308)');
		expect(api.requests.map((request) => request.line)).toEqual([`GET ${REFERRALS}/${EXAMPLE_ID}`]);
	});

	it("a redirect on the trigger's poll fails the poll; the other origin sees nothing", async () => {
		const other = await rawServer((_request, response) => json(response, 200, listPage([])));
		const api = await rawServer(redirect(307, `${other.url}${REFERRALS}`));

		await expect(
			runPoll(
				{
					type: 'partnerCenterReferralTrigger',
					parameters: { event: 'referralUpdated', filters: {} },
					staticData: {},
				},
				withBase(api.url),
			),
		).rejects.toThrow(/redirect \(307\)/);
		expect(other.requests).toEqual([]);
	});
});

describe('A next-page link with sign-in details in it', () => {
	it('is refused like a link to another host: nothing sent with user:pass, and the password is not shown', async () => {
		const api = await rawServer((_request, response, self) => {
			const { host } = new URL(self.url);
			json(
				response,
				200,
				listPage([referral(guid(1))], `http://user:s3cret-pass@${host}${REFERRALS}?$skiptoken=2`),
			);
		});

		const { items, error } = await runReferral(
			{ operation: 'getMany', returnAll: true },
			{},
			withBase(api.url),
		);

		expect(items).toEqual([]);
		expect(error?.message).toBe(
			'Partner Center returned a next-page link with a user name or password in it',
		);
		expect(JSON.stringify(error)).not.toContain('s3cret-pass');
		expect(api.requests).toHaveLength(1);
		expect(api.requests.some((request) => request.authorization?.startsWith('Basic'))).toBe(false);
	});
});

describe('Timeout (Seconds): a server that never answers', () => {
	const neverAnswers = async () => await rawServer(() => undefined);

	it('fails a Get after the timeout, retried within three times it, saying it timed out and after how long', async () => {
		const api = await neverAnswers();

		const { items, error } = await runReferral(get({ timeout: 1 }), {}, withBase(api.url));

		expect(items).toEqual([]);
		// (on a loaded machine, nock's pass-through in front of the socket may not have sent the last attempt in 1 s)
		expect(error?.message).toMatch(
			/^(Partner Center did not answer within 1 s \(timed out\)|Could not connect to Partner Center: timed out after 1 s) after [23] attempts$/,
		);
		expect(error?.description).toContain('at most 3 s');
		expect(api.requests.length).toBeLessThanOrEqual(3);
	}, 15_000);

	it('fails a Create after one attempt, saying it may or may not have been created', async () => {
		const api = await neverAnswers();

		const { error } = await runReferral(
			createParameters({ options: { timeout: 2 } }),
			{},
			withBase(api.url),
		);

		// The fate follows what the socket reports having written. Run alone, the request is written and
		// the answer is "may or may not". In the full suite, Node's http module can still carry nock
		// interceptors that earlier test files of the same jest worker patched in (each file has its own
		// nock); their mock socket passes the request through but reports 0 bytes written, which reads as
		// a connection that never completed. Either way the message and the fate must agree, and the
		// Create is sent at most once. (The classification itself: test/unit/transport.test.ts.)
		expect(api.requests.length).toBeLessThanOrEqual(1);
		if (error?.message.startsWith('Partner Center did not answer')) {
			expect(error?.message).toBe('Partner Center did not answer within 2 s (timed out)');
			expect(error?.description).toContain('raise "Timeout (Seconds)"');
			expect(error?.description).toContain(MAYBE_CREATED);
		} else {
			expect(error?.message).toBe('Could not connect to Partner Center: timed out after 2 s');
			expect(error?.description).toContain(
				'Nothing was sent to Partner Center. The referral was not created.',
			);
		}
	}, 15_000);

	it('fails a trigger poll after its own timeout option', async () => {
		const api = await neverAnswers();

		await expect(
			runPoll(
				{
					type: 'partnerCenterReferralTrigger',
					parameters: { event: 'referralUpdated', filters: {}, options: { timeout: 1 } },
					staticData: {},
				},
				withBase(api.url),
			),
		).rejects.toThrow(
			/(did not answer within 1 s \(timed out\)|timed out after 1 s) after [23] attempts/,
		);
	}, 15_000);

	it('waits for a slow server that does answer (2.5 s, default timeout)', async () => {
		const api = await rawServer((_request, response) => {
			const timer = setTimeout(() => json(response, 200, exampleReferral()), 2500);
			response.on('close', () => clearTimeout(timer));
		});

		const { items, error } = await runReferral(get(), {}, withBase(api.url));

		expect(error).toBeUndefined();
		expect(items[0].json.id).toBe(EXAMPLE_ID);
		expect(api.requests).toHaveLength(1);
	}, 15_000);

	it.each([0, -5, 601, 'soon'])(
		'refuses a Timeout of %j naming the option, and sends nothing',
		async (timeout) => {
			const api = await rawServer((_request, response) => json(response, 200, exampleReferral()));

			const { error } = await runReferral(get({ timeout }), {}, withBase(api.url));

			expect(error?.message).toBe('Timeout (Seconds) must be a number of seconds from 1 to 600');
			expect(api.requests).toEqual([]);
		},
	);
});

describe('Retry-After past the time limit (simulated clock)', () => {
	it('waits while the asked wait fits what is left of the limit, then fails at once when it does not', async () => {
		const clock = { ms: Date.parse('2026-03-02T09:00:00Z') };
		jest.spyOn(timing, 'now').mockImplementation(() => clock.ms);
		jest.spyOn(timing, 'sleep').mockImplementation(async (ms: number) => {
			sleeps.push(ms);
			clock.ms += ms;
		});
		const asked = ['50', '100', '100'];
		const api = await rawServer((_request, response, self) =>
			json(
				response,
				429,
				{ error: { code: 'tooManyRequests', message: 'Slow down' } },
				{
					'Retry-After': asked[self.requests.length - 1],
				},
			),
		);

		const { error } = await runReferral(get(), {}, withBase(api.url));

		// default timeout 60 s, limit 180 s: 50 s fits, then 100 s fits 127.5 s (waited 60 s, the cap), then
		// 100 s is past the 61.5 s left; each wait of a 429 carries its jitter (random() = 0.5: 5%, then 10%)
		expect(sleeps).toEqual([52_500, 66_000]);
		expect(api.requests).toHaveLength(3);
		expect(error?.message).toBe(
			"Partner Center is throttling requests (429) and asked to wait 100 s, but this request's time limit (180 s in all) had only 61 s left",
		);
		expect(error?.description).toContain('stopped at once');
	});

	it('fails at once, without waiting, when the first Retry-After is past the whole limit', async () => {
		jest.spyOn(timing, 'now').mockReturnValue(Date.parse('2026-03-02T09:00:00Z'));
		const api = await rawServer((_request, response) =>
			json(response, 503, {}, { 'Retry-After': '3600' }),
		);

		const { error } = await runReferral(get({ timeout: 10 }), {}, withBase(api.url));

		expect(sleeps).toEqual([]);
		expect(api.requests).toHaveLength(1);
		expect(error?.message).toBe(
			"Partner Center answered 503 and asked to wait 3600 s, but this request's time limit (30 s in all) had only 30 s left",
		);
	});
});

describe("A write's fate is told by what was sent", () => {
	it('a Create with a credential that was never connected sends nothing and says the referral was not created', async () => {
		const api = await rawServer((_request, response) => json(response, 201, referral(guid(1))));

		const { items, error } = await runReferral(
			createParameters(),
			{},
			withBase(api.url, { oauthTokenData: undefined }),
		);

		expect(items).toEqual([]);
		expect(api.requests).toEqual([]);
		expect(error?.description).toContain(
			'Nothing was sent to Partner Center. The referral was not created.',
		);
		expect(error?.description).not.toContain(MAYBE_CREATED);
	});
});

describe('Service messages are quoted, not dumped', () => {
	it('quotes at most a few hundred characters of a 1 MB message, keeping the status and request id', async () => {
		const huge = `Invalid referral: ${'x'.repeat(1_000_000)}`;
		const api = await rawServer((_request, response) =>
			json(
				response,
				400,
				{ error: { code: 'invalidRequest', message: huge } },
				{ 'request-id': 'req-42' },
			),
		);

		const { error, run } = await runReferral(get(), {}, withBase(api.url));

		expect(error?.message.length).toBeLessThan(500);
		expect(error?.message).toMatch(
			/^Partner Center rejected the request as invalid: Invalid referral: x+…\(cut\)$/,
		);
		expect(error?.description).toContain('Request ID for Microsoft support: req-42.');
		expect(error?.description).toContain('invalidRequest');
		expect(String(error?.description).length).toBeLessThan(1_500);
		expect(JSON.stringify(run.data.resultData.error).length).toBeLessThan(20_000);
	});

	it('keeps a huge message small in a continued item too', async () => {
		const api = await rawServer((_request, response) =>
			json(response, 500, { error: { code: 'generalException', message: 'y'.repeat(1_000_000) } }),
		);

		const { items } = await runReferral(get(), { continueOnFail: true }, withBase(api.url));

		expect(JSON.stringify(items).length).toBeLessThan(20_000);
	});
});

describe('A token refreshed during the execution', () => {
	it('is masked by value when the service echoes it (an opaque token, not a JWT)', async () => {
		const refreshedAccess = 'opaque-refreshed-access-0123456789';
		const refreshedRefresh = 'opaque-refreshed-refresh-9876543210';
		const api = await rawServer((request, response) => {
			if (request.url?.startsWith('/token')) {
				json(response, 200, {
					token_type: 'Bearer',
					access_token: refreshedAccess,
					refresh_token: refreshedRefresh,
					expires_in: 3600,
				});
			} else if (request.headers.authorization !== `Bearer ${refreshedAccess}`) {
				json(response, 401, { error: { code: 'unauthenticated', message: 'expired' } });
			} else {
				json(response, 403, {
					error: {
						code: 'accessDenied',
						message: `token ${refreshedAccess} (refresh ${refreshedRefresh}) lacks the referrals role`,
					},
				});
			}
		});

		const { error, credentialUpdates } = await runReferral(
			get(),
			{},
			withBase(api.url, { accessTokenUrl: `${api.url}/token` }),
		);

		expect(credentialUpdates).toHaveLength(1);
		expect(error?.message).toBe(
			'Partner Center denied access to referrals (403): the signed-in user needs the Referrals Admin or Referrals User role',
		);
		expect(error?.description).toContain(
			'token [redacted] (refresh [redacted]) lacks the referrals role',
		);
		const shown = JSON.stringify(error);
		expect(shown).not.toContain(refreshedAccess);
		expect(shown).not.toContain(refreshedRefresh);
	});
});
