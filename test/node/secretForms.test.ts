/**
 * Secrets in every form (issue 25.9): the client secret, the access token and the refresh token
 * are masked in an error whatever form the service (or a proxy in front of it) echoes them in:
 * as typed, percent-encoded (`~` as `%7E`, a space as `+` or `%20`), JSON-escaped, and inside the
 * base64 Basic value of `client_id:client_secret`. Secrets with `~`, `+`, `/`, spaces, quotes and
 * a backslash, through n8n's engine against a raw local server that is both Partner Center and
 * the token endpoint, on the sign-in failure path that quotes the token endpoint's answer and on
 * Partner Center's own error.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import { redact } from '../../nodes/PartnerCenterReferral/transport/redact';
import { timing } from '../../nodes/PartnerCenterReferral/shared/timing';
import { EXAMPLE_ID, runOptions, runReferral } from '../fixtures';
import { closeRawServers, json, rawServer } from '../rawServer';

const CLIENT_ID = '3f2c1e5a-1111-4222-8333-944455556666';
const CLIENT_SECRET = 'Q8~a+b/c d"e\'f\\g~Zx9.secret';
const ACCESS_TOKEN = 'opaque~access+tok/en "a" \'b\' \\c 0123';
const REFRESH_TOKEN = 'opaque~refresh+tok/en "r" \'s\' \\t 4567';

/** Every form a secret may be echoed in: as typed, percent-encoded (both styles), JSON-escaped. */
function formsOf(secret: string): string[] {
	const strict = encodeURIComponent(secret).replace(
		/[!'()*~]/g,
		(char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
	);
	return [
		secret,
		encodeURIComponent(secret),
		strict,
		strict.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase()),
		new URLSearchParams({ v: secret }).toString().slice(2),
		JSON.stringify(secret).slice(1, -1),
		JSON.stringify(secret).slice(1, -1).replace(/\//g, '\\/'),
	];
}

const basic = (id: string, secret: string) => Buffer.from(`${id}:${secret}`).toString('base64');
const formEncoded = (value: string) => new URLSearchParams({ v: value }).toString().slice(2);

/** Everything that must never show: each secret in each form, and the Basic values. */
const NEVER = [
	...[CLIENT_SECRET, ACCESS_TOKEN, REFRESH_TOKEN].flatMap(formsOf),
	basic(CLIENT_ID, CLIENT_SECRET),
	basic(formEncoded(CLIENT_ID), formEncoded(CLIENT_SECRET)),
];

/** A text that echoes every form of `secrets`, and the Basic values, as a careless service or proxy would. */
const echoing = (secrets: string[]) =>
	[
		...secrets.flatMap(formsOf).map((form, index) => `form ${index}: <${form}>`),
		`Authorization: Basic ${basic(CLIENT_ID, CLIENT_SECRET)}`,
		`header ${basic(formEncoded(CLIENT_ID), formEncoded(CLIENT_SECRET))}`,
	].join('; ');

describe('redact', () => {
	it('masks each secret in every form, and leaves the text around it', () => {
		const secrets = [
			CLIENT_SECRET,
			ACCESS_TOKEN,
			REFRESH_TOKEN,
			basic(CLIENT_ID, CLIENT_SECRET),
			basic(formEncoded(CLIENT_ID), formEncoded(CLIENT_SECRET)),
		];
		const masked = redact(echoing([CLIENT_SECRET, ACCESS_TOKEN, REFRESH_TOKEN]), secrets);
		for (const form of NEVER) expect(masked).not.toContain(form);
		expect(masked).toContain('form 0: <[redacted]>');
		expect(masked).toContain('Authorization: Basic [redacted]');
		expect(masked).toContain('header [redacted]');
	});

	it('finds a form with lower-case hex escapes and a mix of styles', () => {
		const mixed = 'Q8%7ea%2Bb%2fc+d\\"e%27f\\\\g~Zx9.secret';
		expect(redact(`got ${mixed}.`, [CLIENT_SECRET])).toBe('got [redacted].');
	});
});

describe('the node, with secrets echoed in every form', () => {
	afterEach(async () => {
		jest.restoreAllMocks();
		await closeRawServers();
	});

	/** A server answering the token endpoint with `token` and everything else with `api`. */
	async function serve(
		token: (body: string, request: IncomingMessage, response: ServerResponse) => void,
		api: (request: IncomingMessage, response: ServerResponse) => void,
	): Promise<string> {
		const server = await rawServer((request, response, _server, body) =>
			request.url?.startsWith('/token') ? token(body, request, response) : api(request, response),
		);
		return server.url;
	}

	const credential = (url: string) =>
		runOptions({
			baseUrl: url,
			accessTokenUrl: `${url}/token`,
			clientId: CLIENT_ID,
			clientSecret: CLIENT_SECRET,
			oauthTokenData: {
				access_token: ACCESS_TOKEN,
				refresh_token: REFRESH_TOKEN,
				token_type: 'Bearer',
			},
		});

	it('a refused token refresh whose answer echoes the request it got, and every form of the secrets', async () => {
		jest.spyOn(timing, 'sleep').mockResolvedValue();
		let received = '';
		const url = await serve(
			(body, request, response) => {
				received = body;
				json(response, 401, {
					error: 'invalid_client',
					error_description: `AADSTS7000215: Invalid client secret provided. Received ${body} with ${request.headers.authorization ?? 'no Authorization'}; ${echoing([CLIENT_SECRET, ACCESS_TOKEN, REFRESH_TOKEN])}. Trace ID: 0e6b0c59-0c8a-4bd8-9f0e-7f0b7b2e1a00 Correlation ID: 7d1e8a5e-93b4-4e4e-8f64-0c6f1f0a2b11 Timestamp: 2026-03-02 09:00:00Z`,
					error_codes: [7000215],
				});
			},
			(_request, response) =>
				json(response, 401, { error: { code: 'unauthenticated', message: 'Token expired' } }),
		);

		const { error, run } = await runReferral(
			{ operation: 'get', referralId: { __rl: true, mode: 'id', value: EXAMPLE_ID } },
			{},
			credential(url),
		);

		// the refresh did send the secrets, percent-encoded, and the answer echoed them so
		expect(received).toContain(`refresh_token=${encodeURIComponent(REFRESH_TOKEN)}`);
		expect(received).toContain(`client_secret=${encodeURIComponent(CLIENT_SECRET)}`);
		expect(error?.message).toBe(
			'Microsoft did not accept the client secret in the Partner Center credential',
		);
		expect(error?.description).toContain('Invalid client secret provided. Received');
		expect(error?.description).toContain('form 0: <[redacted]>');
		const shown = `${error?.message}\n${error?.description}`;
		for (const form of NEVER) expect(shown).not.toContain(form);
		const everything = JSON.stringify(run);
		for (const form of NEVER) expect(everything).not.toContain(JSON.stringify(form).slice(1, -1));
	});

	it("Partner Center's own error echoing the access token and the client secret in every form", async () => {
		const url = await serve(
			(_body, _request, response) => json(response, 500, {}),
			(request, response) =>
				json(response, 403, {
					error: {
						code: 'accessDenied',
						message: `Denied for ${request.headers.authorization}; ${echoing([ACCESS_TOKEN, CLIENT_SECRET, REFRESH_TOKEN])}`,
					},
				}),
		);

		const { error } = await runReferral(
			{ operation: 'get', referralId: { __rl: true, mode: 'id', value: EXAMPLE_ID } },
			{},
			credential(url),
		);

		expect(error?.message).toMatch(/^Partner Center denied access to referrals \(403\)/);
		expect(error?.description).toContain('Denied for Bearer [redacted]');
		const shown = `${error?.message}\n${error?.description}`;
		for (const form of NEVER) expect(shown).not.toContain(form);
	});
});
