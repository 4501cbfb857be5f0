/**
 * The only code that talks HTTP to Partner Center.
 *
 * - Authentication: every request goes through `httpRequestWithAuthentication` with the
 *   Partner Center OAuth2 credential; n8n refreshes the token itself on a 401.
 * - Retries: 429 (honouring Retry-After), 500/502/503/504 and transient network errors,
 *   with exponential backoff and jitter, at most MAX_ATTEMPTS attempts. A POST is retried
 *   only after a 429: the service has no idempotency key, so a retried create could
 *   duplicate a referral.
 * - Concurrency: when the caller registered a throttle for its execution context
 *   (see `useThrottle`), every attempt holds a slot of it and reports 429s to it.
 * - Paging: `listReferrals` follows `@odata.nextLink` page by page, only on the
 *   credential's own origin.
 * - Errors: every failure becomes a NodeApiError whose message says what happened and
 *   whose description says how to fix it. Nothing of the request (headers, token) is
 *   carried into the error.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IPollFunctions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import { CREDENTIAL_TYPE, DEFAULT_BASE_URL, MAX_PAGE_SIZE, REFERRALS_PATH } from '../helpers/constants';

export type PartnerCenterContext = IExecuteFunctions | IPollFunctions | ILoadOptionsFunctions;

export const MAX_ATTEMPTS = 5;
export const MAX_RETRY_AFTER_MS = 60_000;
const BACKOFF_BASE_MS = 500;
const BACKOFF_CAP_MS = 8_000;
const RETRYABLE_STATUSES = new Set([500, 502, 503, 504]);
const TRANSIENT_NETWORK_CODES = new Set([
	'ECONNRESET',
	'ETIMEDOUT',
	'ESOCKETTIMEDOUT',
	'ECONNABORTED',
	'EPIPE',
	'EAI_AGAIN',
	'ENETUNREACH',
	'EHOSTUNREACH',
	'ECONNREFUSED',
]);

/** Socket errors, in words (n8n replaces an error message that names the raw code). */
const NETWORK_FAILURES: Record<string, string> = {
	ECONNRESET: 'the connection was reset',
	ECONNREFUSED: 'the connection was refused',
	ETIMEDOUT: 'the connection timed out',
	ESOCKETTIMEDOUT: 'the connection timed out',
	ECONNABORTED: 'the connection was aborted',
	EPIPE: 'the connection was closed',
	EAI_AGAIN: 'the host name could not be resolved',
	ENOTFOUND: 'the host name could not be resolved',
	ENETUNREACH: 'the network is unreachable',
	EHOSTUNREACH: 'the host is unreachable',
};

/** Waiting and randomness, replaceable by tests so retries are checked without waiting. */
export const timing = {
	sleep: async (ms: number): Promise<void> => await sleep(ms),
	random: (): number => Math.random(),
	now: (): number => Date.now(),
};

export type RequestOutcome = 'success' | 'throttled' | 'failed';

/** Gives a slot back, saying how its request went (`throttled` = the service answered 429). */
export type ReleaseSlot = (outcome: RequestOutcome) => void;

export interface RequestThrottle {
	/** Resolves with a slot when one more request may be in flight. */
	acquire(): Promise<ReleaseSlot>;
}

const throttles = new WeakMap<object, RequestThrottle>();

/** Makes every request made with this execution context hold a slot of `throttle`. */
export function useThrottle(context: object, throttle: RequestThrottle): void {
	throttles.set(context, throttle);
}

export interface ApiRequest {
	method: IHttpRequestMethods;
	/** A path under the credential's base URL, e.g. /v1.0/engagements/referrals/{id}. */
	path?: string;
	/** An absolute URL (a nextLink); it must be on the credential's base URL origin. */
	url?: string;
	qs?: IDataObject;
	body?: IDataObject | IDataObject[];
	headers?: IDataObject;
	itemIndex?: number;
	/** Named in the message of a 404. */
	referralId?: string;
}

export interface ApiResponse {
	statusCode: number;
	headers: IDataObject;
	body: IDataObject | undefined;
}

