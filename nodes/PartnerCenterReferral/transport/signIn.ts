/**
 * Sign-in failures, read and explained: the credential that was never connected, Microsoft
 * Entra ID refusing to renew the token (its AADSTS code mapped to what to change), the
 * token endpoint out of reach, and Partner Center refusing a token Microsoft issued (its
 * 401/403). errors.ts hands every failure here first.
 *
 * What n8n hands the node when a refresh fails (read in n8n's source):
 * - n8n 2.x (n8n-core …/request-helpers/oauth.js `refreshOrFetchToken`, @n8n/client-oauth2
 *   `accessTokenRequest`): Microsoft's `invalid_grant` becomes a NodeOperationError "The
 *   credential "<name>" needs to be reconnected." without Microsoft's answer; any other
 *   refusal is client-oauth2's AuthError (`code` EAUTH, `body` = Microsoft's JSON), a socket
 *   failure is axios's error (`code`, `config.url` = the token URL), an answer that is not
 *   JSON a ResponseError (`code` ESTATUS, `status`). httpRequestWithAuthentication wraps each
 *   in a NodeApiError whose `cause` is that error.
 * - n8n 1.x (n8n-core 1.122 request-helper-functions.js `requestOAuth2`, client-oauth2 0.33):
 *   every refusal is an AuthError whose message is the RFC 6749 text of `error` (or
 *   Microsoft's error_description when `error` is not an RFC one); the NodeApiError that wraps
 *   it keeps no `cause` (ExecutionBaseError drops an Error cause), only that message, its
 *   `messages` and `httpCode` "EAUTH" (or the socket code). So on 1.x the AADSTS code survives
 *   only for non-RFC errors such as `interaction_required`.
 * - A credential saved but never connected: n8n applies the type's default `oauthTokenData`
 *   ({}), so signing fails with "Unable to sign without access token" (both versions; "OAuth
 *   credentials not connected" when the data is missing altogether). The transport checks this
 *   before sending anything (`assertConnected`).
 */
