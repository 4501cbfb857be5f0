/**
 * Token expiry and injected faults, end to end: sandbox → real HTTP → n8n's OAuth2 handling →
 * the node's transport (retries, error mapping, adaptive concurrency).
 */
import { timing } from '../../nodes/PartnerCenterReferral/shared/timing';
import type { SandboxSession } from './helpers';
import { byId, EXAMPLE_ID, ids, openSandbox } from './helpers';

let session: SandboxSession;
let sleeps: number[];

beforeAll(async () => {
	session = await openSandbox({ referralCount: 40 });
});
afterAll(async () => {
	await session.close();
});
beforeEach(() => {
	session.sandbox.resetFaults();
	session.sandbox.resetCounters();
	sleeps = [];
	jest.spyOn(timing, 'sleep').mockImplementation(async (ms: number) => {
		sleeps.push(ms);
	});
	jest.spyOn(timing, 'random').mockReturnValue(0.5);
});
afterEach(() => {
	jest.restoreAllMocks();
});

const getExample = async () =>
	await session.run({ operation: 'get', referralId: byId(EXAMPLE_ID) });

describe('OAuth2 token expiry', () => {
	it('refreshes an expired access token through the credential and succeeds', async () => {
		const oldToken = session.accessToken;
		session.sandbox.expireAccessTokens();

		const { items, error, credentialUpdates } = await getExample();

		expect(error).toBeUndefined();
		expect(items[0].json.id).toBe(EXAMPLE_ID);
		expect(session.sandbox.counters.unauthorized).toBe(1);
		expect(session.sandbox.counters.tokenRequests).toBe(1);
		expect(session.sandbox.counters.byMethod.GET).toBe(2);
		expect(credentialUpdates).toHaveLength(1);
		const refreshed = credentialUpdates[0].data.oauthTokenData as {
			access_token: string;
			refresh_token: string;
		};
		expect(refreshed.access_token).toEqual(expect.any(String));
		expect(refreshed.access_token).not.toBe(oldToken);
		expect(refreshed.refresh_token).toEqual(expect.any(String));
		// nothing of the token reaches the output
		expect(JSON.stringify(items)).not.toContain(refreshed.access_token);

		// the saved token works as is: no further refresh
		const again = await getExample();
		expect(again.error).toBeUndefined();
		expect(again.credentialUpdates).toEqual([]);
		expect(session.sandbox.counters.tokenRequests).toBe(1);
	});

	it('asks the user to reconnect when the refresh token is refused too', async () => {
		session.credentials = {
			...session.credentials,
			oauthTokenData: {
				access_token: 'not-a-sandbox-token',
				refresh_token: 'unknown-refresh-token',
				token_type: 'Bearer',
			},
		};
		try {
			const { error, items } = await getExample();
			expect(items).toEqual([]);
			expect(error?.description).toMatch(/needs to be reconnected/);
			expect(session.sandbox.counters.unauthorized).toBe(1);
			expect(session.sandbox.counters.tokenRequests).toBe(1);
			expect(JSON.stringify(error)).not.toContain('unknown-refresh-token');
		} finally {
			session.signIn();
		}
	});
});

describe('Injected faults', () => {
	it('retries two 503s (honouring Retry-After) and succeeds', async () => {
		session.sandbox.faults.failNext(2, 503);

		const { items, error } = await getExample();

		expect(error).toBeUndefined();
		expect(items[0].json.id).toBe(EXAMPLE_ID);
		expect(sleeps).toEqual([1000, 1000]);
		expect(session.sandbox.counters.byMethod.GET).toBe(3);
	});

	it('retries after a connection reset and succeeds', async () => {
		session.sandbox.faults.dropNext(1);

		const { items, error } = await getExample();

		expect(error).toBeUndefined();
		expect(items[0].json.id).toBe(EXAMPLE_ID);
		expect(sleeps).toHaveLength(1);
		expect(session.sandbox.counters.byMethod.GET).toBe(2);
	});

	it('gives up after five connection resets with "Could not reach Partner Center"', async () => {
		session.sandbox.faults.dropNext(5);

		const { items, error } = await getExample();

		expect(items).toEqual([]);
		expect(error?.message).toMatch(/^Could not reach Partner Center\b.*after 5 attempts$/);
		expect(error?.description).toContain("Check the credential's API Base URL");
		expect(sleeps).toHaveLength(4);
		expect(session.sandbox.counters.byMethod.GET).toBe(5);
	});

	it('reports a body that is not JSON clearly, without retrying', async () => {
		session.sandbox.faults.malformedNext(1);

		const { items, error } = await getExample();

		expect(items).toEqual([]);
		expect(error?.message).toBe('Partner Center returned a response that is not valid JSON');
		expect(sleeps).toEqual([]);
		expect(session.sandbox.counters.byMethod.GET).toBe(1);
	});

	it('reports a 503 that does not go away after five attempts', async () => {
		session.sandbox.faults.failNext(5, 503);

		const { error } = await getExample();

		expect(error?.message).toBe('Partner Center is unavailable (503) after 5 attempts');
		expect(error?.description).toContain('serviceNotAvailable');
	});

	it('completes 20 items at node concurrency 5 against a service that allows 2 at once', async () => {
		session.sandbox.faults.maxConcurrent = 2;
		session.sandbox.faults.latencyMs = 15;
		const wanted = session.sandbox.referrals
			.all()
			.slice(1, 21)
			.map((referral) => referral.id);

		const { items, error } = await session.run(
			{
				operation: 'get',
				referralId: { __rl: true, mode: 'id', value: '={{ $json.id }}' },
				options: { concurrency: 5 },
			},
			{ items: wanted.map((id) => ({ id })), continueOnFail: true },
		);

		expect(error).toBeUndefined();
		expect(items.filter((item) => item.json.error !== undefined)).toEqual([]);
		expect(ids(items)).toEqual(wanted);
		expect(session.sandbox.counters.throttled).toBeGreaterThan(0);
		expect(sleeps.length).toBe(session.sandbox.counters.throttled);
		expect(session.sandbox.counters.byMethod.GET).toBe(20 + session.sandbox.counters.throttled);
	});

	it('with the default settings, completes 30 items against a service that allows 2 at once', async () => {
		session.sandbox.faults.maxConcurrent = 2;
		session.sandbox.faults.latencyMs = 15;
		const wanted = session.sandbox.referrals
			.all()
			.slice(1, 31)
			.map((referral) => referral.id);

		const { items, error } = await session.run(
			{ operation: 'get', referralId: { __rl: true, mode: 'id', value: '={{ $json.id }}' } },
			{ items: wanted.map((id) => ({ id })), continueOnFail: true },
		);

		expect(error).toBeUndefined();
		expect(items.filter((item) => item.json.error !== undefined)).toEqual([]);
		expect(ids(items)).toEqual(wanted);
		// the pool starts at 5: more than the service allows
		expect(session.sandbox.counters.throttled).toBeGreaterThan(0);
		expect(session.sandbox.counters.byMethod.GET).toBe(30 + session.sandbox.counters.throttled);
	});
});