const baseUrls = new WeakMap<object, Promise<string>>();

/** The credential's API Base URL, read once per execution context (reading credentials is not free). */
export async function getBaseUrl(this: PartnerCenterContext): Promise<string> {
	let baseUrl = baseUrls.get(this);
	if (!baseUrl) {
		baseUrl = readBaseUrl.call(this);
		baseUrls.set(this, baseUrl);
		baseUrl.catch(() => baseUrls.delete(this));
	}
	return await baseUrl;
}

async function readBaseUrl(this: PartnerCenterContext): Promise<string> {
	const credentials = await this.getCredentials(CREDENTIAL_TYPE);
	const configured = typeof credentials.baseUrl === 'string' ? credentials.baseUrl.trim() : '';
	return (configured || DEFAULT_BASE_URL).replace(/\/+$/, '');
}

/** One API call with retries, throttling and error mapping. */
export async function apiRequest(this: PartnerCenterContext, request: ApiRequest): Promise<ApiResponse> {
	const baseUrl = await getBaseUrl.call(this);
	const url = request.url ?? `${baseUrl}${request.path ?? ''}`;
	if (request.url !== undefined) assertSameOrigin.call(this, request.url, baseUrl, request.itemIndex);

	const options: IHttpRequestOptions = {
		method: request.method,
		url,
		qs: request.qs,
		headers: { Accept: 'application/json', ...request.headers },
		json: true,
		returnFullResponse: true,
		// Error statuses come back as responses, headers (Retry-After, request-id) and body
		// intact: n8n 1.x drops them from the errors it throws. Except 401, which must throw
		// for n8n to refresh the OAuth2 token.
		ignoreHttpStatusErrors: { ignore: true, except: [401] },
	};
	if (request.body !== undefined) options.body = request.body;

	const throttle = throttles.get(this);
	for (let attempt = 1; ; attempt++) {
		let failure: Failure = { kind: 'unknown' };
		let response: RawResponse | undefined;
		const release = throttle ? await throttle.acquire() : undefined;
		try {
			let sent = await send.call(this, options);
			if (sent.statusCode === 401) {
				// n8n 1.x ignores `except` and hands the 401 back: ask again the way that
				// lets n8n refresh the token and retry.
				sent = await send.call(this, { ...options, ignoreHttpStatusErrors: false });
			}
			if (sent.statusCode >= 400) {
				failure = { kind: 'http', status: sent.statusCode, headers: sent.headers ?? {}, body: sent.body };
			} else {
				response = sent;
			}
		} catch (error) {
			failure = inspectFailure(error);
		}
		if (response) {
			release?.('success');
			return {
				statusCode: response.statusCode,
				headers: response.headers ?? {},
				body: parseBody.call(this, response.body, request),
			};
		}
		release?.(failure.status === 429 ? 'throttled' : 'failed');
		const retryable = isRetryable(failure, request.method);
		if (!retryable || attempt >= MAX_ATTEMPTS) {
			throw mapFailure.call(this, failure, request, retryable ? attempt : undefined);
		}
		await timing.sleep(retryDelayMs(failure, attempt));
	}
}

type RawResponse = { statusCode: number; headers?: IDataObject; body: unknown };

async function send(this: PartnerCenterContext, options: IHttpRequestOptions): Promise<RawResponse> {
	return (await this.helpers.httpRequestWithAuthentication.call(this, CREDENTIAL_TYPE, options)) as RawResponse;
}

export interface ListRequest {
	qs: IDataObject;
	/** Stop after this many referrals; undefined = all. */
	limit?: number;
	itemIndex?: number;
	/** Called with every page's response (e.g. to read its Date header) before the page is yielded. */
	onResponse?: (response: ApiResponse) => void;
}

/**
 * Lists referrals page by page, following @odata.nextLink verbatim. Each page is handed
 * to the caller and then dropped, so memory stays flat however many pages there are.
 * Asks for at most 100 a page and never for more than the limit still needs.
 */
