/**
 * Sign-in failures end to end: the node through n8n's engine (n8n-core 2.x), the sandbox's
 * token endpoint answering as Microsoft Entra ID does, and what the user reads. The shapes
 * n8n 1.x hands the node are tested in test/unit/signIn.test.ts.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { SignInFailureName } from '../../dev/sandbox';
import { timing } from '../../nodes/PartnerCenterReferral/shared/timing';
import type { SandboxSession } from './helpers';
import { createParameters } from '../node/helpers';
import { byId, EXAMPLE_ID, openSandbox } from './helpers';

let session: SandboxSession;

beforeAll(async () => {
	session = await openSandbox({ referralCount: 10 });
});
afterAll(async () => {
	await session.close();
});
beforeEach(() => {
	session.signIn();
	session.sandbox.resetFaults();
	session.sandbox.resetCounters();
	jest.spyOn(timing, 'sleep').mockResolvedValue();
});
afterEach(() => {
	jest.restoreAllMocks();
});

const getExample = async () =>
	await session.run({ operation: 'get', referralId: byId(EXAMPLE_ID) });

const createReferral = async () => await session.run(createParameters());

/** The access token expired, so n8n must renew it; the token endpoint then answers `failure`. */
async function refreshAnswered(failure: SignInFailureName) {
	session.sandbox.expireAccessTokens();
	session.sandbox.faults.failSignInNext(1, failure);
	const result = await getExample();
	// one request refused with 401, one refresh, nothing retried
	expect(session.sandbox.counters.byMethod.GET).toBe(1);
	expect(session.sandbox.counters.tokenRequests).toBe(1);
	const everything = JSON.stringify(result.error) + JSON.stringify(result.run);
	expect(everything).not.toContain(session.sandbox.clientSecret);
	expect(everything).not.toContain(
		String((session.credentials.oauthTokenData as { refresh_token: string }).refresh_token),
	);
	return result.error;
}

const TRACE =
	/Trace ID: [0-9a-f-]{36}, Correlation ID: [0-9a-f-]{36}, Timestamp: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ/;
const NOTHING_DONE = 'Partner Center did not carry out the request';

describe('a credential saved but never connected', () => {
	it('on Create: says to click "Connect my account" (1.x) or "Connect" (2.x), that nothing was sent, and sends nothing', async () => {
		const { oauthTokenData: _tokens, ...saved } = session.credentials;
		session.credentials = saved;
		const { error, items } = await createReferral();
		expect(items).toEqual([]);
		expect(error?.message).toBe('The Partner Center credential is not connected yet');
		expect(error?.description).toContain(
			'click "Connect my account" (n8n 1.x) or "Connect" (n8n 2.x)',
		);
		expect(error?.description).toContain(
			'Nothing was sent to Partner Center. The referral was not created.',
		);
		expect(error?.description).not.toMatch(/may or may not/);
		expect(session.sandbox.counters.requests).toBe(0);
		expect(session.sandbox.counters.tokenRequests).toBe(0);
	});
});

describe('Microsoft refuses to renew the token (n8n 2.x keeps the answer unless it is invalid_grant)', () => {
	it.each<[SignInFailureName, string, RegExp]>([
		[
			'secretExpired',
			'The client secret in the Partner Center credential has expired',
			/AADSTS7000222 \(invalid_client\): The provided client secret keys for app '[^']+' are expired/,
		],
		[
			'secretInvalid',
			'Microsoft did not accept the client secret in the Partner Center credential',
			/AADSTS7000215 \(invalid_client\): Invalid client secret provided/,
		],
		[
			'appNotFound',
			"Microsoft does not know the app (Client ID) in the credential's tenant",
			/AADSTS700016 \(unauthorized_client\): Application with identifier/,
		],
		[
			'tenantNotFound',
			'Microsoft does not know the tenant in the Partner Center credential',
			/AADSTS90002 \(invalid_request\): Tenant 'contoso\.onmicrosft\.com' not found/,
		],
		[
			'mfaEnrollment',
			'Microsoft requires the user to set up multi-factor sign-in: reconnect the credential',
			/AADSTS50079 \(interaction_required\): Due to a configuration change/,
		],
		[
			'other',
			'Microsoft refused to renew the Partner Center sign-in (AADSTS900023)',
			/AADSTS900023 \(invalid_request\): Specified tenant identifier/,
		],
	])(
		"%s: its own message, with Microsoft's code, text and trace ids",
		async (failure, message, said) => {
			const error = await refreshAnswered(failure);
			expect(error?.message).toBe(message);
			expect(error?.description).toMatch(said);
			expect(error?.description).toMatch(TRACE);
			expect(error?.description).toContain(NOTHING_DONE);
		},
	);

	it('expired secret: says where to make a new one and to paste its Value', async () => {
		const error = await refreshAnswered('secretExpired');
		expect(error?.description).toContain(
			'Certificates & secrets, add a new client secret and copy its Value (not its Secret ID)',
		);
	});

	it("an unlisted code: points at Microsoft's error lookup for it", async () => {
		const error = await refreshAnswered('other');
		expect(error?.description).toContain('https://login.microsoftonline.com/error?code=900023');
	});

	it.each<SignInFailureName>([
		'grantExpired',
		'refreshTokenInactive',
		'grantRevoked',
		'consentMissing',
		'userFromOtherTenant',
		'mfaRequired',
	])(
		'%s (invalid_grant, which n8n 2.x replaces with "needs to be reconnected"): says to reconnect, with the possible causes',
		async (failure) => {
			const error = await refreshAnswered(failure);
			expect(error?.message).toBe('The Partner Center sign-in has expired or was revoked');
			expect(error?.description).toContain('needs to be reconnected');
			expect(error?.description).toMatch(/AADSTS70008.*AADSTS50173.*AADSTS50076.*AADSTS65001/);
			expect(error?.description).toContain(
				'sign in again (Reconnect on n8n 1.x, Switch account on n8n 2.x)',
			);
			expect(error?.description).toContain('Sign-in logs');
			expect(error?.description).toContain(NOTHING_DONE);
		},
	);

	it('on Create: says the referral was not created, not that it may exist', async () => {
		const before = session.sandbox.referrals.count();
		session.sandbox.expireAccessTokens();
		session.sandbox.faults.failSignInNext(1, 'secretExpired');
		const { error } = await createReferral();
		expect(error?.message).toBe('The client secret in the Partner Center credential has expired');
		expect(error?.description).toContain('The referral was not created.');
		expect(error?.description).not.toMatch(/may or may not/);
		expect(session.sandbox.counters.byMethod.POST).toBe(1);
		expect(session.sandbox.referrals.count()).toBe(before);
	});
});

