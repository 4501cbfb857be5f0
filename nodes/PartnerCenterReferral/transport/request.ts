/**
 * One request to Partner Center. It goes through n8n's `httpRequestWithAuthentication` with
 * the Partner Center OAuth2 credential (n8n signs it and refreshes the token on a 401), holds
 * a slot of the execution's throttle per attempt (see throttle.ts), is retried as retry.ts
 * says, and a failure becomes the error errors.ts maps it to.
 */
import type { IDataObject, IHttpRequestOptions } from 'n8n-workflow';

import { CREDENTIAL_TYPE } from '../shared/constants';
import { timing } from '../shared/timing';
import { assertSameOrigin, getCredentialFacts } from './credential';
import type { Failure } from './errors';
import { inspectFailure, mapFailure, mayHaveBeenProcessed } from './errors';
import type { ApiRequest, ApiResponse, PartnerCenterContext, RawResponse } from './http';
import { isRetryable, MAX_ATTEMPTS, retryDelayMs } from './retry';
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
		// The body as bytes, decoded by decodeBody: n8n's own JSON decoding of a response costs
		// about 20 µs more per referral of a list page (`npm run bench`, dev/bench/README.md).
		encoding: 'arraybuffer',
		returnFullResponse: true,
		// Error statuses come back as responses, headers (Retry-After, request-id) and body
		// intact: n8n 1.x drops them from the errors it throws. Except 401, which must throw
		// for n8n to refresh the OAuth2 token.
		ignoreHttpStatusErrors: { ignore: true, except: [401] },
	};
	if (request.body !== undefined) options.body = request.body;

	const throttle = throttleOf(this);
	// a write retried after a failure the service may have applied: its retry's outcome is not the whole story
	let earlierMaybeApplied: Failure | undefined;
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
			if (failure.kind === 'http') failure.body = decodeBody(failure.body);
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
		const retryable = isRetryable(failure, request);
		if (!retryable || attempt >= MAX_ATTEMPTS) {
			throw mapFailure.call(this, failure, request, retryable ? attempt : undefined, secrets, earlierMaybeApplied);
		}
		if (request.method !== 'GET' && mayHaveBeenProcessed(failure)) earlierMaybeApplied ??= failure;
		await timing.sleep(retryDelayMs(failure, attempt));
	}
}

async function send(this: PartnerCenterContext, options: IHttpRequestOptions): Promise<RawResponse> {
	const response = (await this.helpers.httpRequestWithAuthentication.call(this, CREDENTIAL_TYPE, options)) as RawResponse;
	return { ...response, body: decodeBody(response.body) };
}

/**
 * A body received as bytes, decoded as n8n's JSON mode would have: UTF-8 text without a byte
 * order mark, parsed when it is JSON, else the text itself (empty stays empty).
 */
function decodeBody(body: unknown): unknown {
	const bytes = Buffer.isBuffer(body) ? body : body instanceof ArrayBuffer ? Buffer.from(body) : undefined;
	if (bytes === undefined) return body;
	const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
	if (text === '') return text;
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return text;
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
