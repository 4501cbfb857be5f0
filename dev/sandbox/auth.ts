/**
 * A minimal Microsoft identity platform (Entra ID v2) look-alike: one registered app, the
 * authorization-code grant (auto-consent, optional PKCE) and the refresh-token grant, with
 * errors in the v2 shape. Access tokens are JWT-shaped (HS256, random per sandbox) but are
 * validated by lookup, so expireAccessTokens() can invalidate them all.
 */
import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';

import { PARTNER_ORGANIZATION_ID } from './data';
import type { SignInFailureName, TokenSet } from './types';

export const SANDBOX_CLIENT_ID = '3c8a5e4f-7d21-4b9a-8f6e-51a2c0d9e7b3';
export const SANDBOX_CLIENT_SECRET = 'sandbox-client-secret';
export const TOKEN_SCOPE = 'https://api.partner.microsoft.com/.default offline_access';
export const API_AUDIENCE = 'https://api.partner.microsoft.com';
export const SANDBOX_TENANT_ID = '1f9b5a3c-2e4d-4c6b-8a7e-9d0c1b2a3f4e';
const CODE_LIFETIME_MS = 10 * 60_000;

export interface OAuthResponse {
	status: number;
	headers: Record<string, string>;
	body?: unknown;
}

interface CodeGrant {
	clientId: string;
	redirectUri: string;
	expiresAt: number;
	codeChallenge?: string;
	codeChallengeMethod?: string;
	redeemed: boolean;
}

interface RefreshGrant {
	clientId: string;
	/** issued from a PKCE code: the refresh grant does not need the client secret */
	publicClient: boolean;
}

/**
 * The token endpoint's failures that partners meet, as Microsoft Entra ID answers them
 * (status, `error`, AADSTS code, description; `{app}`, `{tenant}` and `{issued}` are filled
 * in). Two readings of the MFA answer exist: MSAL sees `invalid_grant` with the suberror
 * `basic_action` (50076 here), Microsoft's error table says `interaction_required` (50079
 * here); the node must handle both.
 */
interface EntraFailure {
	status: number;
	error: string;
	code: number;
	description: string;
	extra?: Record<string, string>;
}

export const SIGN_IN_FAILURES = {
	secretExpired: {
		status: 401,
		error: 'invalid_client',
		code: 7000222,
		description:
			"The provided client secret keys for app '{app}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.",
	},
	secretInvalid: {
		status: 401,
		error: 'invalid_client',
		code: 7000215,
		description:
			"Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{app}'.",
	},
	grantExpired: {
		status: 400,
		error: 'invalid_grant',
		code: 70008,
		description:
			'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.',
	},
	refreshTokenInactive: {
		status: 400,
		error: 'invalid_grant',
		code: 700082,
		description:
			'The refresh token has expired due to inactivity. The token was issued on {issued} and was inactive for 90.00:00:00.',
	},
	grantRevoked: {
		status: 400,
		error: 'invalid_grant',
		code: 50173,
		description:
			"The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password. The grant was issued on '{issued}' and the TokensValidFrom date (before which tokens are not valid) for this user is '{issued}'.",
	},
	consentMissing: {
		status: 400,
		error: 'invalid_grant',
		code: 65001,
		description:
			"The user or administrator has not consented to use the application with ID '{app}' named 'n8n Partner Center'. Send an interactive authorization request for this user and resource.",
		extra: { suberror: 'consent_required' },
	},
	appNotFound: {
		status: 400,
		error: 'unauthorized_client',
		code: 700016,
		description:
			"Application with identifier '{app}' was not found in the directory 'Contoso'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.",
	},
	tenantNotFound: {
		status: 400,
		error: 'invalid_request',
		code: 90002,
		description:
			"Tenant 'contoso.onmicrosft.com' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.",
	},
	userFromOtherTenant: {
		status: 400,
		error: 'invalid_grant',
		code: 50020,
		description:
			"User account 'someone@fabrikam.com' from identity provider 'https://sts.windows.net/{tenant}/' does not exist in tenant 'Contoso' and cannot access the application '{app}'(n8n Partner Center) in that tenant. The account needs to be added as an external user in the tenant first. Sign out and sign in again with a different Azure Active Directory user account.",
	},
	mfaRequired: {
		status: 400,
		error: 'invalid_grant',
		code: 50076,
		description:
			"Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access 'fa3d9a0c-3fb0-42cc-9193-47c7ecd2edbd'.",
		extra: {
			suberror: 'basic_action',
			claims:
				'{"access_token":{"capolids":{"essential":true,"values":["8a7c1d2e-0000-4c5b-9e6f-1a2b3c4d5e6f"]}}}',
		},
	},
	mfaEnrollment: {
		status: 400,
		error: 'interaction_required',
		code: 50079,
		description:
			"Due to a configuration change made by your administrator, or because you moved to a new location, you must enroll in multi-factor authentication to access 'fa3d9a0c-3fb0-42cc-9193-47c7ecd2edbd'.",
	},
	other: {
		status: 400,
		error: 'invalid_request',
		code: 900023,
		description:
			"Specified tenant identifier 'not a tenant' is neither a valid DNS name, nor a valid external domain.",
	},
} satisfies Record<SignInFailureName, EntraFailure>;