export async function* listReferrals(
	this: PartnerCenterContext,
	request: ListRequest,
): AsyncGenerator<IDataObject[]> {
	const { limit, itemIndex } = request;
	let remaining = limit ?? Number.POSITIVE_INFINITY;
	if (remaining <= 0) return;
	const qs: IDataObject = { ...request.qs, $top: Math.min(MAX_PAGE_SIZE, remaining) };
	if (limit === undefined) delete qs.$top;
	let next: ApiRequest | undefined = { method: 'GET', path: REFERRALS_PATH, qs, itemIndex };
	while (next) {
		const response: ApiResponse = await apiRequest.call(this, next);
		request.onResponse?.(response);
		const body = response.body;
		const page: IDataObject[] = Array.isArray(body?.value) ? (body.value as IDataObject[]) : [];
		const taken = page.length > remaining ? page.slice(0, remaining) : page;
		remaining -= taken.length;
		if (taken.length > 0) yield taken;
		const nextLink: unknown = body?.['@odata.nextLink'];
		next =
			remaining > 0 && typeof nextLink === 'string' && nextLink !== '' && page.length > 0
				? { method: 'GET', url: nextLink, itemIndex }
				: undefined;
	}
}

function assertSameOrigin(this: PartnerCenterContext, link: string, baseUrl: string, itemIndex?: number) {
	let linkOrigin: string | undefined;
	try {
		linkOrigin = new URL(link).origin;
	} catch {
		linkOrigin = undefined;
	}
	if (linkOrigin !== new URL(baseUrl).origin) {
		throw new NodeOperationError(this.getNode(), 'Partner Center returned a next-page link to another host', {
			description: `The link points at ${linkOrigin ?? 'an invalid URL'}, not at the credential's API Base URL (${new URL(baseUrl).origin}), so it was not followed: your access token must not be sent there. Check the API Base URL in the credential, or any proxy in front of Partner Center.`,
			itemIndex,
		});
	}
}

function parseBody(this: PartnerCenterContext, body: unknown, request: ApiRequest): IDataObject | undefined {
	if (body === undefined || body === null || body === '') return undefined;
	if (typeof body === 'object' && !Buffer.isBuffer(body)) return body as IDataObject;
	const text = Buffer.isBuffer(body) ? body.toString('utf8') : String(body);
	try {
		const parsed: unknown = JSON.parse(text);
		if (parsed !== null && typeof parsed === 'object') return parsed as IDataObject;
	} catch {
		// fall through to the error below
	}
	throw mapFailure.call(this, { kind: 'malformed' }, request, undefined);
}

interface Failure {
	kind: 'http' | 'network' | 'malformed' | 'unknown';
	status?: number;
	headers?: IDataObject;
	body?: unknown;
	code?: string;
	message?: string;
}

/** Finds status, headers, body and network code wherever n8n (1.x or 2.x) put them. */
export function inspectFailure(error: unknown): Failure {
	const layers: IDataObject[] = [];
	let current: unknown = error;
	for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
		layers.push(current as IDataObject);
		const next: unknown = (current as IDataObject).cause ?? (current as IDataObject).errorResponse;
		current = next === current ? undefined : next;
	}
	for (const layer of layers) {
		const response = layer.response as IDataObject | undefined;
		const status = Number(response?.status ?? response?.statusCode ?? Number.NaN);
		if (response && Number.isInteger(status) && status >= 100) {
			return {
				kind: 'http',
				status,
				headers: (response.headers as IDataObject) ?? {},
				body: response.data ?? response.body,
			};
		}
	}
	for (const layer of layers) {
		// n8n 1.x keeps a socket error's code only as the wrapper's httpCode ("ECONNREFUSED").
		const code = [layer.code, layer.httpCode].find(
			(candidate): candidate is string => typeof candidate === 'string' && candidate in NETWORK_FAILURES,
		);
		if (code) return { kind: 'network', code };
	}
	for (const layer of layers) {
		if (layer instanceof SyntaxError || /JSON/.test(String(layer.message ?? ''))) return { kind: 'malformed' };
	}
	for (const layer of layers) {
		// n8n 1.x: only the status (as httpCode) and the body (as context.data) survive.
		const status = Number(layer.httpCode ?? Number.NaN);
		const body = (layer.context as IDataObject | undefined)?.data;
		if (Number.isInteger(status) && status >= 100) return { kind: 'http', status, headers: {}, body };
	}
	const message = layers.find((layer) => typeof layer.message === 'string')?.message as string | undefined;
	if (message && /socket hang up|network|ECONNRESET/i.test(message)) return { kind: 'network', code: 'ECONNRESET' };
	return { kind: 'unknown', message };
}

