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
 *   credential's own origin, never the same link twice, never the same referral twice.
 * - Errors: every failure becomes a NodeApiError whose message says what happened and
 *   whose description says how to fix it. Nothing of the request (headers, token) is
 *   carried into the error, and the credential's secrets are masked wherever the
 *   service's text could echo them.
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

import { CREDENTIAL_TYPE, DEFAULT_BASE_URL, MAX_PAGE_SIZE, REFERRALS_PATH } from '../shared/constants';

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

/** What the transport keeps of the credential: where to send requests, and what must never be shown. */
interface CredentialFacts {
	baseUrl: string;
	/** The client secret, access token and refresh token, masked by value in every error. */
	secrets: string[];
}

/** A shorter secret would mask ordinary words in messages; real secrets and tokens are far longer. */
const MIN_SECRET_LENGTH = 8;

const credentialFacts = new WeakMap<object, Promise<CredentialFacts>>();

/** The credential, read once per execution context (reading credentials is not free). */
async function getCredentialFacts(this: PartnerCenterContext): Promise<CredentialFacts> {
	let facts = credentialFacts.get(this);
	if (!facts) {
		facts = readCredentialFacts.call(this);
		credentialFacts.set(this, facts);
		facts.catch(() => credentialFacts.delete(this));
	}
	return await facts;
}

async function readCredentialFacts(this: PartnerCenterContext): Promise<CredentialFacts> {
	const credentials = await this.getCredentials(CREDENTIAL_TYPE);
	const configured = typeof credentials.baseUrl === 'string' ? credentials.baseUrl.trim() : '';
	const tokens = (credentials.oauthTokenData ?? {}) as IDataObject;
	const secrets = [credentials.clientSecret, tokens.access_token, tokens.refresh_token].filter(
		(value): value is string => typeof value === 'string' && value.length >= MIN_SECRET_LENGTH,
	);
	return { baseUrl: (configured || DEFAULT_BASE_URL).replace(/\/+$/, ''), secrets };
}

/** The credential's API Base URL, without a trailing slash. */
export async function getBaseUrl(this: PartnerCenterContext): Promise<string> {
	return (await getCredentialFacts.call(this)).baseUrl;
}

/** One API call with retries, throttling and error mapping. */
export async function apiRequest(this: PartnerCenterContext, request: ApiRequest): Promise<ApiResponse> {
	const { baseUrl, secrets } = await getCredentialFacts.call(this);
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
				body: parseBody.call(this, response.body, request, secrets),
			};
		}
		release?.(failure.status === 429 ? 'throttled' : 'failed');
		const retryable = isRetryable(failure, request.method);
		if (!retryable || attempt >= MAX_ATTEMPTS) {
			throw mapFailure.call(this, failure, request, retryable ? attempt : undefined, secrets);
		}
		await timing.sleep(retryDelayMs(failure, attempt));
	}
}

type RawResponse = { statusCode: number; headers?: IDataObject; body: unknown };

async function send(this: PartnerCenterContext, options: IHttpRequestOptions): Promise<RawResponse> {
	return (await this.helpers.httpRequestWithAuthentication.call(this, CREDENTIAL_TYPE, options)) as RawResponse;
}

export interface ListRequest {
	/** The query of the first page (not used with `resumeAt`). */
	qs?: IDataObject;
	/** Start at this next-page link (one `onNextLink` reported) instead of the first page. */
	resumeAt?: string;
	/** Stop after this many referrals; undefined = all. */
	limit?: number;
	itemIndex?: number;
	/** Called with every page's response (e.g. to read its Date header) before the page is yielded. */
	onResponse?: (response: ApiResponse) => void;
	/** Called before each page is yielded with the checked link of the page after it (undefined: none). */
	onNextLink?: (link: string | undefined) => void;
}

/** Empty pages that still carry a next-page link, read in a row before the listing gives up. */
export const MAX_EMPTY_PAGES_IN_A_ROW = 10;

/**
 * Lists referrals page by page, following @odata.nextLink. Each page is handed to the
 * caller and then dropped, so memory stays flat however many pages there are (only the
 * ids already listed and the links already followed are kept, see ListingGuard).
 * Sends $top only when the limit fits in one page: standard OData reads $top as the size
 * of the whole answer, Microsoft's older docs as the page size, and only there do the two
 * agree. A larger limit pages by nextLink and stops on this side.
 */