export type AccessTokenState = 'valid' | 'expired' | 'unknown';

function base64url(value: string | Buffer): string {
	return Buffer.from(value).toString('base64url');
}

/** `2020-10-30 21:03:00Z`, the timestamp form of Entra errors */
function entraTimestamp(date: Date): string {
	return date
		.toISOString()
		.replace('T', ' ')
		.replace(/\.\d+Z$/, 'Z');
}

function safeDecode(text: string): string {
	try {
		return decodeURIComponent(text.replace(/\+/g, ' '));
	} catch {
		return text;
	}
}

export class AuthService {
	private readonly accessTokens = new Map<string, number>();
	private readonly refreshTokens = new Map<string, RefreshGrant>();
	private readonly codes = new Map<string, CodeGrant>();
	private readonly signingKey = randomBytes(32);

	constructor(
		readonly clientId: string,
		readonly clientSecret: string,
		private readonly lifetimeSeconds: number,
		private readonly now: () => Date,
	) {}

	/** issues an access token (lifetimeSeconds) and a refresh token for the registered app */
	issue(lifetimeSeconds = this.lifetimeSeconds, publicClient = false): TokenSet {
		const nowMs = this.now().getTime();
		const iat = Math.floor(nowMs / 1000);
		const header = base64url(JSON.stringify({ typ: 'JWT', alg: 'HS256', kid: 'sandbox' }));
		const payload = base64url(
			JSON.stringify({
				aud: API_AUDIENCE,
				iss: `https://sts.windows.net/${SANDBOX_TENANT_ID}/`,
				iat,
				nbf: iat,
				exp: iat + lifetimeSeconds,
				appid: this.clientId,
				scp: 'user_impersonation',
				tid: SANDBOX_TENANT_ID,
				oid: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
				upn: 'referrals.admin@contoso.onmicrosoft.com',
				name: 'Sandbox Referrals Admin',
				partnerOrganizationId: PARTNER_ORGANIZATION_ID,
				jti: randomUUID(),
			}),
		);
		const signature = createHmac('sha256', this.signingKey)
			.update(`${header}.${payload}`)
			.digest('base64url');
		const accessToken = `${header}.${payload}.${signature}`;
		this.accessTokens.set(accessToken, nowMs + lifetimeSeconds * 1000);
		const refreshToken = `sbx_rt_${randomBytes(32).toString('base64url')}`;
		this.refreshTokens.set(refreshToken, { clientId: this.clientId, publicClient });
		return { accessToken, refreshToken, expiresIn: lifetimeSeconds };
	}

	checkAccessToken(token: string): AccessTokenState {
		const expiresAt = this.accessTokens.get(token);
		if (expiresAt === undefined) return 'unknown';
		return this.now().getTime() >= expiresAt ? 'expired' : 'valid';
	}

	/** every access token issued so far becomes expired; refresh tokens stay valid */
	expireAccessTokens(): void {
		for (const token of this.accessTokens.keys()) this.accessTokens.set(token, -Infinity);
	}

