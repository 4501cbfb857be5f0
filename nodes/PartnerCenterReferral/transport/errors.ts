/**
 * Failures, read and explained. `inspectFailure` finds status, headers, body and network
 * code wherever n8n (1.x or 2.x) put them; `mapFailure` turns a failure into a NodeApiError
 * whose message says what happened and whose description says how to fix it. Nothing of the
 * request (headers, token) is carried into the error, and the credential's secrets are
 * masked wherever the service's text could echo them.
 */
import type { IDataObject, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { AttemptTimedOut } from './attempt';
import { DEADLINE_FACTOR } from './deadline';
import {
	etagChangedHint,
	findCreated,
	maybeAdded,
	maybeCreated,
	maybeUpdated,
	NETWORK_FAILURES,
} from './hints';
import type { ApiRequest, PartnerCenterContext } from './types';
import { headerValue, isRepeatable, resourceOf } from './types';
import { redact } from './redact';
import type { SignInFailure } from './signIn';
import { explainPartnerCenterRefusal, inspectSignIn, mapSignInFailure } from './signIn';

export interface Failure {
	/**
	 * http: an answer with an error status; cutOff: a 2xx whose status line came but whose
	 * body did not arrive in full (the connection closed, or the attempt's time ran out): the
	 * service did what was asked.
	 */
	kind: 'http' | 'cutOff' | 'network' | 'malformed' | 'unknown';
	status?: number;
	headers?: IDataObject;
	body?: unknown;
	code?: string;
	message?: string;
	/**
	 * Whether the request reached the wire, for a failure without an answer (see `wasSent`):
	 * false when nothing of it was sent. Set by inspectFailure from what the HTTP client
	 * reports (the socket's bytes written, the system call that failed), never from message text.
	 */
	sent?: Sent;
	/** A redirect (3xx): where it pointed, as "host" (or "host (plain http)"), if it said. */
	redirectTo?: string;
	/**
	 * The request got no (whole) answer within this many ms (the per-request timeout); on an
	 * `http` failure, its status line came in time but not its body.
	 */
	timedOutAfterMs?: number;
	/** The request was not tried again because the wait before it (ms) would pass the request's time limit. */
	waitPastDeadlineMs?: number;
	/** With waitPastDeadlineMs: what was left of the request's time limit then (ms). */
	waitLeftMs?: number;
	/** The request's time limit (all attempts and waits), in ms; set when it stopped retrying because of it. */
	deadlineMs?: number;
	/** A failure to sign in (signIn.ts): nothing reached Partner Center's data. */
	signIn?: SignInFailure;
}

/** false: nothing of the request was sent, so Partner Center cannot have acted on it; 'maybe': it may have reached the service. */
export type Sent = false | 'maybe';

/**
 * Whether a failed request may have reached Partner Center: an answer (any status, or an
 * unreadable body) did; a failure without an answer as inspectFailure found it on the wire.
 * A sign-in that failed before the request (no token, a refresh refused) is `false`.
 */
export function wasSent(failure: Failure): Sent {
	if (failure.kind === 'http' || failure.kind === 'cutOff' || failure.kind === 'malformed')
		return 'maybe';
	return failure.sent ?? 'maybe';
}

/** Failure codes of the HTTP client that mean nothing was sent: no connection was made, or the URL could not be used. */
const NOT_SENT_CODES = new Set([
	'ECONNREFUSED',
	'ENOTFOUND',
	'EAI_AGAIN',
	'ENETUNREACH',
	'EHOSTUNREACH',
	'ERR_INVALID_URL',
	'ERR_TLS_CERT_ALTNAME_INVALID',
	'CERT_HAS_EXPIRED',
	'DEPTH_ZERO_SELF_SIGNED_CERT',
	'SELF_SIGNED_CERT_IN_CHAIN',
	'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
	'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
]);

/** System calls whose failure means no connection was made (so nothing of the request was sent). */
const NOT_SENT_SYSCALLS = new Set(['connect', 'getaddrinfo']);

/** Axios's code for its own timeout; with the OS's, the codes of a request that got no answer in time. */
const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT', 'ESOCKETTIMEDOUT']);

/**
 * What the wire shows of a failure without an answer. The HTTP client's error (axios,
 * in n8n 1.x and 2.x) carries the Node request it made: when its socket wrote bytes, the
 * request may have reached the service; a timeout before any byte left is a connection
 * (or TLS handshake) that never completed. A system call or code that fails before a
 * connection exists (refused, unknown host, bad certificate, invalid URL) means nothing was
 * sent, and any other error of the HTTP client may have sent it. An error raised without
 * the HTTP client ever being called (no access token to sign with, n8n refusing the URL)
 * sent nothing.
 */
function sentOnTheWire(layers: IDataObject[]): Sent {
	let httpClientError = false;
	for (const layer of layers) {
		const socket = (layer.request as IDataObject | undefined)?.socket as
			| IDataObject
			| undefined
			| null;
		if (socket && typeof socket.bytesWritten === 'number') {
			if (socket.bytesWritten > 0) return 'maybe';
			// not a byte left before the time ran out: the connection (or its TLS handshake) never completed
			if (TIMEOUT_CODES.has(String(layer.code))) return false;
		}
		if (typeof layer.syscall === 'string' && NOT_SENT_SYSCALLS.has(layer.syscall)) return false;
		if (typeof layer.code === 'string' && NOT_SENT_CODES.has(layer.code)) return false;
		if (typeof layer.httpCode === 'string' && NOT_SENT_CODES.has(layer.httpCode)) return false;
		if (
			layer.isAxiosError === true ||
			layer.request !== undefined ||
			typeof layer.syscall === 'string'
		) {
			httpClientError = true;
		}
		// n8n 1.x keeps only the socket code (as httpCode) of a network failure: it came from the HTTP client
		if (typeof layer.httpCode === 'string' && layer.httpCode in NETWORK_FAILURES)
			httpClientError = true;
	}
	return httpClientError ? 'maybe' : false;
}

/** Finds status, headers, body and network code wherever n8n (1.x or 2.x) put them. */
export function inspectFailure(error: unknown): Failure {
	const layers = layersOf(error);
	const signIn = inspectSignIn(layers);
	if (signIn) return { kind: 'unknown', signIn };
	for (const layer of layers) {
		const response = layer.response as IDataObject | undefined;
		const status = Number(response?.status ?? response?.statusCode ?? Number.NaN);
		if (response && Number.isInteger(status) && status >= 100) {
			return {
				// a 2xx that comes as an error: its body could not be read in full
				kind: isSuccess(status) ? 'cutOff' : 'http',
				status,
				headers: (response.headers as IDataObject) ?? {},
				body: response.data ?? response.body,
			};
		}
	}
	for (const layer of layers) {
		// n8n 1.x keeps a socket error's code only as the wrapper's httpCode ("ECONNREFUSED").
		const code = [layer.code, layer.httpCode].find(
			(candidate): candidate is string =>
				typeof candidate === 'string' && candidate in NETWORK_FAILURES,
		);
		if (code) return { kind: 'network', code, sent: sentOnTheWire(layers) };
	}
	for (const layer of layers) {
		if (layer instanceof SyntaxError || /JSON/.test(String(layer.message ?? '')))
			return { kind: 'malformed' };
	}
	for (const layer of layers) {
		// n8n 1.x: only the status (as httpCode) and the body (as context.data) survive.
		const status = Number(layer.httpCode ?? Number.NaN);
		const body = (layer.context as IDataObject | undefined)?.data;
		if (Number.isInteger(status) && status >= 100)
			return { kind: isSuccess(status) ? 'cutOff' : 'http', status, headers: {}, body };
	}
	const message = layers.find((layer) => typeof layer.message === 'string')?.message as
		| string
		| undefined;
	const sent = sentOnTheWire(layers);
	if (message && /socket hang up|network|ECONNRESET/i.test(message))
		return { kind: 'network', code: 'ECONNRESET', sent };
	return { kind: 'unknown', message, sent };
}

/** The error, its cause, and theirs (n8n 2.x keeps the HTTP client's error as `cause`; n8n 1.x keeps none). */
function layersOf(error: unknown): IDataObject[] {
	const layers: IDataObject[] = [];
	let current: unknown = error;
	for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
		layers.push(current as IDataObject);
		const next: unknown = (current as IDataObject).cause ?? (current as IDataObject).errorResponse;
		current = next === current ? undefined : next;
	}
	return layers;
}