export async function* listReferrals(
	this: PartnerCenterContext,
	request: ListRequest,
): AsyncGenerator<IDataObject[]> {
	const { limit, itemIndex } = request;
	let remaining = limit ?? Number.POSITIVE_INFINITY;
	if (remaining <= 0) return;
	const baseUrl = await getBaseUrl.call(this);
	const guard = new ListingGuard(this, itemIndex);
	let pageUrl = `${baseUrl}${REFERRALS_PATH}`;
	let next: ApiRequest | undefined;
	if (request.resumeAt !== undefined) {
		pageUrl = guard.follow(resolveLink.call(this, request.resumeAt, pageUrl, baseUrl, itemIndex));
		next = { method: 'GET', url: pageUrl, itemIndex };
	} else {
		const qs: IDataObject = { ...request.qs };
		if (limit !== undefined && limit <= MAX_PAGE_SIZE) qs.$top = limit;
		next = { method: 'GET', path: REFERRALS_PATH, qs, itemIndex };
	}
	while (next) {
		const response: ApiResponse = await apiRequest.call(this, next);
		request.onResponse?.(response);
		const fresh = guard.fresh(readPage.call(this, response.body, itemIndex), response);
		const taken = fresh.length > remaining ? fresh.slice(0, remaining) : fresh;
		remaining -= taken.length;
		const link: unknown = response.body?.['@odata.nextLink'];
		next = undefined;
		if (remaining > 0 && typeof link === 'string' && link !== '') {
			pageUrl = guard.follow(resolveLink.call(this, link, pageUrl, baseUrl, itemIndex));
			next = { method: 'GET', url: pageUrl, itemIndex };
		}
		request.onNextLink?.(next?.url);
		if (taken.length > 0) yield taken;
	}
}

/** Whether a value read from Partner Center is a referral: an object with an id. */
export function isReferral(value: unknown): value is IDataObject {
	if (value === null || typeof value !== 'object') return false;
	const { id } = value as IDataObject;
	return typeof id === 'string' && id !== '';
}

/** The referrals of a list page; a page that is not a list of referrals is an error, not "no referrals". */
function readPage(this: PartnerCenterContext, body: IDataObject | undefined, itemIndex?: number): IDataObject[] {
	const value = body?.value;
	if (Array.isArray(value) && value.every(isReferral)) return value as IDataObject[];
	const what = Array.isArray(value) ? 'an entry that is not a referral (no id)' : 'no list of referrals ("value")';
	throw new NodeOperationError(this.getNode(), `Partner Center returned a list page with ${what}`, {
		description:
			'The answer cannot be read as referrals (an empty result is "value": []), so the listing stopped rather than output wrong or missing referrals. Check the API Base URL in the credential (it must point at the Partner Center API, not a web page or another service) and run again; if it persists, report it to Microsoft support.',
		itemIndex,
	});
}

/**
 * Keeps one listing finite and free of repeats: a next-page link is followed once, a
 * referral is delivered once (repeats on a page are dropped; a page of nothing but repeats
 * is the same page again), and empty pages in a row are bounded. Remembers only links and
 * ids, never referrals.
 */
class ListingGuard {
	private readonly followed = new Set<string>();

	private readonly listed = new Set<string>();

	private emptyInARow = 0;

	constructor(
		private readonly context: PartnerCenterContext,
		private readonly itemIndex: number | undefined,
	) {}

	/** The referrals of a page not listed before; fails when the page brings only repeats. */
	fresh(page: IDataObject[], response: ApiResponse): IDataObject[] {
		if (page.length === 0) {
			this.emptyInARow++;
			return page;
		}
		this.emptyInARow = 0;
		const fresh = page.filter((referral) => {
			const key = String(referral.id).toLowerCase();
			if (this.listed.has(key)) return false;
			this.listed.add(key);
			return true;
		});
		if (fresh.length === 0) {
			throw this.fail(
				'Partner Center returned the same page again (every referral on it was already listed)',
				`The listing stopped there, so no referral is output twice and it cannot loop forever; the referrals after that page were not read.${supportHint(response)}`,
			);
		}
		return fresh;
	}