import type { IDataObject, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { NETWORK_FAILURES } from './hints';
import type { ApiRequest, PartnerCenterContext, Resource } from './types';
import { headerValue, resourceOf } from './types';
import { redact } from './redact';

export interface SignInFailure {
	/**
	 * notConnected: the credential has no access token; refused: Microsoft refused to renew the
	 * token; reconnect: n8n says to reconnect without Microsoft's answer; unreachable: the token
	 * endpoint could not be reached; unexpected: something that is not Microsoft answered there;
	 * timedOut: the token endpoint did not answer within the attempt's time (attempt.ts).
	 */
	reason: 'notConnected' | 'refused' | 'reconnect' | 'unreachable' | 'unexpected' | 'timedOut';
	/** OAuth error, e.g. invalid_client */
	error?: string;
	/** AADSTS code, e.g. "7000222" */
	code?: string;
	/** Microsoft's description without its trace lines */
	text?: string;
	traceId?: string;
	correlationId?: string;
	timestamp?: string;
	/** unreachable: the socket or TLS error code */
	networkCode?: string;
	/** the host of the token endpoint, when the error names it */
	host?: string;
	/** unexpected: the status of the answer */
	status?: number;
	/** timedOut: how long the node waited (ms) */
	timeoutMs?: number;
}

/** The RFC 6749 texts @n8n/client-oauth2 puts in place of Microsoft's answer, by their start. */
const RFC_TEXTS: Array<[string, string]> = [
	['Client authentication failed', 'invalid_client'],
	['The provided authorization grant', 'invalid_grant'],
	['The client is not authorized', 'unauthorized_client'],
	['The request is missing a required parameter', 'invalid_request'],
	['The requested scope is invalid', 'invalid_scope'],
	['The resource owner or authorization server denied', 'access_denied'],
	['The authorization grant type is not supported', 'unsupported_grant_type'],
	['The authorization server encountered an unexpected', 'server_error'],
	['The authorization server is currently unable', 'temporarily_unavailable'],
];

const NOT_CONNECTED = /Unable to sign without access token|OAuth credentials not connected/i;
/** n8n 2.x after invalid_grant; n8n 1.x / 2.x when the token data has no refresh token. */
const RECONNECT_TEXT =
	/needs to be reconnected|refreshToken is required|no refresh token is available/i;
/** client-oauth2 when the token endpoint's answer is not JSON (2.x; 1.x) */
const NOT_AN_OAUTH_ANSWER = /OAuth2 token endpoint|Unsupported content type/i;
const TOKEN_PATH = /\/oauth2\/(v2\.0\/)?token\b/i;
/** Microsoft's sign-in hosts, to recognise a socket error that names the host (n8n 1.x keeps only the message). */
const MICROSOFT_LOGIN_HOST =
	/\b(login\.microsoftonline\.(com|us)|login\.windows\.net|login\.partner\.microsoftonline\.cn|login\.chinacloudapi\.cn)\b/i;
const TLS_CODE = /CERT|TLS|SSL|EPROTO|SELF_SIGNED/i;

function textsOf(layer: IDataObject): string[] {
	const texts = [layer.message, ...(Array.isArray(layer.messages) ? layer.messages : [])];
	return texts.filter((text): text is string => typeof text === 'string');
}

/** Reads Microsoft's answer: `{ error, error_description: "AADSTS…: … Trace ID: … Correlation ID: … Timestamp: …", … }`. */
export function readMicrosoftAnswer(body: IDataObject | string): Omit<SignInFailure, 'reason'> {
	const description =
		typeof body === 'string'
			? body
			: typeof body.error_description === 'string'
				? body.error_description
				: '';
	const fields = typeof body === 'string' ? {} : body;
	const pick = (key: string, label: string): string | undefined =>
		typeof fields[key] === 'string'
			? (fields[key] as string)
			: new RegExp(`${label}:\\s*(\\S+(?: \\S+Z)?)`).exec(description)?.[1];
	const codes = Array.isArray(fields.error_codes) ? fields.error_codes : [];
	const code =
		/AADSTS(\d+)/.exec(description)?.[1] ?? (codes.length ? String(codes[0]) : undefined);
	const text = description
		.split(/\s*Trace ID:/)[0]
		.replace(/^AADSTS\d+:\s*/, '')
		.trim();
	return {
		error: typeof fields.error === 'string' ? fields.error : undefined,
		code,
		text: text || undefined,
		traceId: pick('trace_id', 'Trace ID'),
		correlationId: pick('correlation_id', 'Correlation ID'),
		timestamp: pick('timestamp', 'Timestamp'),
	};
}

const DEFAULT_TOKEN_HOST = 'login.microsoftonline.com';

/** Errors thrown while n8n renewed the token after Partner Center's 401, with the token host. */
const renewing = new WeakMap<object, string>();

/**
 * For a request sent again after Partner Center answered 401 (n8n 1.x renews the token only
 * then): marks what it throws as thrown while renewing, so that a socket or TLS failure, which
 * n8n 1.x reports without its host, is read as the token host's.
 */
export function whileRenewing(tokenHost: string | undefined) {
	return (error: unknown): never => {
		if (error && typeof error === 'object') renewing.set(error, tokenHost ?? DEFAULT_TOKEN_HOST);
		throw error;
	};
}

/** A sign-in failure in the layers of an error (the error, its cause, …), or undefined when it is none. */
export function inspectSignIn(layers: IDataObject[]): SignInFailure | undefined {
	for (const layer of layers) {
		const body = layer.body as IDataObject | undefined;
		// n8n 2.x: client-oauth2's AuthError (code EAUTH) with Microsoft's answer
		const oauthAnswer = body && typeof body === 'object' && typeof body.error === 'string';
		if (
			oauthAnswer &&
			(layer.code === 'EAUTH' || 'error_description' in body || 'error_codes' in body)
		) {
			return { reason: 'refused', ...readMicrosoftAnswer(body) };
		}
	}
	for (const layer of layers) {
		if (layer.code !== 'EAUTH' && layer.httpCode !== 'EAUTH') continue;
		// n8n 1.x: only client-oauth2's message survives
		const message = textsOf(layer).find((text) => text.length > 0) ?? '';
		if (/AADSTS\d+/.test(message)) return { reason: 'refused', ...readMicrosoftAnswer(message) };
		const rfc = RFC_TEXTS.find(([start]) => message.startsWith(start));
		if (rfc) return { reason: 'refused', error: rfc[1] };
		return { reason: 'refused', text: message || undefined };
	}
	const texts = layers.flatMap(textsOf);
	if (texts.some((text) => NOT_CONNECTED.test(text))) return { reason: 'notConnected' };
	const reconnect = texts.find((text) => RECONNECT_TEXT.test(text));
	if (reconnect) return { reason: 'reconnect', text: reconnect };
	if (texts.some((text) => NOT_AN_OAUTH_ANSWER.test(text))) {
		const status = layers
			.map((layer) => Number(layer.status ?? layer.httpCode))
			.find((value) => Number.isInteger(value) && value >= 100);
		return { reason: 'unexpected', status };
	}
	for (const layer of layers) {
		// n8n 2.x: axios's error for the token request, with its URL
		const url = (layer.config as IDataObject | undefined)?.url;
		const code = typeof layer.code === 'string' ? layer.code : undefined;
		if (typeof url === 'string' && TOKEN_PATH.test(url) && code) {
			let host: string | undefined;
			try {
				host = new URL(url).host;
			} catch {
				host = undefined;
			}
			return { reason: 'unreachable', networkCode: code, host };
		}
	}
	for (const layer of layers) {
		// n8n 1.x: the socket code as httpCode, the host only in the message ("getaddrinfo ENOTFOUND login.microsoftonline.com")
		const code =
			typeof layer.httpCode === 'string'
				? layer.httpCode
				: typeof layer.code === 'string'
					? layer.code
					: undefined;
		const host = textsOf(layer)
			.map((text) => MICROSOFT_LOGIN_HOST.exec(text)?.[1])
			.find(Boolean);
		if (code && host && (code in NETWORK_FAILURES || TLS_CODE.test(code)))
			return { reason: 'unreachable', networkCode: code, host };
	}
	const renewal = layers[0] ? renewing.get(layers[0]) : undefined;
	if (renewal) {
		// n8n 1.x while renewing: Partner Center had just answered, so a socket or TLS failure is the token host's
		const code = layers
			.flatMap((layer) => [layer.httpCode, layer.code])
			.find(
				(value): value is string =>
					typeof value === 'string' && (value in NETWORK_FAILURES || TLS_CODE.test(value)),
			);
		if (code) return { reason: 'unreachable', networkCode: code, host: renewal };
	}
	return undefined;
}

const CREDENTIAL = 'the Partner Center OAuth2 API credential';
const APP = 'Microsoft Entra ID → App registrations → your app';
/** The editor's buttons: n8n 1.x shows "Connect my account" and, once connected, "Reconnect"; n8n 2.x "Connect" and "Switch account". */
const CONNECT_BUTTON = '"Connect my account" (n8n 1.x) or "Connect" (n8n 2.x)';
const SIGN_IN_AGAIN = 'sign in again (Reconnect on n8n 1.x, Switch account on n8n 2.x)';
const RECONNECT = `open ${CREDENTIAL} and ${SIGN_IN_AGAIN} as a Partner Center user.`;
/** The last step, after other changes. */
const RECONNECT_STEP = `Then ${RECONNECT}`;
const PERMISSION =
	'the delegated API permission Microsoft Partner Center → user_impersonation (API permissions → Add a permission → APIs my organization uses → "Microsoft Partner Center"), with "Grant admin consent" done';
/** Partner Center's two roles that open its referrals API (their names are the service's), what each allows said with the resource's noun. */
function roles({ noun }: Resource): string {
	return `Referrals Admin (create, update and read ${noun.many}) or Referrals User (read ${noun.many} whose team includes them)`;
}

interface Advice {
	message: string;
	fix: string;
}

/** What each AADSTS code partners meet means, and what to change. */
const BY_CODE: Record<string, Advice> = {
	'7000222': {
		message: 'The client secret in the Partner Center credential has expired',
		fix: `In ${APP} → Certificates & secrets, add a new client secret and copy its Value (not its Secret ID). Paste it as Client Secret in ${CREDENTIAL}, save, and ${SIGN_IN_AGAIN} as a Partner Center user.`,
	},
	'7000215': {
		message: 'Microsoft did not accept the client secret in the Partner Center credential',
		fix: `Client Secret must be the secret's Value (shown once, when it is created), not its Secret ID. In ${APP} → Certificates & secrets, create a new secret if the Value is lost, paste the Value into ${CREDENTIAL}, save, and ${SIGN_IN_AGAIN} as a Partner Center user.`,
	},
	'70008': {
		message: 'The Partner Center sign-in has expired: reconnect the credential',
		fix: `The refresh token expired after a long time unused: ${RECONNECT}`,
	},
	'50173': {
		message: 'The Partner Center sign-in was revoked: reconnect the credential',
		fix: `The user's password was changed or reset, or an admin revoked their sessions: ${RECONNECT}`,
	},
	'65001': {
		message: 'The app has no consent for the Partner Center API: an admin must grant it',
		fix: `In ${APP} → API permissions, the app needs ${PERMISSION}. Granting consent needs a Global Administrator or Privileged Role Administrator. ${RECONNECT_STEP}`,
	},
	'700016': {
		message: "Microsoft does not know the app (Client ID) in the credential's tenant",
		fix: `Check Client ID (the Application (client) ID on the app's Overview page) and Tenant ID in ${CREDENTIAL}: the app must be registered in that tenant, or be multi-tenant ("Accounts in any organizational directory") and consented there. ${RECONNECT_STEP}`,
	},
	'90002': {
		message: 'Microsoft does not know the tenant in the Partner Center credential',
		fix: `Check Tenant ID in ${CREDENTIAL}: the Directory (tenant) ID GUID from the app's Overview page, a verified domain such as contoso.onmicrosoft.com, or "organizations" for a multi-tenant app. ${RECONNECT_STEP}`,
	},
	'50020': {
		message: 'The account used to connect belongs to another Microsoft Entra tenant',
		fix: `Open ${CREDENTIAL}, ${SIGN_IN_AGAIN} with an account of the partner's own tenant (the one that holds the Partner Center account), or use Tenant ID "organizations" with a multi-tenant app.`,
	},
	'50076': {
		message:
			'Microsoft requires a multi-factor sign-in for Partner Center: reconnect the credential',
		fix: `Your organisation requires multi-factor authentication (Partner Center requires it for App+User access). Open ${CREDENTIAL}, ${SIGN_IN_AGAIN} and complete the multi-factor sign-in in the browser.`,
	},
	'50079': {
		message: 'Microsoft requires the user to set up multi-factor sign-in: reconnect the credential',
		fix: `The signed-in user must register for multi-factor authentication (Partner Center requires it for App+User access). Open ${CREDENTIAL}, ${SIGN_IN_AGAIN} and complete the registration and sign-in in the browser.`,
	},
};
BY_CODE['700082'] = BY_CODE['70008'];

/** Without a code (n8n 2.x on invalid_grant, n8n 1.x on RFC errors): what the OAuth error leaves possible. */
const BY_ERROR: Record<string, Advice> = {
	invalid_client: {
		message:
			'Microsoft did not accept the client secret or Client ID in the Partner Center credential',
		fix: `Usual causes: the client secret expired (AADSTS7000222), or its Secret ID was pasted instead of its Value (AADSTS7000215). In ${APP} → Certificates & secrets, check the secret's expiry, add a new one if needed, and paste its Value as Client Secret in ${CREDENTIAL}; check Client ID too. ${RECONNECT_STEP}`,
	},
	invalid_grant: {
		message: 'The Partner Center sign-in has expired or was revoked',
		fix: `Usual causes: the refresh token expired after a long time unused (AADSTS70008, AADSTS700082), the password was changed or sessions were revoked (AADSTS50173), multi-factor sign-in is now required (AADSTS50076), or consent for the app was withdrawn (AADSTS65001: an admin must first grant consent for ${PERMISSION}). ${RECONNECT_STEP}`,
	},
	unauthorized_client: BY_CODE['700016'],
	invalid_request: {
		message: 'Microsoft rejected the sign-in request of the Partner Center credential',
		fix: `Usual cause: Tenant ID is not a tenant Microsoft knows (AADSTS90002). Check Tenant ID in ${CREDENTIAL}: the Directory (tenant) ID GUID, a verified domain such as contoso.onmicrosoft.com, or "organizations". ${RECONNECT_STEP}`,
	},
	interaction_required: BY_CODE['50076'],
	consent_required: BY_CODE['65001'],
};

const NO_CODE_NOTE =
	"n8n did not pass on Microsoft's AADSTS code; Microsoft Entra admin center → Sign-in logs (User sign-ins, non-interactive; filter by the app) shows it.";

/** What happened to the request itself: nothing reached Partner Center's data. */
function outcome(request: ApiRequest, sent: boolean): string {
	const created =
		request.method === 'POST' ? ` The ${resourceOf(request).noun.one} was not created.` : '';
	return sent
		? `Partner Center did not carry out the request: it refused the expired access token, and n8n could not get a new one.${created}`
		: `Nothing was sent to Partner Center.${created}`;
}

function advise(failure: SignInFailure): Advice & { said?: string } {
	const trace = [
		failure.traceId && `Trace ID: ${failure.traceId}`,
		failure.correlationId && `Correlation ID: ${failure.correlationId}`,
		failure.timestamp && `Timestamp: ${failure.timestamp}`,
	].filter(Boolean);
	const said = failure.code
		? ` Microsoft said: AADSTS${failure.code}${failure.error ? ` (${failure.error})` : ''}: ${failure.text ?? ''}${trace.length ? ` (${trace.join(', ')})` : ''}`
		: failure.error
			? ` Microsoft answered: ${failure.error}.`
			: '';
	const known =
		(failure.code && BY_CODE[failure.code]) ||
		(!failure.code && failure.error ? BY_ERROR[failure.error] : undefined);
	if (known)
		return { ...known, fix: failure.code ? known.fix : `${known.fix} ${NO_CODE_NOTE}`, said };
	if (failure.code) {
		return {
			message: `Microsoft refused to renew the Partner Center sign-in (AADSTS${failure.code})`,
			fix: `Look the code up at https://login.microsoftonline.com/error?code=${failure.code} and change what it names in Microsoft Entra ID. ${RECONNECT_STEP}`,
			said,
		};
	}
	// no code and no OAuth error: what n8n passed on, with the advice of the most common case
	const { message, fix } = BY_ERROR.invalid_grant;
	return {
		message,
		fix: `${fix} ${NO_CODE_NOTE}`,
		said: failure.text ? ` n8n said: ${failure.text}` : said,
	};
}

/** The message and description of a sign-in failure. */
export function explainSignIn(
	failure: SignInFailure,
	request: ApiRequest,
): { message: string; description: string } {
	const host = failure.host ?? DEFAULT_TOKEN_HOST;
	const outbound = `Check that every n8n process that runs executions or polls triggers (the main instance and, in queue mode, every worker) can reach ${host} over HTTPS: DNS, firewall and any proxy's allow-list must let ${host} through as well as api.partner.microsoft.com.`;
	switch (failure.reason) {
		case 'notConnected':
			return {
				message: 'The Partner Center credential is not connected yet',
				description: `The credential was saved but never connected to a Microsoft account, so n8n has no access token. Open ${CREDENTIAL} and click ${CONNECT_BUTTON}, then sign in as a Partner Center user with the role ${roles(resourceOf(request))}. ${outcome(request, false)}`,
			};
		case 'reconnect': {
			const { message, fix } = BY_ERROR.invalid_grant;
			const said = failure.text ? `: ${failure.text.replace(/[.\s]+$/, '')}.` : '.';
			return {
				message,
				description: `n8n could not renew the sign-in${said} ${fix} ${NO_CODE_NOTE} ${outcome(request, true)}`,
			};
		}
		case 'unreachable': {
			const code = failure.networkCode ?? '';
			const words = TLS_CODE.test(code)
				? 'a secure (TLS) connection could not be set up'
				: (NETWORK_FAILURES[code] ?? 'the connection failed');
			const tls = TLS_CODE.test(code)
				? ' A proxy that inspects TLS needs its certificate trusted by n8n (NODE_EXTRA_CA_CERTS).'
				: '';
			return {
				message: `Could not reach the Microsoft sign-in service at ${host}: ${words}`,
				description: `n8n needed a new access token and could not connect to ${host} (${code}). ${outbound}${tls} ${outcome(request, true)}`,
			};
		}
		case 'timedOut':
			return {
				message: `The Microsoft sign-in service (${host}) did not answer in time`,
				description: `Partner Center refused the expired access token (401) and n8n asked ${host} for a new one, but no answer came within ${Math.max(1, Math.round((failure.timeoutMs ?? 0) / 1000))} s ("Timeout (Seconds)"), so the node stopped waiting and did not send the request again. Nothing was written. ${outbound} If ${host} is only slow, raise "Timeout (Seconds)" in the node's options. ${outcome(request, true)}`,
			};
		case 'unexpected':
			return {
				message: `The Microsoft sign-in service answered with something that is not a sign-in answer${failure.status ? ` (${failure.status})` : ''}`,
				description: `A proxy or firewall between n8n and ${host} probably answered in Microsoft's place. ${outbound} ${outcome(request, true)}`,
			};
		default: {
			const { message, fix, said } = advise(failure);
			return { message, description: `${fix}${said ?? ''} ${outcome(request, true)}` };
		}
	}
}

/** The NodeApiError of a sign-in failure, secrets masked. */
export function mapSignInFailure(
	this: PartnerCenterContext,
	failure: SignInFailure,
	request: ApiRequest,
	secrets: readonly string[],
): NodeApiError {
	const { message, description } = explainSignIn(failure, request);
	const error = new NodeApiError(
		this.getNode(),
		{
			message: redact(message, secrets),
			code: failure.code ? `AADSTS${failure.code}` : null,
		} as JsonObject,
		{
			message: redact(message, secrets),
			description: redact(description, secrets),
			itemIndex: request.itemIndex,
			// n8n 2.x's own error for a refused renewal declares this; keep it (n8n 1.x ignores it)
			failure:
				failure.reason === 'unreachable' ||
				failure.reason === 'unexpected' ||
				failure.reason === 'timedOut'
					? undefined
					: { cause: 'credential-invalid' },
		},
	);
	error.context.partnerCenterMapped = true;
	error.context.signIn = failure.reason;
	// The description's part that is a fact, not advice (see mapFailure).
	error.context.facts = outcome(request, failure.reason !== 'notConnected');
	if (failure.code) error.context.serviceErrorCode = `AADSTS${failure.code}`;
	return error;
}

/**
 * Whether the credential was saved but never connected: n8n then hands the type's default
 * token data ({}), without an access token. (Without any token data n8n itself refuses
 * before sending.)
 */
export function isNeverConnected(credentials: IDataObject): boolean {
	const tokens = credentials.oauthTokenData;
	if (!tokens || typeof tokens !== 'object') return false;
	const accessToken = (tokens as IDataObject).access_token;
	return typeof accessToken !== 'string' || accessToken === '';
}

/**
 * Partner Center's own 401/403, after Microsoft issued (and n8n renewed) a token: the app's
 * API permission, the user's referrals role, or multi-factor sign-in (403 insufficent_claims).
 */
export function explainPartnerCenterRefusal(
	status: 401 | 403,
	request: ApiRequest,
	headers: IDataObject | undefined,
	body: unknown,
): { message: string; description: string } {
	if (status === 401) {
		return {
			message:
				"Partner Center refused the access token (401): check the app's Microsoft Partner Center API permission",
			description: `Microsoft signed the user in and n8n renewed the token, but Partner Center did not accept it. In ${APP} → API permissions, the app needs ${PERMISSION}; Tenant ID in ${CREDENTIAL} must be the partner's tenant; and the signed-in user needs the Partner Center role ${roles(resourceOf(request))}. After changing a permission, reconnect the credential.`,
		};
	}
	const challenge = `${headerValue(headers, 'www-authenticate') ?? ''} ${typeof body === 'string' ? body : JSON.stringify(body ?? '')}`;
	if (/insuff?ici?ent_claims/i.test(challenge)) {
		return {
			message: 'Partner Center requires a multi-factor sign-in (403): reconnect the credential',
			description: `Partner Center requires multi-factor authentication for App+User access, and the token was issued without it. Open ${CREDENTIAL}, ${SIGN_IN_AGAIN} and complete the multi-factor sign-in; if it is not offered, ask your admin to require MFA for this user or app.`,
		};
	}
	const writes = request.method !== 'GET';
	const resource = resourceOf(request);
	return {
		message: writes
			? 'Partner Center denied the change (403): the signed-in user needs the Referrals Admin role'
			: `Partner Center denied access to ${resource.noun.many} (403): the signed-in user needs the Referrals Admin or Referrals User role`,
		description: `In Partner Center → Settings → Account settings → User management, give the user who connected the credential the role ${writes ? 'Referrals Admin (a Referrals User may only read)' : roles(resource)}; role changes can take a while to apply. The app also needs ${PERMISSION}.`,
	};
}
