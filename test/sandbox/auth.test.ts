import { createHash } from 'node:crypto';

import {
	EXAMPLE_REFERRAL_ID,
	startSandbox,
	type Sandbox,
	type SignInFailureName,
} from '../../dev/sandbox';
import { Client, manualClock, REFERRALS_PATH } from './helpers';

interface TokenBody {
	token_type: string;
	scope: string;
	expires_in: number;
	ext_expires_in: number;
	access_token: string;
	refresh_token: string;
}

interface OAuthError {
	error: string;
	error_description: string;
	error_codes: number[];
	timestamp: string;
}

async function tokenRequest(
	sandbox: Sandbox,
	form: Record<string, string>,
	headers: Record<string, string> = {},
): Promise<{ status: number; body: TokenBody & OAuthError; headers: Headers }> {
	const response = await fetch(sandbox.tokenUrl, {
		method: 'POST',
		headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
		body: new URLSearchParams(form).toString(),
	});
	return {
		status: response.status,
		body: (await response.json()) as TokenBody & OAuthError,
		headers: response.headers,
	};
}

async function authorize(sandbox: Sandbox, params: Record<string, string>): Promise<URL> {
	const response = await fetch(
		`${sandbox.authorizeUrl}?${new URLSearchParams(params).toString()}`,
		{ redirect: 'manual' },
	);
	expect(response.status).toBe(302);
	return new URL(response.headers.get('location') as string);
}

const REDIRECT_URI = 'http://localhost:5678/rest/oauth2-credential/callback';

