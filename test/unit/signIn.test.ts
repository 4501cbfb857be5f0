/**
 * Sign-in failures as each n8n version hands them to the node, read (inspectFailure) and
 * explained (mapFailure). The engine tests (test/integration/signIn.test.ts) run n8n-core 2.x;
 * the n8n 1.x shapes here are what n8n 1.123 produces, built the way it builds them:
 *
 * n8n-core 1.122 dist/execution-engine/node-execution-context/utils/request-helper-functions.js
 * `requestOAuth2` calls `token.refresh()` of @n8n/client-oauth2 0.33 (client-oauth2.js
 * `accessTokenRequest`, utils.js `getAuthError`: an AuthError whose message is the RFC 6749
 * text of `error`, or Microsoft's error_description when `error` is not an RFC one);
 * `httpRequestWithAuthentication` wraps it in `new NodeApiError(node, error)`, and n8n-workflow
 * 1.120's ExecutionBaseError drops a cause that is an Error: only the message, `messages` and
 * `httpCode` (from the AuthError's `code` "EAUTH", or the socket code) survive.
 */
import type { IExecuteFunctions, INode } from 'n8n-workflow';

import { AuthService } from '../../dev/sandbox/auth';
import { timing } from '../../nodes/PartnerCenterReferral/shared/timing';
import type { SignInFailureName } from '../../dev/sandbox';
import { REFERRAL } from '../../nodes/PartnerCenterReferral/api/listing';
import type { ApiRequest } from '../../nodes/PartnerCenterReferral/transport';
import { apiRequest } from '../../nodes/PartnerCenterReferral/transport';
import {
	inspectFailure,
	mapFailure,
	mayHaveBeenProcessed,
} from '../../nodes/PartnerCenterReferral/transport/errors';
import { isRetryable } from '../../nodes/PartnerCenterReferral/transport/retry';

const node = {
	name: 'Partner Center Referral',
	type: 'n8n-nodes-partner-center.partnerCenterReferral',
} as INode;
const ctx = { getNode: () => node } as unknown as IExecuteFunctions;
// the resource api/ describes referrals with: the messages read as the node's users see them
const GET: ApiRequest = {
	method: 'GET',
	path: '/v1.0/engagements/referrals/x',
	resource: REFERRAL,
};
const CREATE: ApiRequest = {
	method: 'POST',
	path: '/v1.0/engagements/referrals',
	resource: REFERRAL,
};
const SECRET = 'the-client-secret-value-0123456789';

function explain(error: unknown, request: ApiRequest = GET) {
	const failure = inspectFailure(error);
	const mapped = mapFailure.call(ctx, failure, request, undefined, [SECRET]);
	return {
		failure,
		message: mapped.message,
		description: mapped.description ?? '',
		declared: mapped.failure,
	};
}

/** The NodeApiError n8n 1.x throws: message, messages and httpCode, no cause. */
function n8n1(message: string, httpCode: string, messages: string[] = [message]) {
	return Object.assign(new Error(message), {
		name: 'NodeApiError',
		httpCode,
		messages,
		context: {},
	});
}

const RFC = {
	invalid_client:
		'Client authentication failed (e.g., unknown client, no client authentication included, or unsupported authentication method).',
	invalid_grant:
		'The provided authorization grant (e.g., authorization code, resource owner credentials) or refresh token is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.',
	unauthorized_client:
		'The client is not authorized to request an authorization code using this method.',
	invalid_request:
		'The request is missing a required parameter, includes an invalid parameter value, includes a parameter more than once, or is otherwise malformed.',
};

const entra = new AuthService(
	'3c8a5e4f-7d21-4b9a-8f6e-51a2c0d9e7b3',
	SECRET,
	3600,
	() => new Date('2026-03-02T09:00:00Z'),
);
const answer = (name: SignInFailureName) =>
	entra.signInFailure(name).body as Record<string, unknown> & {
		error: string;
		error_description: string;
	};

/** What n8n 2.x throws: a NodeApiError whose cause is client-oauth2's AuthError carrying Microsoft's JSON. */
function n8n2(body: Record<string, unknown> & { error: string }) {
	const authError = Object.assign(
		new Error(RFC[body.error as keyof typeof RFC] ?? String(body.error_description)),
		{
			code: 'EAUTH',
			body,
		},
	);
	return Object.assign(new Error(authError.message), {
		name: 'NodeApiError',
		httpCode: 'EAUTH',
		cause: authError,
	});
}