function isRetryable(failure: Failure, method: IHttpRequestMethods): boolean {
	if (failure.kind === 'http' && failure.status === 429) return true;
	if (method === 'POST') return false;
	if (failure.kind === 'http') return RETRYABLE_STATUSES.has(failure.status ?? 0);
	return failure.kind === 'network' && TRANSIENT_NETWORK_CODES.has(failure.code ?? '');
}

/** Retry-After (seconds or an HTTP date, capped) when given, else exponential backoff with jitter. */
export function retryDelayMs(failure: Failure, attempt: number): number {
	const retryAfter = parseRetryAfter(headerValue(failure.headers, 'retry-after'));
	if (retryAfter !== undefined) return Math.min(retryAfter, MAX_RETRY_AFTER_MS);
	const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1));
	return Math.round(ceiling / 2 + (timing.random() * ceiling) / 2);
}

export function parseRetryAfter(value: string | undefined): number | undefined {
	if (value === undefined || value.trim() === '') return undefined;
	const trimmed = value.trim();
	if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
	const date = Date.parse(trimmed);
	if (Number.isNaN(date)) return undefined;
	return Math.max(0, date - timing.now());
}

function headerValue(headers: IDataObject | undefined, name: string): string | undefined {
	if (!headers) return undefined;
	for (const key of Object.keys(headers)) {
		if (key.toLowerCase() === name) {
			const found = headers[key];
			return Array.isArray(found) ? String(found[0]) : found === undefined ? undefined : String(found);
		}
	}
	return undefined;
}