function isSuccess(status: number | undefined): boolean {
	return status !== undefined && status >= 200 && status < 300;
}

/**
 * An attempt whose time ran out (attempt.ts), as the wire shows it: while n8n renewed the
 * token, a sign-in that did not answer; a 2xx whose status line came but not its whole body,
 * an answer cut off; a refusal (4xx, a redirect but 303) whose body did not come, that refusal
 * (nothing was done); else a timeout (a 5xx or a 303 may have been carried out), with nothing
 * sent when the socket wrote no byte. n8n 1.x keeps none of the HTTP client's error: then the
 * status is not known, and it may have been sent.
 */
export function attemptTimedOut(timedOut: AttemptTimedOut, tokenHost: string | undefined): Failure {
	if (timedOut.underWay === 'renewing') {
		return {
			kind: 'unknown',
			signIn: { reason: 'timedOut', host: tokenHost, timeoutMs: timedOut.afterMs },
		};
	}
	let sent: Sent = 'maybe';
	for (const layer of layersOf(timedOut.clientError)) {
		const request = layer.request as IDataObject | undefined;
		// Node's request keeps the answer whose status line it received (`res`), complete or not
		const answer = request?.res as IDataObject | undefined;
		const status = Number(answer?.statusCode ?? Number.NaN);
		if (isSuccess(status)) {
			return {
				kind: 'cutOff',
				status,
				headers: (answer?.headers as IDataObject) ?? {},
				timedOutAfterMs: timedOut.afterMs,
			};
		}
		if (status >= 300) {
			// a refusal (a 4xx, a redirect but 303) is one whether or not its body came
			const refused: Failure = {
				kind: 'http',
				status,
				headers: (answer?.headers as IDataObject) ?? {},
				timedOutAfterMs: timedOut.afterMs,
			};
			if (!mayHaveBeenProcessed(refused)) return refused;
		}
		const socket = request?.socket as IDataObject | undefined | null;
		if (socket && typeof socket.bytesWritten === 'number' && !answer)
			sent = socket.bytesWritten > 0 ? 'maybe' : false;
	}
	return { kind: 'network', code: 'ETIMEDOUT', sent, timedOutAfterMs: timedOut.afterMs };
}