describe('n8n 1.x: the refusal reduced to its RFC text (no AADSTS code)', () => {
	it.each<[keyof typeof RFC, string, RegExp]>([
		[
			'invalid_client',
			'Microsoft did not accept the client secret or Client ID in the Partner Center credential',
			/AADSTS7000222.*AADSTS7000215/,
		],
		[
			'invalid_grant',
			'The Partner Center sign-in has expired or was revoked',
			/AADSTS70008.*AADSTS50173.*AADSTS50076.*AADSTS65001/,
		],
		[
			'unauthorized_client',
			"Microsoft does not know the app (Client ID) in the credential's tenant",
			/Application \(client\) ID/,
		],
		[
			'invalid_request',
			'Microsoft rejected the sign-in request of the Partner Center credential',
			/AADSTS90002/,
		],
	])('%s: the advice of that OAuth error, and where to find the code', (error, message, causes) => {
		const result = explain(n8n1(RFC[error], 'EAUTH'));
		expect(result.failure.signIn).toEqual({ reason: 'refused', error });
		expect(result.message).toBe(message);
		expect(result.description).toMatch(causes);
		expect(result.description).toContain('Sign-in logs');
		expect(result.description).toContain('Partner Center did not carry out the request');
	});

	it("interaction_required (not an RFC error): Microsoft's description survives, so its code and ids are shown", () => {
		const body = answer('mfaEnrollment');
		const result = explain(n8n1(body.error_description, 'EAUTH'));
		expect(result.failure.signIn).toMatchObject({
			reason: 'refused',
			code: '50079',
			traceId: body.trace_id,
			correlationId: body.correlation_id,
		});
		expect(result.message).toBe(
			'Microsoft requires the user to set up multi-factor sign-in: reconnect the credential',
		);
		expect(result.description).toContain(
			`Trace ID: ${String(body.trace_id)}, Correlation ID: ${String(body.correlation_id)}`,
		);
	});

	it('a token host that cannot be resolved: named from the socket message', () => {
		const result = explain(
			n8n1(
				'The connection cannot be established, this usually occurs due to an incorrect host (domain) value',
				'ENOTFOUND',
				[
					'getaddrinfo ENOTFOUND login.microsoftonline.com',
					'getaddrinfo ENOTFOUND login.microsoftonline.com',
				],
			),
		);
		expect(result.message).toBe(
			'Could not reach the Microsoft sign-in service at login.microsoftonline.com: the host name could not be resolved',
		);
		expect(result.description).toContain('the main instance and, in queue mode, every worker');
	});

	it('token data without a refresh token ("refreshToken is required"): says to reconnect', () => {
		const result = explain(n8n1('refreshToken is required', 'ERR_ASSERTION'));
		expect(result.message).toBe('The Partner Center sign-in has expired or was revoked');
		expect(result.description).toContain(
			'sign in again (Reconnect on n8n 1.x, Switch account on n8n 2.x)',
		);
	});

	it('a proxy answering the token request with HTML (client-oauth2: "Unsupported content type"), not a Partner Center 403', () => {
		const error = Object.assign(
			n8n1('Forbidden - perhaps check your credentials?', '403', [
				'Unsupported content type: text/html',
			]),
			{
				description: 'Unsupported content type: text/html',
			},
		);
		const result = explain(error);
		expect(result.message).toBe(
			'The Microsoft sign-in service answered with something that is not a sign-in answer (403)',
		);
	});

	it('never connected ("Unable to sign without access token"): says to connect, nothing was sent', () => {
		const result = explain(
			n8n1('Unable to sign without access token', null as unknown as string),
			CREATE,
		);
		expect(result.message).toBe('The Partner Center credential is not connected yet');
		expect(result.description).toContain(
			'Nothing was sent to Partner Center. The referral was not created.',
		);
	});
});

describe('n8n 1.x: a socket or TLS failure while renewing the token (its host is not in the error)', () => {
	/** n8n 1.x hands Partner Center's 401 back as a response; the request sent again then fails while n8n renews the token. */
	function renewalFails(error: Error) {
		const context = {
			getNode: () => node,
			getCredentials: async () => ({
				baseUrl: 'https://api.partner.microsoft.com',
				accessTokenUrl:
					'https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token',
				oauthTokenData: {
					access_token: 'an-expired-access-token',
					refresh_token: 'a-refresh-token-0123',
				},
			}),
			helpers: {
				httpRequestWithAuthentication: async (
					_type: string,
					options: { ignoreHttpStatusErrors?: unknown },
				) => {
					if (options.ignoreHttpStatusErrors === false) throw error;
					return {
						statusCode: 401,
						headers: {},
						body: { error: { code: 'unauthenticated', message: 'expired' } },
					};
				},
			},
		} as unknown as IExecuteFunctions;
		return apiRequest.call(context, { method: 'GET', path: '/v1.0/engagements/referrals/x' });
	}

	beforeEach(() => jest.spyOn(timing, 'sleep').mockResolvedValue());
	afterEach(() => jest.restoreAllMocks());

	it.each<[string, Error, string]>([
		[
			'refused',
			n8n1('The service refused the connection - perhaps it is offline', 'ECONNREFUSED', [
				'connect ECONNREFUSED 20.190.151.7:443',
			]),
			'the connection was refused',
		],
		[
			'a TLS failure',
			n8n1('certificate has expired', 'CERT_HAS_EXPIRED'),
			'a secure (TLS) connection could not be set up',
		],
	])(
		'%s: names the token host from the credential, not the API Base URL',
		async (_label, error, words) => {
			await expect(renewalFails(error)).rejects.toMatchObject({
				message: `Could not reach the Microsoft sign-in service at login.microsoftonline.com: ${words}`,
				description: expect.stringContaining('the main instance and, in queue mode, every worker'),
			});
		},
	);
});

