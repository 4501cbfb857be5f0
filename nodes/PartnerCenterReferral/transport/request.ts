/**
 * One request to Partner Center. It goes through n8n's `httpRequestWithAuthentication` with
 * the Partner Center OAuth2 credential (n8n signs it and refreshes the token on a 401), holds
 * a slot of the execution's throttle per attempt (see throttle.ts), is retried as retry.ts
 * says (a 429 for as long as the time budget lasts, the whole pool pausing when the pool
 * cannot explain it), and a failure becomes the error errors.ts maps it to.
 */
import type { IDataObject, IHttpRequestOptions } from 'n8n-workflow';

import { CREDENTIAL_TYPE } from '../shared/constants';
import { timing } from '../shared/timing';
import { assertSameOrigin, getCredentialFacts } from './credential';
import type { Failure } from './errors';
import { inspectFailure, mapFailure, mayHaveBeenProcessed } from './errors';
import type { ApiRequest, ApiResponse, PartnerCenterContext, RawResponse } from './http';
import { isRetryable, MAX_ATTEMPTS, retryDelayMs, THROTTLE_BUDGET_MS, throttleRetryDelayMs } from './retry';
import { throttleOf } from './throttle';

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

	const throttle = throttleOf(this);
	const budgetEnd = throttleBudgetEnd();
	// a write retried after a failure the service may have applied: its retry's outcome is not the whole story
	let earlierMaybeApplied: Failure | undefined;
	// attempts that failed other than by a 429 (at most MAX_ATTEMPTS), and 429s (bounded by the time budget)
	let failed = 0;
	let throttled = 0;
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
		if (failure.kind === 'http' && failure.status === 429) {
			// throttled: retried while the time budget lasts, using up none of the attempts
			const now = timing.now();
			const waitMs = throttleRetryDelayMs(failure, ++throttled, budgetEnd - now, now);
			release?.('throttled', waitMs);
			if (waitMs === undefined) throw mapFailure.call(this, failure, request, attempt, secrets, earlierMaybeApplied);
			await timing.sleep(waitMs);
			continue;
		}
		release?.('failed');
		const retryable = isRetryable(failure, request);
		if (!retryable || ++failed >= MAX_ATTEMPTS) {
			throw mapFailure.call(this, failure, request, retryable ? attempt : undefined, secrets, earlierMaybeApplied);
		}
		if (request.method !== 'GET' && mayHaveBeenProcessed(failure)) earlierMaybeApplied ??= failure;
		await timing.sleep(retryDelayMs(failure, failed));
	}
}

/**
 * When a request stops retrying 429s (timing.now ms). LEAD (issue 17 point 3): return the
 * item's / poll's deadline here instead; this is the only place the budget comes from.
 */
function throttleBudgetEnd(): number {
	return timing.now() + THROTTLE_BUDGET_MS;
}

async function send(this: PartnerCenterContext, options: IHttpRequestOptions): Promise<RawResponse> {
	return (await this.helpers.httpRequestWithAuthentication.call(this, CREDENTIAL_TYPE, options)) as RawResponse;
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