/** Whether a failure is a request that got no answer in time (a network failure with a timeout code). */
export function isTimeout(failure: Failure): boolean {
	return failure.kind === 'network' && TIMEOUT_CODES.has(failure.code ?? '');
}

/** A failure in a few words: its status, or what happened to the connection. */
function describeFailure(failure: Failure): string {
	if (failure.kind === 'http') return String(failure.status);
	if (failure.kind === 'network')
		return NETWORK_FAILURES[failure.code ?? ''] ?? 'the connection failed';
	return failure.kind === 'malformed' ? 'an unreadable answer' : 'an unknown error';
}

const SEE_OTHER = 303;

/**
 * Whether the service may have carried the request out although it failed: a 5xx, a 303, an
 * unreadable answer, or no answer after the request may have reached it (see wasSent). Any
 * other 3xx or a 4xx answer means it did not.
 */
export function mayHaveBeenProcessed(failure: Failure): boolean {
	if (failure.signIn) return false;
	// 303 See Other answers a write that was carried out, pointing at its result
	if (failure.kind === 'http') return (failure.status ?? 0) >= 500 || failure.status === SEE_OTHER;
	return wasSent(failure) === 'maybe';
}

export function mapFailure(
	this: PartnerCenterContext,
	failure: Failure,
	request: ApiRequest,
	attempts: number | undefined,
	secrets: readonly string[],
	/** An earlier attempt of this request that failed after the service may have applied it. */
	earlierMaybeApplied?: Failure,
): NodeApiError {
	if (failure.signIn) return mapSignInFailure.call(this, failure.signIn, request, secrets);
	const { itemIndex } = request;
	const serviceError = readServiceError(failure.body);
	// Cut only after masking: a secret cut in two would no longer be found.
	const serviceCode =
		serviceError.code === undefined ? undefined : quote(serviceError.code, secrets, MAX_CODE_CHARS);
	const serviceMessage =
		serviceError.message === undefined ? undefined : quote(serviceError.message, secrets);
	const requestId = headerValue(failure.headers, 'request-id');
	const said = [serviceCode, serviceMessage?.replace(/[.\s]+$/, '')].filter(Boolean).join(': ');
	const service = said ? ` Partner Center said: ${said}.` : '';
	const support = requestId
		? ` Request ID for Microsoft support: ${quote(requestId, secrets, MAX_CODE_CHARS)}.`
		: '';
	const after = attempts ? ` after ${attempts} attempt${attempts === 1 ? '' : 's'}` : '';
	const status = failure.status;
	const writes = request.method !== 'GET';
	// A create or an add that may have happened: "try again" is bad advice (see writeFate).
	const uncertain = !isRepeatable(request) && mayHaveBeenProcessed(failure);
	const timeout = failure.timedOutAfterMs === undefined ? '' : seconds(failure.timedOutAfterMs);
	const resource = resourceOf(request);
	const { one } = resource.noun;
	const named = request.id ? ` ${request.id}` : '';

	let message: string;
	let description: string;
	switch (true) {
		case failure.waitPastDeadlineMs !== undefined:
			message = `Partner Center ${status === 429 ? 'is throttling requests (429) and ' : status !== undefined ? `answered ${status} and ` : ''}asked to wait ${preciseSeconds(failure.waitPastDeadlineMs, Math.ceil)}, but this request's time limit${failure.deadlineMs === undefined ? '' : ` (${seconds(failure.deadlineMs)} in all)`} had only ${preciseSeconds(failure.waitLeftMs ?? 0, Math.floor)} left`;
			description = `The node stopped at once rather than wait past the time limit. Run it again later, lower "Max Concurrent Requests" or poll less often, or raise "Timeout (Seconds)" in the node's options (one request with its retries may take ${DEADLINE_FACTOR} times that).${service}`;
			break;
		case failure.kind === 'cutOff': {
			const cut =
				failure.timedOutAfterMs === undefined
					? 'the connection closed before the whole answer had arrived'
					: `the whole answer did not arrive within ${timeout}`;
			const answer =
				failure.timedOutAfterMs === undefined ? 'was cut off' : 'did not arrive in time';
			if (!writes) {
				message = `Partner Center's answer ${answer} (${status})${after}`;
				const check =
					failure.timedOutAfterMs === undefined
						? 'Check'
						: `If Partner Center is just slow, raise "Timeout (Seconds)" in the node's options (one request with its retries may take ${DEADLINE_FACTOR} times that); otherwise check`;
				description = `Partner Center answered ${status}, but ${cut}. ${check} your network and any proxy between n8n and Partner Center (something may be cutting answers short), and try again.`;
			} else if (request.method === 'POST') {
				message = `Partner Center created the ${one}, but its answer ${answer}`;
				description = `It answered ${status}, but ${cut}, so the node cannot output the new ${one}. Do not run this item again: that would create a second ${one}. ${findCreated(request) ?? `Find the new ${one} in Partner Center.`}`;
			} else {
				message = `Partner Center made the change${named ? ` to ${one}${named}` : ''}, but its answer ${answer}`;
				description = `It answered ${status}, but ${cut}. The change was made: do not run this item again; Get the ${one} to see it.`;
			}
			description += service;
			break;
		}
		case isTimeout(failure) && wasSent(failure) === false:
			message = `Could not connect to Partner Center: timed out${timeout ? ` after ${timeout}` : ''}${after}`;
			description = `No connection to the API Base URL was made in time (${failure.code}), so nothing was sent. Check the credential's API Base URL, your network or proxy, and try again.`;
			break;
		case isTimeout(failure):
			message = `Partner Center did not answer within ${timeout || 'the timeout'} (timed out)${after}`;
			description = `The request was sent but no answer came in time (${failure.code}). If Partner Center is just slow, raise "Timeout (Seconds)" in the node's options (one request with its retries may take ${DEADLINE_FACTOR} times that); otherwise check the API Base URL, your network or proxy${uncertain ? '.' : ', and try again.'}`;
			break;
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
		case status !== undefined && status >= 300 && status < 400:
			message = `Partner Center answered with a redirect (${status})${failure.redirectTo ? ` to ${failure.redirectTo}` : ''}; the node does not follow redirects, so the sign-in token stays with Partner Center`;
			description = `Check the API Base URL in the credential: it must be the Partner Center API itself (https://api.partner.microsoft.com), not an address that forwards elsewhere; also check any proxy in front of it.${writes && status !== SEE_OTHER ? ' Nothing was written: a redirect means Partner Center did not carry out the request.' : ''}${service}`;
			break;
		case status === 400:
			message = `Partner Center rejected the request as invalid${serviceMessage ? `: ${serviceMessage}` : ''}`;
			description = `Check the node's parameters against what Partner Center accepts.${service}`;
			break;
		case status === 401:
		case status === 403:
			({ message, description } = explainPartnerCenterRefusal(
				status,
				request,
				failure.headers,
				failure.body,
			));
			description += service;
			break;
		case status === 404:
			message = request.id
				? `${capitalized(one)} ${request.id} was not found`
				: 'Partner Center could not find what was asked for (404)';
			description = `Check the ${one} ID.${resource.notFoundHint ? ` ${resource.notFoundHint}` : ''}${service}`;
			break;
		case status === 409:
			message = 'Partner Center reported a conflict (409)';
			description = `The ${one} was changed by someone else or is in a state that does not allow this. Get it again and retry.${service}`;
			break;
		case status === 412 && earlierMaybeApplied !== undefined:
			// the retry's If-Match may have been outdated by the earlier attempt itself
			message = `The ${one}${named} changed since it was read (eTag mismatch, 412), possibly by this node's own earlier attempt`;
			description = `An earlier attempt of this request failed (${describeFailure(earlierMaybeApplied)}) after Partner Center may have applied it, so the change may be this one. Get the ${one} and check whether it already has the new values before running this item again.${service}`;
			break;
		case status === 412:
			message = `The ${one}${named} changed since it was read (eTag mismatch, 412)`;
			description = `${etagChangedHint(resource)}${service}`;
			break;
		case status === 429:
			message = `Partner Center is throttling requests (429) and still was${after || ' after retrying'}`;
			description = `The node waited each time as long as Partner Center asked (Retry-After), slowed down, and retried until the time it allows a request ran out. Other workflows or apps using the same Partner Center account may be using up its limit: run this again later, spread those workflows' runs over time, or lower "Max Concurrent Requests".${service}`;
			break;
		case status !== undefined && status >= 500:
			message = `Partner Center is unavailable (${status})${after}`;
			description = `The service failed on its side. ${uncertain ? 'If it persists' : 'Try again later; if it persists'}, check the Partner Center service status.${service}`;
			break;
		case status !== undefined:
			message = `Partner Center answered with an error (${status})`;
			description = `Check the node's parameters and the credential.${service}`;
			break;
		default:
			message = 'The request to Partner Center failed';
			description = `${failure.message ? quote(failure.message, secrets) : 'An unknown error occurred.'} Check the credential's API Base URL${uncertain ? '.' : ' and try again.'}`;
	}
	if (failure.kind === 'http' && failure.timedOutAfterMs !== undefined) {
		// a refusal whose body did not arrive in time (attemptTimedOut): what it said is not known
		description = `Partner Center ${status !== undefined && status >= 400 ? 'refused the request' : 'answered'} (${status}), but the body of its answer did not arrive within ${timeout}. ${description}`;
	}
	if (failure.deadlineMs !== undefined && failure.waitPastDeadlineMs === undefined) {
		description += ` It was not tried again: one request with its retries may take at most ${seconds(failure.deadlineMs)} (${DEADLINE_FACTOR} times "Timeout (Seconds)").`;
	}
	const fate = writeFate(failure, request, uncertain);
	description += fate;

	const error = new NodeApiError(
		this.getNode(),
		{ message: redact(message, secrets), code: serviceCode ?? null } as JsonObject,
		{
			message: redact(message, secrets),
			description: redact(`${description}${support}`, secrets),
			httpCode: status !== undefined ? String(status) : undefined,
			itemIndex,
		},
	);
	error.context.partnerCenterMapped = true;
	// The description's parts that are facts, not advice, for a caller that words its own
	// advice: what the service said, and what became of a write that surely was not done.
	error.context.facts = redact(`${service}${support}`.trim(), secrets);
	if (!uncertain && !mayHaveBeenProcessed(failure)) error.context.fate = fate.trim();
	// a write Partner Center answered with success, though the answer was lost: it was done
	if (failure.kind === 'cutOff' && writes) error.context.writeDone = true;
	// a write that may have been carried out although it failed
	else if (writes && mayHaveBeenProcessed(failure)) error.context.writeMaybeDone = true;
	if (serviceCode) error.context.serviceErrorCode = serviceCode;
	if (requestId) error.context.requestId = quote(requestId, secrets, MAX_CODE_CHARS);
	return error;
}