/** Tokens must never reach a message, a description or an output item. */
export function redact(text: string): string {
	return text
		.replace(/Bearer\s+[A-Za-z0-9\-._~+/]+=*/gi, 'Bearer [redacted]')
		.replace(/eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g, '[redacted token]')
		.replace(/(access_token|refresh_token|client_secret)(["'=:\s]+)[^"'&\s,}]+/gi, '$1$2[redacted]');
}


const ROLES_HINT =
	'The signed-in user needs the Partner Center role Referrals Admin (read and write) or Referrals User (read only, and only referrals whose team includes them), and the app registration needs the delegated Microsoft Partner Center permission with admin consent.';

function mapFailure(
	this: PartnerCenterContext,
	failure: Failure,
	request: ApiRequest,
	attempts: number | undefined,
): NodeApiError {
	const { itemIndex } = request;
	const serviceError = readServiceError(failure.body);
	const requestId = headerValue(failure.headers, 'request-id');
	const said = [serviceError.code, serviceError.message?.replace(/[.\s]+$/, '')].filter(Boolean).join(': ');
	const service = said ? ` Partner Center said: ${said}.` : '';
	const support = requestId ? ` Request ID for Microsoft support: ${requestId}.` : '';
	const after = attempts ? ` after ${attempts} attempts` : '';
	const status = failure.status;

	let message: string;
	let description: string;
	switch (true) {
		case failure.kind === 'malformed':
			message = 'Partner Center returned a response that is not valid JSON';
			description =
				'The service or a proxy in front of it sent an unreadable body. Try again; if it persists, check the API Base URL in the credential (it must point at the Partner Center API, not a web page).';
			break;
		case failure.kind === 'network':
			// n8n replaces a message naming a raw socket code with its own generic text,
			// so the message says it in words and the description carries the code.
			message = `Could not reach Partner Center: ${NETWORK_FAILURES[failure.code ?? ''] ?? 'the connection failed'}${after}`;
			description = `The connection to the API Base URL failed (${failure.code}). Check the credential's API Base URL, your network or proxy, and try again.`;
			break;
		case status === 400:
			message = `Partner Center rejected the request as invalid${serviceError.message ? `: ${serviceError.message}` : ''}`;
			description = `Check the node's parameters against what Partner Center accepts.${service}`;
			break;
		case status === 401:
			message = 'Partner Center did not accept the sign-in (401)';
			description = `Reconnect the Partner Center OAuth2 API credential (open it and sign in again). ${ROLES_HINT}${service}`;
			break;
		case status === 403:
			message = 'Partner Center denied access to referrals (403)';
			description = `${ROLES_HINT} If your organisation enforces MFA or conditional access, sign in again with MFA and reconnect the credential.${service}`;
			break;
		case status === 404:
			message = request.referralId
				? `Referral ${request.referralId} was not found`
				: 'Partner Center could not find what was asked for (404)';
			description = `Check the referral ID. A Referrals User only sees referrals whose team includes them; a Referrals Admin sees all referrals of the partner's locations.${service}`;
			break;
		case status === 409:
			message = 'Partner Center reported a conflict (409)';
			description = `The referral was changed by someone else or is in a state that does not allow this. Get it again and retry.${service}`;
			break;
		case status === 412:
			message = `The referral${request.referralId ? ` ${request.referralId}` : ''} changed since it was read (eTag mismatch, 412)`;
			description = `Get the referral again and use its new eTag in "Only Update If Unchanged", or clear that option to update regardless.${service}`;
			break;
		case status === 429:
			message = `Partner Center is throttling requests (429) and still was${after || ' after retrying'}`;
			description = `Wait a few minutes and run again, lower "Max Concurrent Requests", or poll less often.${service}`;
			break;
		case status !== undefined && status >= 500:
			message = `Partner Center is unavailable (${status})${after}`;
			description = `The service failed on its side. Try again later; if it persists, check the Partner Center service status.${service}`;
			break;
		case status !== undefined:
			message = `Partner Center answered with an error (${status})`;
			description = `Check the node's parameters and the credential.${service}`;
			break;
		case /reconnect|refresh token|invalid_grant|oauth/i.test(failure.message ?? ''):
			message = 'The Partner Center sign-in has expired or was revoked';
			description = `${failure.message} Open the Partner Center OAuth2 API credential and sign in again (Reconnect). This happens when the refresh token expired or was revoked, for example after a password change or when an admin removed the app's consent.`;
			break;
		default:
			message = 'The request to Partner Center failed';
			description = `${failure.message ?? 'An unknown error occurred.'} Check the credential's API Base URL and try again.`;
	}

	const error = new NodeApiError(
		this.getNode(),
		{ message: redact(message), code: serviceError.code ?? null } as JsonObject,
		{
			message: redact(message),
			description: redact(`${description}${support}`),
			httpCode: status !== undefined ? String(status) : undefined,
			itemIndex,
		},
	);
	error.context.partnerCenterMapped = true;
	if (serviceError.code) error.context.serviceErrorCode = serviceError.code;
	if (requestId) error.context.requestId = requestId;
	return error;
}

function readServiceError(body: unknown): { code?: string; message?: string } {
	let parsed = body;
	if (typeof body === 'string') {
		try {
			parsed = JSON.parse(body);
		} catch {
			return {};
		}
	}
	if (Buffer.isBuffer(parsed)) return readServiceError(parsed.toString('utf8'));
	if (!parsed || typeof parsed !== 'object') return {};
	const error = (parsed as IDataObject).error;
	if (error && typeof error === 'object') {
		const { code, message } = error as IDataObject;
		return {
			code: typeof code === 'string' ? code : undefined,
			message: typeof message === 'string' ? message : undefined,
		};
	}
	if (typeof error === 'string') {
		const description = (parsed as IDataObject).error_description;
		return { code: error, message: typeof description === 'string' ? description : undefined };
	}
	return {};
}