	private error(
		status: number,
		error: string,
		code: number,
		description: string,
		extra: Record<string, string> = {},
	): OAuthResponse {
		const traceId = randomUUID();
		const correlationId = randomUUID();
		const timestamp = entraTimestamp(this.now());
		return {
			status,
			headers: { 'Cache-Control': 'no-store, no-cache', Pragma: 'no-cache' },
			body: {
				error,
				// Entra separates the trace lines with CRLF
				error_description: `AADSTS${code}: ${description}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
				error_codes: [code],
				timestamp,
				trace_id: traceId,
				correlation_id: correlationId,
				error_uri: `https://login.microsoftonline.com/error?code=${code}`,
				...extra,
			},
		};
	}

	/** The token endpoint's answer for one of the sign-in failures partners meet (see SIGN_IN_FAILURES). */
	signInFailure(failure: SignInFailureName): OAuthResponse {
		const { status, error, code, description, extra }: EntraFailure = SIGN_IN_FAILURES[failure];
		const issued = entraTimestamp(new Date(this.now().getTime() - 95 * 86_400_000));
		const text = description
			.replace(/\{app\}/g, this.clientId)
			.replace(/\{tenant\}/g, SANDBOX_TENANT_ID)
			.replace(/\{issued\}/g, issued);
		return this.error(status, error, code, text, extra);
	}

	/** GET /{tenant}/oauth2/v2.0/authorize: auto-consent, 302 back to redirect_uri with a code */
	authorize(query: URLSearchParams): OAuthResponse {
		const clientId = query.get('client_id');
		if (!clientId)
			return this.error(
				400,
				'invalid_request',
				900144,
				"The request body must contain the following parameter: 'client_id'.",
			);
		if (clientId !== this.clientId) {
			return this.error(
				400,
				'unauthorized_client',
				700016,
				`Application with identifier '${clientId}' was not found in the directory 'Sandbox'.`,
			);
		}
		const redirectUri = query.get('redirect_uri');
		let redirect: URL;
		try {
			if (!redirectUri) throw new Error('missing');
			redirect = new URL(redirectUri);
			if (redirect.protocol !== 'http:' && redirect.protocol !== 'https:')
				throw new Error('scheme');
		} catch {
			return this.error(
				400,
				'invalid_request',
				50011,
				`The redirect URI '${redirectUri ?? ''}' specified in the request is not a valid absolute http(s) URL.`,
			);
		}
		const state = query.get('state');
		const responseType = query.get('response_type') ?? '';
		if (!responseType.split(' ').includes('code')) {
			redirect.searchParams.set('error', 'unsupported_response_type');
			redirect.searchParams.set(
				'error_description',
				`AADSTS700054: response_type '${responseType}' is not enabled for the application; use 'code'.`,
			);
			if (state !== null) redirect.searchParams.set('state', state);
			return { status: 302, headers: { Location: redirect.toString() } };
		}
		const code = `sbx_code_${randomBytes(24).toString('base64url')}`;
		const challenge = query.get('code_challenge') ?? undefined;
		this.codes.set(code, {
			clientId,
			redirectUri: redirectUri as string,
			expiresAt: this.now().getTime() + CODE_LIFETIME_MS,
			...(challenge
				? {
						codeChallenge: challenge,
						codeChallengeMethod: query.get('code_challenge_method') ?? 'plain',
					}
				: {}),
			redeemed: false,
		});
		redirect.searchParams.set('code', code);
		if (state !== null) redirect.searchParams.set('state', state);
		redirect.searchParams.set('session_state', randomUUID());
		return { status: 302, headers: { Location: redirect.toString(), 'Cache-Control': 'no-store' } };
	}