	/** Records a next-page link before it is followed; fails when it was followed before or after too many empty pages. */
	follow(link: string): string {
		if (this.followed.has(link)) {
			throw this.fail(
				'Partner Center returned the same page again (a next-page link it had already given)',
				'The listing stopped there, so it cannot loop forever and no referral is output twice; the referrals after that page were not read.',
			);
		}
		if (this.emptyInARow >= MAX_EMPTY_PAGES_IN_A_ROW) {
			throw this.fail(
				`Partner Center returned ${this.emptyInARow} empty pages in a row, each with a link to another`,
				'The listing stopped there so that it cannot run on forever; the referrals after those pages, if any, were not read.',
			);
		}
		this.followed.add(link);
		return link;
	}

	private fail(message: string, whatHappened: string): NodeOperationError {
		return new NodeOperationError(this.context.getNode(), message, {
			description: `${whatHappened} This is a fault in Partner Center's paging (or in a proxy in front of it). Run again; if it persists, narrow the filters (e.g. Updated After) so fewer pages are needed, and report it to Microsoft support.`,
			itemIndex: this.itemIndex,
		});
	}
}

function supportHint(response: ApiResponse): string {
	const requestId = headerValue(response.headers, 'request-id');
	return requestId ? ` Request ID for Microsoft support: ${requestId}.` : '';
}

/**
 * A next-page link as it is followed: a relative link is resolved against the page that
 * carried it (RFC 3986), and a plain-http link to the API's own host (as in Microsoft's
 * docs) is upgraded to https, so the token never travels over plain http. Any other
 * origin (another host, scheme or port) is refused.
 */
function resolveLink(
	this: PartnerCenterContext,
	link: string,
	pageUrl: string,
	baseUrl: string,
	itemIndex?: number,
): string {
	const base = new URL(baseUrl);
	let url: URL;
	try {
		url = new URL(link, pageUrl);
	} catch {
		return link; // refused as an invalid URL below
	}
	if (url.protocol === 'http:' && base.protocol === 'https:' && url.hostname === base.hostname && url.port === '') {
		url.protocol = 'https:';
	}
	assertSameOrigin.call(this, url.href, baseUrl, itemIndex);
	return url.href;
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

function parseBody(
	this: PartnerCenterContext,
	body: unknown,
	request: ApiRequest,
	secrets: readonly string[],
): IDataObject | undefined {
	if (body === undefined || body === null || body === '') return undefined;
	if (typeof body === 'object' && !Buffer.isBuffer(body)) return body as IDataObject;
	const text = Buffer.isBuffer(body) ? body.toString('utf8') : String(body);
	try {
		const parsed: unknown = JSON.parse(text);
		if (parsed !== null && typeof parsed === 'object') return parsed as IDataObject;
	} catch {
		// fall through to the error below
	}
	throw mapFailure.call(this, { kind: 'malformed' }, request, undefined, secrets);
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

/**
 * Retry-After (seconds or an HTTP date, capped) when it asks for a wait, else exponential
 * backoff with jitter. A hint of no wait (0, a negative number, a date now or past) is no
 * usable hint: obeying it would fire every attempt at once.
 */
export function retryDelayMs(failure: Failure, attempt: number): number {
	const retryAfter = parseRetryAfter(headerValue(failure.headers, 'retry-after'));
	if (retryAfter !== undefined) return Math.min(retryAfter, MAX_RETRY_AFTER_MS);
	const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1));
	return Math.round(ceiling / 2 + (timing.random() * ceiling) / 2);
}