describe('the token endpoint cannot be reached', () => {
	it('refused: names the host and the n8n processes that must reach it, without retrying', async () => {
		const server = createServer();
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const { port } = server.address() as AddressInfo;
		await new Promise((resolve) => server.close(resolve));
		session.credentials = {
			...session.credentials,
			accessTokenUrl: `http://127.0.0.1:${port}/organizations/oauth2/v2.0/token`,
		};
		session.sandbox.expireAccessTokens();
		const { error } = await getExample();
		expect(error?.message).toBe(
			`Could not reach the Microsoft sign-in service at 127.0.0.1:${port}: the connection was refused`,
		);
		expect(error?.description).toContain('(ECONNREFUSED)');
		expect(error?.description).toContain('the main instance and, in queue mode, every worker');
		expect(error?.description).not.toContain('API Base URL');
		expect(session.sandbox.counters.byMethod.GET).toBe(1);
	});

	it('TLS failing (an https token URL answered by a plain-http server): says a secure connection could not be set up', async () => {
		const port = new URL(session.sandbox.url).port;
		session.credentials = {
			...session.credentials,
			accessTokenUrl: `https://127.0.0.1:${port}/organizations/oauth2/v2.0/token`,
		};
		session.sandbox.expireAccessTokens();
		const { error } = await getExample();
		expect(error?.message).toBe(
			`Could not reach the Microsoft sign-in service at 127.0.0.1:${port}: a secure (TLS) connection could not be set up`,
		);
		expect(error?.description).toContain(`127.0.0.1:${port} (EPROTO)`);
		expect(error?.description).toContain('NODE_EXTRA_CA_CERTS');
		expect(session.sandbox.counters.byMethod.GET).toBe(1);
	});

	it('a proxy answering in its place (HTML 403): says so', async () => {
		const proxy = createServer((_req, res) => {
			res.writeHead(403, { 'Content-Type': 'text/html' });
			res.end('<html><body>Blocked by proxy policy</body></html>');
		});
		await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
		try {
			const { port } = proxy.address() as AddressInfo;
			session.credentials = {
				...session.credentials,
				accessTokenUrl: `http://127.0.0.1:${port}/contoso.onmicrosoft.com/oauth2/v2.0/token`,
			};
			session.sandbox.expireAccessTokens();
			const { error } = await getExample();
			expect(error?.message).toBe(
				'The Microsoft sign-in service answered with something that is not a sign-in answer (403)',
			);
			expect(error?.description).toContain('A proxy or firewall');
		} finally {
			await new Promise((resolve) => proxy.close(resolve));
		}
	});
});