describe('sandbox: authentication', () => {
	let sandbox: Sandbox;
	const clock = manualClock();

	beforeAll(async () => {
		sandbox = await startSandbox({ referralCount: 5, now: clock.now });
	});

	afterAll(async () => {
		await sandbox.close();
	});

	beforeEach(() => sandbox.resetCounters());

	const getExample = (token?: string): Promise<Response> =>
		fetch(`${sandbox.url}${REFERRALS_PATH}/${EXAMPLE_REFERRAL_ID}`, {
			headers: token === undefined ? {} : { Authorization: `Bearer ${token}` },
		});

	it('exposes the registered app and the token/authorize URLs', () => {
		expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
		expect(sandbox.tokenUrl).toBe(`${sandbox.url}/organizations/oauth2/v2.0/token`);
		expect(sandbox.authorizeUrl).toBe(`${sandbox.url}/organizations/oauth2/v2.0/authorize`);
		expect(sandbox.clientId).toBeTruthy();
		expect(sandbox.clientSecret).toBeTruthy();
	});

	it('answers 401 unauthenticated with WWW-Authenticate: Bearer without a token or with an unknown one', async () => {
		const missing = await getExample();
		expect(missing.status).toBe(401);
		expect(missing.headers.get('www-authenticate')).toBe('Bearer');
		expect(await missing.json()).toEqual({
			error: { code: 'unauthenticated', message: expect.any(String) },
		});
		const unknown = await getExample('not-a-token');
		expect(unknown.status).toBe(401);
		expect(unknown.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
		const basic = await fetch(`${sandbox.url}${REFERRALS_PATH}`, {
			headers: { Authorization: 'Basic Zm9vOmJhcg==' },
		});
		expect(basic.status).toBe(401);
		expect(sandbox.counters.unauthorized).toBe(3);
		expect(sandbox.counters.requests).toBe(3);
	});

	it('accepts an issued token until the clock passes its lifetime', async () => {
		const { accessToken, expiresIn } = sandbox.issueToken(60);
		expect(expiresIn).toBe(60);
		expect((await getExample(accessToken)).status).toBe(200);
		clock.advance(59_000);
		expect((await getExample(accessToken)).status).toBe(200);
		clock.advance(1_000);
		const expired = await getExample(accessToken);
		expect(expired.status).toBe(401);
		expect(((await expired.json()) as { error: { message: string } }).error.message).toMatch(
			/expired/,
		);
	});

	it('expireAccessTokens() -> 401, then the refresh_token grant yields a working token (old refresh tokens stay valid)', async () => {
		const { accessToken, refreshToken } = sandbox.issueToken();
		expect((await getExample(accessToken)).status).toBe(200);
		sandbox.expireAccessTokens();
		expect((await getExample(accessToken)).status).toBe(401);
		const refreshed = await tokenRequest(sandbox, {
			grant_type: 'refresh_token',
			refresh_token: refreshToken,
			client_id: sandbox.clientId,
			client_secret: sandbox.clientSecret,
			scope: 'https://api.partner.microsoft.com/.default offline_access',
		});
		expect(refreshed.status).toBe(200);
		expect(refreshed.body).toEqual({
			token_type: 'Bearer',
			scope: 'https://api.partner.microsoft.com/.default offline_access',
			expires_in: 3600,
			ext_expires_in: 3600,
			access_token: expect.any(String),
			refresh_token: expect.any(String),
		});
		expect(refreshed.body.refresh_token).not.toBe(refreshToken);
		expect(refreshed.headers.get('content-type')).toBe('application/json; charset=utf-8');
		expect((await getExample(refreshed.body.access_token)).status).toBe(200);
		expect((await getExample(accessToken)).status).toBe(401);
		const again = await tokenRequest(sandbox, {
			grant_type: 'refresh_token',
			refresh_token: refreshToken,
			client_id: sandbox.clientId,
			client_secret: sandbox.clientSecret,
		});
		expect(again.status).toBe(200);
		expect(sandbox.counters.tokenRequests).toBe(2);
		expect(sandbox.counters.requests).toBe(4);
	});

	it('runs the authorization-code flow (auto-consent) with client credentials in the body or HTTP Basic', async () => {
		const location = await authorize(sandbox, {
			client_id: sandbox.clientId,
			redirect_uri: REDIRECT_URI,
			response_type: 'code',
			scope: 'https://api.partner.microsoft.com/.default offline_access',
			state: 'xyz 123',
		});
		expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
		expect(location.searchParams.get('state')).toBe('xyz 123');
		const code = location.searchParams.get('code') as string;
		expect(code).toBeTruthy();
		const basic = Buffer.from(`${sandbox.clientId}:${sandbox.clientSecret}`).toString('base64');
		const exchanged = await tokenRequest(
			sandbox,
			{ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI },
			{ Authorization: `Basic ${basic}` },
		);
		expect(exchanged.status).toBe(200);
		expect((await getExample(exchanged.body.access_token)).status).toBe(200);
		const reused = await tokenRequest(sandbox, {
			grant_type: 'authorization_code',
			code,
			redirect_uri: REDIRECT_URI,
			client_id: sandbox.clientId,
			client_secret: sandbox.clientSecret,
		});
		expect(reused.status).toBe(400);
		expect(reused.body.error).toBe('invalid_grant');
		expect(reused.body.error_description).toMatch(/^AADSTS54005: /);
		expect(reused.body.error_codes).toEqual([54005]);
		expect(reused.body.timestamp).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}Z$/);
	});

	it('supports PKCE (S256) without a client secret', async () => {
		const verifier = 'a-long-random-code-verifier-0123456789-abcdefghijklmnop';
		const challenge = createHash('sha256').update(verifier).digest('base64url');
		const location = await authorize(sandbox, {
			client_id: sandbox.clientId,
			redirect_uri: REDIRECT_URI,
			response_type: 'code',
			code_challenge: challenge,
			code_challenge_method: 'S256',
		});
		const code = location.searchParams.get('code') as string;
		const wrong = await tokenRequest(sandbox, {
			grant_type: 'authorization_code',
			code,
			redirect_uri: REDIRECT_URI,
			client_id: sandbox.clientId,
			code_verifier: 'wrong',
		});
		expect(wrong.status).toBe(400);
		const ok = await tokenRequest(sandbox, {
			grant_type: 'authorization_code',
			code,
			redirect_uri: REDIRECT_URI,
			client_id: sandbox.clientId,
			code_verifier: verifier,
		});
		expect(ok.status).toBe(200);
	});

	it.each<[string, Record<string, string>, number, string, RegExp]>([
		[
			'a wrong secret',
			{ grant_type: 'refresh_token', refresh_token: 'x', client_secret: 'wrong' },
			401,
			'invalid_client',
			/AADSTS7000215/,
		],
		[
			'an unknown client',
			{ grant_type: 'refresh_token', refresh_token: 'x', client_id: 'someone-else' },
			401,
			'invalid_client',
			/AADSTS700016/,
		],
		[
			'no client secret',
			{ grant_type: 'refresh_token', refresh_token: 'REFRESH', client_secret: '' },
			401,
			'invalid_client',
			/AADSTS7000218/,
		],
		[
			'an unknown refresh token',
			{ grant_type: 'refresh_token', refresh_token: 'nope' },
			400,
			'invalid_grant',
			/AADSTS9002313/,
		],
		[
			'an unknown code',
			{ grant_type: 'authorization_code', code: 'nope', redirect_uri: REDIRECT_URI },
			400,
			'invalid_grant',
			/AADSTS9002313/,
		],
		[
			'a missing grant_type',
			{ grant_type: '' },
			400,
			'invalid_request',
			/AADSTS900144.*grant_type/,
		],
		[
			'the client_credentials grant',
			{ grant_type: 'client_credentials' },
			400,
			'unsupported_grant_type',
			/AADSTS70003/,
		],
	])('rejects %s in the v2 error shape', async (_label, overrides, status, error, description) => {
		const form: Record<string, string> = {
			client_id: sandbox.clientId,
			client_secret: sandbox.clientSecret,
			...overrides,
		};
		if (form.client_secret === '') delete form.client_secret;
		if (form.refresh_token === 'REFRESH') form.refresh_token = sandbox.issueToken().refreshToken;
		const response = await tokenRequest(sandbox, form);
		expect(response.status).toBe(status);
		expect(response.body.error).toBe(error);
		expect(response.body.error_description).toMatch(description);
		expect(response.body.error_codes).toHaveLength(1);
	});

	it.each<[SignInFailureName, number, string, number]>([
		['secretExpired', 401, 'invalid_client', 7000222],
		['secretInvalid', 401, 'invalid_client', 7000215],
		['grantExpired', 400, 'invalid_grant', 70008],
		['refreshTokenInactive', 400, 'invalid_grant', 700082],
		['grantRevoked', 400, 'invalid_grant', 50173],
		['consentMissing', 400, 'invalid_grant', 65001],
		['appNotFound', 400, 'unauthorized_client', 700016],
		['tenantNotFound', 400, 'invalid_request', 90002],
		['userFromOtherTenant', 400, 'invalid_grant', 50020],
		['mfaRequired', 400, 'invalid_grant', 50076],
		['mfaEnrollment', 400, 'interaction_required', 50079],
		['other', 400, 'invalid_request', 900023],
	])(
		'failSignInNext(1, %j) answers the next token request as Entra ID does, once',
		async (failure, status, error, code) => {
			sandbox.faults.failSignInNext(1, failure);
			const form = {
				grant_type: 'refresh_token',
				refresh_token: sandbox.issueToken().refreshToken,
				client_id: sandbox.clientId,
				client_secret: sandbox.clientSecret,
			};
			const refused = await tokenRequest(sandbox, form);
			expect(refused.status).toBe(status);
			const body = refused.body as unknown as Record<string, unknown>;
			expect(body).toMatchObject({
				error,
				error_codes: [code],
				error_uri: `https://login.microsoftonline.com/error?code=${code}`,
			});
			expect(body.error_description).toMatch(
				new RegExp(
					`^AADSTS${code}: .+\\r\\nTrace ID: ${String(body.trace_id)}\\r\\nCorrelation ID: ${String(body.correlation_id)}\\r\\nTimestamp: ${String(body.timestamp)}$`,
					's',
				),
			);
			expect(body.error_description).not.toMatch(/\{(app|tenant|issued)\}/);
			expect((await tokenRequest(sandbox, form)).status).toBe(200);
		},
	);

	it('rejects a code redeemed with another redirect_uri, and a JSON token request', async () => {
		const location = await authorize(sandbox, {
			client_id: sandbox.clientId,
			redirect_uri: REDIRECT_URI,
			response_type: 'code',
		});
		const mismatch = await tokenRequest(sandbox, {
			grant_type: 'authorization_code',
			code: location.searchParams.get('code') as string,
			redirect_uri: 'http://localhost:9999/elsewhere',
			client_id: sandbox.clientId,
			client_secret: sandbox.clientSecret,
		});
		expect(mismatch.status).toBe(400);
		expect(mismatch.body.error).toBe('invalid_grant');
		const json = await fetch(sandbox.tokenUrl, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify({ grant_type: 'refresh_token' }),
		});
		expect(json.status).toBe(400);
	});

	it('redirects unsupported response types back with an error, and refuses unknown clients', async () => {
		const location = await authorize(sandbox, {
			client_id: sandbox.clientId,
			redirect_uri: REDIRECT_URI,
			response_type: 'token',
			state: 's',
		});
		expect(location.searchParams.get('error')).toBe('unsupported_response_type');
		expect(location.searchParams.get('state')).toBe('s');
		const unknown = await fetch(
			`${sandbox.authorizeUrl}?client_id=nobody&redirect_uri=${encodeURIComponent(REDIRECT_URI)}&response_type=code`,
			{
				redirect: 'manual',
			},
		);
		expect(unknown.status).toBe(400);
	});

	it('needs no token when requireAuth is false', async () => {
		const open = await startSandbox({ referralCount: 0, requireAuth: false });
		try {
			const client = new Client(open, '');
			expect((await client.json(`${REFERRALS_PATH}/${EXAMPLE_REFERRAL_ID}`)).status).toBe(200);
		} finally {
			await open.close();
		}
	});
});