/** What became of a write that failed: not done, maybe done (and what to check), or nothing sent at all. */
function writeFate(failure: Failure, request: ApiRequest, uncertain: boolean): string {
	// a cut-off answer says itself that the write was done
	if (request.method === 'GET' || failure.kind === 'cutOff') return '';
	const resource = resourceOf(request);
	const { one } = resource.noun;
	// A POST is a create (the only POST of this API).
	const isCreate = request.method === 'POST';
	if (uncertain)
		return ` ${isCreate ? maybeCreated(resource, findCreated(request)) : maybeAdded(resource)}`;
	if (mayHaveBeenProcessed(failure)) return ` ${maybeUpdated(resource)}`;
	if (wasSent(failure) === false) {
		return ` Nothing was sent to Partner Center. The ${one} was not ${isCreate ? 'created' : 'changed'}.`;
	}
	return isCreate ? ` The ${one} was not created.` : '';
}

/** "referral" → "Referral". */
function capitalized(word: string): string {
	return `${word.charAt(0).toUpperCase()}${word.slice(1)}`;
}

/** The most of a service's message quoted in an error; a service could send a whole page (or a megabyte). */
export const MAX_QUOTE_CHARS = 300;
const MAX_CODE_CHARS = 100;
const CUT_MARK = '…(cut)';

/** `text` (e.g. the service's message) masked, on one line, and cut to `max` characters, marked as cut. */
function quote(text: string, secrets: readonly string[], max = MAX_QUOTE_CHARS): string {
	const masked = redact(text, secrets).replace(/\s+/g, ' ').trim();
	return masked.length <= max ? masked : `${masked.slice(0, max)}${CUT_MARK}`;
}

/** A duration in whole seconds (at least 1), e.g. "60 s". */
function seconds(ms: number): string {
	return `${Math.max(1, Math.round(ms / 1000))} s`;
}

/**
 * A duration rounded by `round` to a tenth of a second below 10 s, else to seconds, e.g.
 * "0.4 s", "61 s": a wait asked for rounded up and the time left rounded down never read as
 * if the wait had fitted.
 */
function preciseSeconds(ms: number, round: (value: number) => number): string {
	const value = ms / 1000;
	return `${value < 10 ? round(value * 10) / 10 : round(value)} s`;
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