describe('the token endpoint never answers (n8n renews the token after a 401, and waits)', () => {
	/** A token endpoint that takes requests and answers none until told to. */
	async function silentTokenEndpoint() {
		const held: Array<import('node:http').ServerResponse> = [];
		const server = createServer((request, response) => {
			request.on('data', () => undefined).on('end', () => held.push(response));
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const { port } = server.address() as AddressInfo;
		session.credentials = {
			...session.credentials,
			accessTokenUrl: `http://127.0.0.1:${port}/organizations/oauth2/v2.0/token`,
		};
		return {
			host: `127.0.0.1:${port}`,
			held,
			/** Answers the held requests with a token, as a slow Microsoft finally would. */
			answerLate: () => {
				for (const response of held.splice(0)) {
					response.writeHead(200, { 'Content-Type': 'application/json' });
					response.end(
						JSON.stringify({
							access_token: 'late-access-token-0123456789',
							refresh_token: 'late-refresh-token-0123456789',
							token_type: 'Bearer',
							expires_in: 3600,
						}),
					);
				}
			},
			close: async () => {
				server.closeAllConnections();
				await new Promise((resolve) => server.close(resolve));
			},
		};
	}

	it('a Get stops when its time is up, naming the sign-in service and saying nothing was written', async () => {
		const tokens = await silentTokenEndpoint();
		try {
			session.sandbox.expireAccessTokens();
			const { error, items } = await session.run({
				operation: 'get',
				referralId: byId(EXAMPLE_ID),
				options: { timeout: 1 },
			});
			expect(items).toEqual([]);
			expect(error?.message).toBe(
				`The Microsoft sign-in service (${tokens.host}) did not answer in time`,
			);
			expect(error?.description).toContain('no answer came within 1 s');
			expect(error?.description).toContain('Nothing was written.');
			expect(error?.description).toContain('the main instance and, in queue mode, every worker');
			expect(error?.description).toContain('raise "Timeout (Seconds)"');
			expect(tokens.held).toHaveLength(1);
			expect(session.sandbox.counters.byMethod.GET).toBe(1);
		} finally {
			await tokens.close();
		}
	}, 20_000);

	it('a Create creates nothing, and is not sent when the token comes after the node gave up', async () => {
		const tokens = await silentTokenEndpoint();
		try {
			const before = session.sandbox.referrals.count();
			session.sandbox.expireAccessTokens();
			const { error } = await session.run(createParameters({ options: { timeout: 1 } }));
			expect(error?.message).toBe(
				`The Microsoft sign-in service (${tokens.host}) did not answer in time`,
			);
			expect(error?.description).toContain('The referral was not created.');
			expect(error?.description).not.toMatch(/may or may not/);

			tokens.answerLate();
			// n8n's renewal now ends; the create it would send again must stay unsent
			await new Promise((resolve) => setTimeout(resolve, 300));
			expect(session.sandbox.counters.byMethod.POST).toBe(1);
			expect(session.sandbox.referrals.count()).toBe(before);
		} finally {
			await tokens.close();
		}
	}, 20_000);
});

describe("Partner Center's own 401 and 403 after a good sign-in", () => {
	it('401 with a renewed token: names the API permission and the roles', async () => {
		session.sandbox.faults.failNext(2, 401, {
			error: { code: 'unauthenticated', message: 'The token is not valid for this API.' },
		});
		const { error } = await getExample();
		expect(session.sandbox.counters.tokenRequests).toBe(1);
		expect(error?.message).toBe(
			"Partner Center refused the access token (401): check the app's Microsoft Partner Center API permission",
		);
		expect(error?.description).toContain('Microsoft Partner Center → user_impersonation');
		expect(error?.description).toContain('Referrals Admin');
		expect(error?.description).toContain(
			'Partner Center said: unauthenticated: The token is not valid for this API.',
		);
	});

	it('403 on a read: names both referrals roles and where to give them', async () => {
		session.sandbox.faults.failNext(1, 403, {
			error: { code: 'accessDenied', message: 'The user does not have a referrals role.' },
		});
		const { error } = await getExample();
		expect(error?.message).toBe(
			'Partner Center denied access to referrals (403): the signed-in user needs the Referrals Admin or Referrals User role',
		);
		expect(error?.description).toContain('Account settings → User management');
		expect(error?.description).toContain(
			'Partner Center said: accessDenied: The user does not have a referrals role.',
		);
	});

	it('403 on a create: names the Referrals Admin role', async () => {
		session.sandbox.faults.failNext(1, 403, {
			error: { code: 'accessDenied', message: 'Forbidden.' },
		});
		const { error } = await createReferral();
		expect(error?.message).toBe(
			'Partner Center denied the change (403): the signed-in user needs the Referrals Admin role',
		);
		expect(error?.description).toContain('a Referrals User may only read');
		expect(error?.description).toContain('The referral was not created.');
	});

	it('403 insufficent_claims (conditional access): says to reconnect with multi-factor sign-in', async () => {
		session.sandbox.faults.failNext(
			1,
			403,
			{ error: { code: 'accessDenied', message: 'Multi-factor authentication is required.' } },
			{
				'WWW-Authenticate':
					'Bearer error="insufficent_claims", claims="eyJhY2Nlc3NfdG9rZW4iOnt9fQ=="',
			},
		);
		const { error } = await getExample();
		expect(error?.message).toBe(
			'Partner Center requires a multi-factor sign-in (403): reconnect the credential',
		);
	});
});

it('after the user reconnects, the next run works (a referral is created once)', async () => {
	session.sandbox.expireAccessTokens();
	session.sandbox.faults.failSignInNext(1, 'grantRevoked');
	expect((await getExample()).error?.message).toBe(
		'The Partner Center sign-in has expired or was revoked',
	);
	session.signIn();
	const before = session.sandbox.referrals.count();
	const { error, items } = await createReferral();
	expect(error).toBeUndefined();
	expect(items).toHaveLength(1);
	expect(session.sandbox.referrals.count()).toBe(before + 1);
});