describe("each AADSTS code, when n8n passes Microsoft's answer on (n8n 2.x, every error but invalid_grant)", () => {
	it.each<[SignInFailureName, string]>([
		['secretExpired', 'The client secret in the Partner Center credential has expired'],
		[
			'secretInvalid',
			'Microsoft did not accept the client secret in the Partner Center credential',
		],
		['grantExpired', 'The Partner Center sign-in has expired: reconnect the credential'],
		['refreshTokenInactive', 'The Partner Center sign-in has expired: reconnect the credential'],
		['grantRevoked', 'The Partner Center sign-in was revoked: reconnect the credential'],
		['consentMissing', 'The app has no consent for the Partner Center API: an admin must grant it'],
		['appNotFound', "Microsoft does not know the app (Client ID) in the credential's tenant"],
		['tenantNotFound', 'Microsoft does not know the tenant in the Partner Center credential'],
		[
			'userFromOtherTenant',
			'The account used to connect belongs to another Microsoft Entra tenant',
		],
		[
			'mfaRequired',
			'Microsoft requires a multi-factor sign-in for Partner Center: reconnect the credential',
		],
		[
			'mfaEnrollment',
			'Microsoft requires the user to set up multi-factor sign-in: reconnect the credential',
		],
		['other', 'Microsoft refused to renew the Partner Center sign-in (AADSTS900023)'],
	])('%s', (name, message) => {
		const body = answer(name);
		const result = explain(n8n2(body), CREATE);
		expect(result.message).toBe(message);
		const code = String((body.error_codes as number[])[0]);
		expect(result.description).toContain(`Microsoft said: AADSTS${code} (${body.error}): `);
		expect(result.description).toContain(
			`Trace ID: ${String(body.trace_id)}, Correlation ID: ${String(body.correlation_id)}`,
		);
		expect(result.description).toContain('The referral was not created.');
		expect(result.description).not.toContain('\r\n');
	});

	it("masks the credential's secrets in Microsoft's text", () => {
		const body = {
			...answer('other'),
			error_description: `AADSTS900023: bad value ${SECRET}.\r\nTrace ID: a\r\nCorrelation ID: b\r\nTimestamp: c`,
		};
		const result = explain(n8n2(body));
		expect(result.description).toContain('bad value [redacted]');
		expect(result.description).not.toContain(SECRET);
	});

	it("n8n 2.x, a token host that cannot be resolved: axios's error names the token URL", () => {
		const socket = Object.assign(new Error('getaddrinfo ENOTFOUND login.microsoftonline.com'), {
			code: 'ENOTFOUND',
			hostname: 'login.microsoftonline.com',
		});
		const axios = Object.assign(new Error(socket.message), {
			name: 'AxiosError',
			isAxiosError: true,
			code: 'ENOTFOUND',
			config: {
				url: 'https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token',
			},
			cause: socket,
		});
		const result = explain(
			Object.assign(new Error('The connection cannot be established'), {
				name: 'NodeApiError',
				httpCode: 'ENOTFOUND',
				cause: axios,
			}),
			CREATE,
		);
		expect(result.message).toBe(
			'Could not reach the Microsoft sign-in service at login.microsoftonline.com: the host name could not be resolved',
		);
		expect(result.description).toContain('can reach login.microsoftonline.com over HTTPS');
		expect(result.description).toContain('The referral was not created.');
		expect(result.description).not.toMatch(/may or may not/);
	});

	it('n8n 2.x on invalid_grant: its "needs to be reconnected" text, quoted', () => {
		const reconnect = Object.assign(
			new Error('The credential "Partner Center (prod)" needs to be reconnected.'),
			{
				description:
					'Access could not be refreshed because the connected account has revoked access, the refresh token expired, or the account password or permissions changed. Open the credential and reconnect it to continue.',
			},
		);
		const result = explain(
			Object.assign(new Error(reconnect.message), { name: 'NodeApiError', cause: reconnect }),
		);
		expect(result.message).toBe('The Partner Center sign-in has expired or was revoked');
		expect(result.description).toContain(
			'n8n could not renew the sign-in: The credential "Partner Center (prod)" needs to be reconnected.',
		);
		// as n8n 2.x declares on its own error: the user has to reconnect the credential
		expect(result.declared).toEqual({ cause: 'credential-invalid' });
	});
});

it('a sign-in failure is neither retried nor said to have maybe reached Partner Center', () => {
	const { failure } = explain(n8n2(answer('secretExpired')));
	expect(isRetryable(failure, GET)).toBe(false);
	expect(mayHaveBeenProcessed(failure)).toBe(false);
});