/** The wait a Retry-After value asks for in ms, or undefined when it asks for none or cannot be read. */
export function parseRetryAfter(value: string | undefined): number | undefined {
	const trimmed = value?.trim() ?? '';
	if (trimmed === '') return undefined;
	// a number is seconds; anything else must be an HTTP date (V8 would read "-3" as a date in 2001)
	const wait = /^[+-]?\d+(\.\d+)?$/.test(trimmed)
		? Math.round(Number(trimmed) * 1000)
		: Date.parse(trimmed) - timing.now();
	return wait > 0 ? wait : undefined;
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

/**
 * Tokens and secrets must never reach a message, a description or an output item: masks
 * `secrets` (the credential's own, see CredentialFacts) by value, and anything shaped like
 * a token.
 */
export function redact(text: string, secrets: readonly string[] = []): string {
	let masked = text;
	for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
		for (const form of new Set([secret, encodeURIComponent(secret)])) masked = masked.split(form).join('[redacted]');
	}
	return masked
		.replace(/Bearer\s+[A-Za-z0-9\-._~+/]+=*/gi, 'Bearer [redacted]')
		.replace(/eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g, '[redacted token]')
		.replace(/(access_token|refresh_token|client_secret)(["'=:\s]+)[^"'&\s,}]+/gi, '$1$2[redacted]');
}

const ROLES_HINT =
	'The signed-in user needs the Partner Center role Referrals Admin (read and write) or Referrals User (read only, and only referrals whose team includes them), and the app registration needs the delegated Microsoft Partner Center permission with admin consent.';

/** Socket failures that happen before anything is sent. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

/** n8n's words when it could not refresh the token (the request itself got a 401). */
const SIGN_IN_FAILURE = /reconnect|refresh token|invalid_grant|oauth/i;

export const MAYBE_CREATED =
	"The referral may or may not have been created: Partner Center may have received the request before it failed. A create is never retried automatically, because a retry could create a second referral. Before re-running this item, check whether it exists: Get Many with Created After set to shortly before this run and a Custom Filter such as externalReferenceId eq '<your reference>' or customerProfile/name eq '<customer>', or the Referrals page of the Partner Center portal.";

/** Whether the service may have carried the request out although it failed (a 5xx, a connection lost after sending, an unreadable answer). */
function mayHaveBeenProcessed(failure: Failure): boolean {
	if (failure.kind === 'http') return (failure.status ?? 0) >= 500;
	if (failure.kind === 'network') return !NOT_SENT_CODES.has(failure.code ?? '');
	if (failure.kind === 'unknown') return !SIGN_IN_FAILURE.test(failure.message ?? '');
	return true;
}

function mapFailure(
	this: PartnerCenterContext,
	failure: Failure,
	request: ApiRequest,
	attempts: number | undefined,
	secrets: readonly string[],
): NodeApiError {
	const { itemIndex } = request;
	const serviceError = readServiceError(failure.body);
	const requestId = headerValue(failure.headers, 'request-id');
	const said = [serviceError.code, serviceError.message?.replace(/[.\s]+$/, '')].filter(Boolean).join(': ');
	const service = said ? ` Partner Center said: ${said}.` : '';
	const support = requestId ? ` Request ID for Microsoft support: ${requestId}.` : '';
	const after = attempts ? ` after ${attempts} attempts` : '';
	const status = failure.status;
	// A POST is a create (the only POST of this API); when it may have happened, "try again" is bad advice.
	const isCreate = request.method === 'POST';
	const uncertain = isCreate && mayHaveBeenProcessed(failure);

	let message: string;
	let description: string;
	switch (true) {
		case failure.kind === 'malformed':
			message = 'Partner Center returned a response that is not valid JSON';
			description = `The service or a proxy in front of it sent an unreadable body. ${uncertain ? 'Check' : 'Try again; if it persists, check'} the API Base URL in the credential (it must point at the Partner Center API, not a web page).`;
			break;
		case failure.kind === 'network':
			// n8n replaces a message naming a raw socket code with its own generic text,
			// so the message says it in words and the description carries the code.
			message = `Could not reach Partner Center: ${NETWORK_FAILURES[failure.code ?? ''] ?? 'the connection failed'}${after}`;
			description = `The connection to the API Base URL failed (${failure.code}). Check the credential's API Base URL, your network or proxy${uncertain ? '.' : ', and try again.'}`;
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
			description = `The service failed on its side. ${uncertain ? 'If it persists' : 'Try again later; if it persists'}, check the Partner Center service status.${service}`;
			break;
		case status !== undefined:
			message = `Partner Center answered with an error (${status})`;
			description = `Check the node's parameters and the credential.${service}`;
			break;
		case SIGN_IN_FAILURE.test(failure.message ?? ''):
			message = 'The Partner Center sign-in has expired or was revoked';
			description = `${failure.message} Open the Partner Center OAuth2 API credential and sign in again (Reconnect). This happens when the refresh token expired or was revoked, for example after a password change or when an admin removed the app's consent.`;
			break;
		default:
			message = 'The request to Partner Center failed';
			description = `${failure.message ?? 'An unknown error occurred.'} Check the credential's API Base URL${uncertain ? '.' : ' and try again.'}`;
	}
	if (isCreate) description += uncertain ? ` ${MAYBE_CREATED}` : ' The referral was not created.';

	const error = new NodeApiError(
		this.getNode(),
		{ message: redact(message, secrets), code: serviceError.code ?? null } as JsonObject,
		{
			message: redact(message, secrets),
			description: redact(`${description}${support}`, secrets),
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