	/** POST /{tenant}/oauth2/v2.0/token (form body already parsed) */
	token(form: URLSearchParams, authorization: string | undefined): OAuthResponse {
		let clientId = form.get('client_id') ?? undefined;
		let clientSecret = form.get('client_secret') ?? undefined;
		const basic = /^basic\s+(.+)$/i.exec(authorization ?? '');
		if (basic) {
			const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
			const colon = decoded.indexOf(':');
			if (colon >= 0) {
				clientId = safeDecode(decoded.slice(0, colon));
				clientSecret = safeDecode(decoded.slice(colon + 1));
			}
		}
		const grantType = form.get('grant_type');
		if (!grantType)
			return this.error(
				400,
				'invalid_request',
				900144,
				"The request body must contain the following parameter: 'grant_type'.",
			);
		if (!clientId)
			return this.error(
				400,
				'invalid_request',
				900144,
				"The request body must contain the following parameter: 'client_id'.",
			);
		if (clientId !== this.clientId) {
			return this.error(
				401,
				'invalid_client',
				700016,
				`Application with identifier '${clientId}' was not found in the directory 'Sandbox'.`,
			);
		}
		if (clientSecret !== undefined && clientSecret !== this.clientSecret) {
			return this.error(
				401,
				'invalid_client',
				7000215,
				`Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
			);
		}
		const missingSecret = (): OAuthResponse =>
			this.error(
				401,
				'invalid_client',
				7000218,
				"The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
			);

		if (grantType === 'authorization_code') {
			const code = form.get('code');
			if (!code)
				return this.error(
					400,
					'invalid_request',
					900144,
					"The request body must contain the following parameter: 'code'.",
				);
			const grant = this.codes.get(code);
			if (!grant || grant.clientId !== clientId)
				return this.error(
					400,
					'invalid_grant',
					9002313,
					'Invalid request. Request is malformed or invalid: the authorization code is unknown.',
				);
			if (grant.redeemed)
				return this.error(
					400,
					'invalid_grant',
					54005,
					'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.',
				);
			if (this.now().getTime() >= grant.expiresAt)
				return this.error(
					400,
					'invalid_grant',
					70008,
					'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.',
				);
			const redirectUri = form.get('redirect_uri');
			if (redirectUri !== grant.redirectUri) {
				return this.error(
					400,
					'invalid_grant',
					50011,
					`The redirect URI '${redirectUri ?? ''}' specified in the request does not match the redirect URI used to obtain the authorization code.`,
				);
			}
			if (grant.codeChallenge !== undefined) {
				const verifier = form.get('code_verifier') ?? '';
				const computed =
					grant.codeChallengeMethod?.toUpperCase() === 'S256'
						? createHash('sha256').update(verifier).digest('base64url')
						: verifier;
				if (!verifier || computed !== grant.codeChallenge) {
					return this.error(
						400,
						'invalid_grant',
						501481,
						'The Code_Verifier does not match the code_challenge supplied in the authorization request.',
					);
				}
			} else if (clientSecret === undefined) {
				return missingSecret();
			}
			grant.redeemed = true;
			return this.tokenResponse(
				this.issue(
					this.lifetimeSeconds,
					grant.codeChallenge !== undefined && clientSecret === undefined,
				),
			);
		}
		if (grantType === 'refresh_token') {
			const refreshToken = form.get('refresh_token');
			if (!refreshToken)
				return this.error(
					400,
					'invalid_request',
					900144,
					"The request body must contain the following parameter: 'refresh_token'.",
				);
			const grant = this.refreshTokens.get(refreshToken);
			if (!grant || grant.clientId !== clientId)
				return this.error(
					400,
					'invalid_grant',
					9002313,
					'Invalid request. Request is malformed or invalid: the refresh token is unknown.',
				);
			if (clientSecret === undefined && !grant.publicClient) return missingSecret();
			// rotation: a new refresh token every time; old ones stay valid (close to Entra's sliding window)
			return this.tokenResponse(this.issue(this.lifetimeSeconds, grant.publicClient));
		}
		return this.error(
			400,
			'unsupported_grant_type',
			70003,
			`The app requested an unsupported grant type '${grantType}'. The Partner Center referrals API accepts delegated (App+User) tokens only: use authorization_code or refresh_token.`,
		);
	}

	private tokenResponse(tokens: TokenSet): OAuthResponse {
		return {
			status: 200,
			headers: { 'Cache-Control': 'no-store, no-cache', Pragma: 'no-cache' },
			body: {
				token_type: 'Bearer',
				scope: TOKEN_SCOPE,
				expires_in: tokens.expiresIn,
				ext_expires_in: tokens.expiresIn,
				access_token: tokens.accessToken,
				refresh_token: tokens.refreshToken,
			},
		};
	}
}
