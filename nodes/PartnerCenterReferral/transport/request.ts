/**
 * One request to Partner Center. It goes through n8n's `httpRequestWithAuthentication` with
 * the Partner Center OAuth2 credential (n8n signs it and refreshes the token on a 401), holds
 * a slot of the execution's throttle per attempt (see throttle.ts), waits at most the
 * timeouts of deadline.ts (each attempt bounded on the wire by attempt.ts), is retried as
 * retry.ts says (a 429 for as long as the request's time limit lasts, the whole pool pausing
 * when the pool cannot explain it), and a failure becomes the error errors.ts maps it to. Redirects are never followed (a 3xx is a failure):
 * n8n would send the token to wherever the redirect points, and send a write again.
 */
import type { IDataObject, IHttpRequestOptions } from 'n8n-workflow';

import { CREDENTIAL_TYPE } from '../shared/constants';
import { timing } from '../shared/timing';
import { assertSameOrigin, currentSecrets, getCredentialFacts } from './credential';
import { Deadline, timeoutOf } from './deadline';
import { Attempt, AttemptTimedOut } from './attempt';
import type { Failure } from './errors';
import {
	attemptTimedOut,
	inspectFailure,
	isTimeout,
	mapFailure,
	mayHaveBeenProcessed,
} from './errors';
import type { ApiRequest, ApiResponse, PartnerCenterContext, RawResponse } from './types';
import { headerValue } from './types';
import {
	isRetryable,
	MAX_ATTEMPTS,
	parseRetryAfter,
	retryDelayMs,
	throttleRetryDelayMs,
} from './retry';
import { mapSignInFailure, whileRenewing } from './signIn';
import { throttleOf } from './throttle';

/** One API call with retries, throttling, timeouts and error mapping. */
export async function apiRequest(
	this: PartnerCenterContext,
	request: ApiRequest,
): Promise<ApiResponse> {
	const { baseUrl, secrets, neverConnected, tokenHost } = await getCredentialFacts.call(this);
	if (neverConnected)
		throw mapSignInFailure.call(this, { reason: 'notConnected' }, request, secrets);
	const url = request.url ?? `${baseUrl}${request.path ?? ''}`;
	if (request.url !== undefined)
		assertSameOrigin.call(this, request.url, baseUrl, request.itemIndex);

	const options: IHttpRequestOptions = {
		method: request.method,
		url,
		qs: request.qs,
		headers: { Accept: 'application/json', ...request.headers },
		json: true,
		// The body as bytes, decoded by decodeBody: n8n's own JSON decoding of a response costs
		// about 20 µs more per referral of a list page (`npm run bench`, dev/bench/README.md).
		encoding: 'arraybuffer',
		returnFullResponse: true,
		// Error statuses come back as responses, headers (Retry-After, request-id) and body
		// intact: n8n 1.x drops them from the errors it throws. Except 401, which must throw
		// for n8n to refresh the OAuth2 token.
		ignoreHttpStatusErrors: { ignore: true, except: [401] },
		// A 3xx comes back as it is (n8n 1.x and 2.x: axios with maxRedirects 0), and fails below.
		disableFollowRedirect: true,
	};
	if (request.body !== undefined) options.body = request.body;

	const throttle = throttleOf(this);
	const timeoutMs = timeoutOf(this);
	// started with the first attempt, not while waiting for the first slot
	let deadline: Deadline | undefined;
	// a write retried after a failure the service may have applied: its retry's outcome is not the whole story
	let earlierMaybeApplied: Failure | undefined;
	// the failure of the attempt before, while retrying
	let previous: Failure | undefined;
	// attempts that failed other than by a 429 (at most MAX_ATTEMPTS), and 429s (bounded by the time limit)
	let failed = 0;
	let throttled = 0;
	for (let attempt = 1; ; attempt++) {
		let failure: Failure = { kind: 'unknown', sent: false };
		let response: RawResponse | undefined;
		const release = throttle ? await throttle.acquire() : undefined;
		deadline ??= new Deadline(timeoutMs);
		if (previous && !deadline.allowsWait(0)) {
			// the wait for a slot used up the time left: the retry is not sent
			release?.('failed');
			previous.deadlineMs = deadline.totalMs;
			const secrets = await currentSecrets.call(this);
			throw mapFailure.call(this, previous, request, attempt - 1, secrets, earlierMaybeApplied);
		}
		const attemptOptions: IHttpRequestOptions = {
			...options,
			// the HTTP client's own timer notices a connection or a socket idle that long
			timeout: deadline.attemptTimeoutMs(),
		};
		// and this one the whole attempt, from the first byte sent to the answer's last
		const wire = new Attempt(attemptOptions.timeout ?? timeoutMs);
		try {
			let sent = await wire.run(async () => await send.call(this, wire.options(attemptOptions)));
			if (sent.statusCode === 401) {
				// n8n 1.x ignores `except` and hands the 401 back: ask again the way that
				// lets n8n refresh the token and retry.
				sent = await wire.run(
					async () =>
						await send
							.call(this, wire.options({ ...attemptOptions, ignoreHttpStatusErrors: false }))
							.catch(whileRenewing(tokenHost)),
				);
			}
			if (sent.statusCode >= 300) {
				failure = {
					kind: 'http',
					status: sent.statusCode,
					headers: sent.headers ?? {},
					body: sent.body,
				};
			} else {
				response = sent;
			}
		} catch (error) {
			failure =
				error instanceof AttemptTimedOut
					? attemptTimedOut(error, tokenHost)
					: inspectFailure(error);
			if (failure.kind === 'http') failure.body = decodeBody(failure.body);
		} finally {
			wire.end();
		}
		if (response) {
			const body = parseBody(response.body);
			release?.('success');
			if (body === MALFORMED) {
				throw mapFailure.call(
					this,
					{ kind: 'malformed' },
					request,
					undefined,
					await currentSecrets.call(this),
				);
			}
			return { statusCode: response.statusCode, headers: response.headers ?? {}, body };
		}
		if (isRedirect(failure)) failure.redirectTo = redirectTarget(failure.headers, url);
		if (isTimeout(failure)) failure.timedOutAfterMs = attemptOptions.timeout;

		if (failure.kind === 'http' && failure.status === 429) {
			// throttled: retried while the request's time limit lasts, using up none of the attempts
			const now = timing.now();
			const waitMs = throttleRetryDelayMs(failure, ++throttled, deadline.waitBudgetMs(), now);
			release?.('throttled', waitMs);
			if (waitMs !== undefined) {
				previous = failure;
				await timing.sleep(waitMs);
				continue;
			}
			stoppedByDeadline(failure, deadline);
			throw mapFailure.call(
				this,
				failure,
				request,
				attempt,
				await currentSecrets.call(this),
				earlierMaybeApplied,
			);
		}
		release?.('failed');
		const retryable = isRetryable(failure, request);
		if (retryable && ++failed < MAX_ATTEMPTS) {
			const wait = retryDelayMs(failure, failed);
			if (deadline.allowsWait(wait) && deadline.allowsWait(askedWaitMs(failure) ?? 0)) {
				if (request.method !== 'GET' && mayHaveBeenProcessed(failure))
					earlierMaybeApplied ??= failure;
				previous = failure;
				await timing.sleep(wait);
				continue;
			}
			stoppedByDeadline(failure, deadline);
		}
		const secrets = await currentSecrets.call(this);
		throw mapFailure.call(
			this,
			failure,
			request,
			retryable ? attempt : undefined,
			secrets,
			earlierMaybeApplied,
		);
	}
}

/** The wait a failure's Retry-After asks for (ms, uncapped), if it asks for one. */
function askedWaitMs(failure: Failure): number | undefined {
	return parseRetryAfter(headerValue(failure.headers, 'retry-after'));
}

/** Records on a failure that it was not tried again because of the request's time limit (and the wait asked for, with what was left, if that did not fit). */
function stoppedByDeadline(failure: Failure, deadline: Deadline): void {
	const asked = askedWaitMs(failure);
	const left = deadline.remainingMs();
	if (asked !== undefined && asked > left) {
		failure.waitPastDeadlineMs = asked;
		failure.waitLeftMs = left;
	}
	failure.deadlineMs = deadline.totalMs;
}

async function send(
	this: PartnerCenterContext,
	options: IHttpRequestOptions,
): Promise<RawResponse> {
	const response = (await this.helpers.httpRequestWithAuthentication.call(
		this,
		CREDENTIAL_TYPE,
		options,
	)) as RawResponse;
	return { ...response, body: decodeBody(response.body) };
}

/**
 * A body received as bytes, decoded as n8n's JSON mode would have: UTF-8 text without a byte
 * order mark, parsed when it is JSON, else the text itself (empty stays empty).
 */
function decodeBody(body: unknown): unknown {
	const bytes = Buffer.isBuffer(body)
		? body
		: body instanceof ArrayBuffer
			? Buffer.from(body)
			: undefined;
	if (bytes === undefined) return body;
	const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
	if (text === '') return text;
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return text;
	}
}

const MALFORMED = Symbol('malformed');

/** The JSON body of a successful answer (undefined when empty), or MALFORMED. */
function parseBody(body: unknown): IDataObject | undefined | typeof MALFORMED {
	if (body === undefined || body === null || body === '') return undefined;
	if (typeof body === 'object' && !Buffer.isBuffer(body)) return body as IDataObject;
	const text = Buffer.isBuffer(body) ? body.toString('utf8') : String(body);
	try {
		const parsed: unknown = JSON.parse(text);
		if (parsed !== null && typeof parsed === 'object') return parsed as IDataObject;
	} catch {
		// malformed, below
	}
	return MALFORMED;
}

function isRedirect(failure: Failure): boolean {
	return failure.kind === 'http' && (failure.status ?? 0) >= 300 && (failure.status ?? 0) < 400;
}

/** Where a redirect pointed, as its host (never its path or any user name in it), resolved against the request's URL. */
function redirectTarget(headers: IDataObject | undefined, url: string): string | undefined {
	const location = headerValue(headers, 'location');
	if (location === undefined || location.trim() === '') return undefined;
	try {
		const target = new URL(location.trim(), url);
		return target.protocol === 'http:' ? `${target.host} (plain http)` : target.host;
	} catch {
		return 'an invalid address';
	}
}
