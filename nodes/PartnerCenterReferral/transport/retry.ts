/**
 * The retry policy: 500/502/503/504 and transient network errors are retried with
 * exponential backoff and jitter, at most MAX_ATTEMPTS attempts. A 429 (throttled) is
 * retried after its Retry-After plus jitter for as long as the time budget lasts, however
 * many times (throttleRetryDelayMs): it uses up none of the attempts. A request that is not
 * repeatable (a create, a patch that adds) is retried only after a 429: a retried create
 * could duplicate a referral, a retried add add the people twice.
 */
import { timing } from '../shared/timing';
import type { Failure } from './errors';
import type { ApiRequest } from './types';
import { headerValue, isRepeatable } from './types';

export const MAX_ATTEMPTS = 5;
export const MAX_RETRY_AFTER_MS = 60_000;
/**
 * The shortest wait a Retry-After may ask for: a shorter one (0.001, 0.5) is no usable hint.
 * Obeyed, it would have one item send hundreds of requests a second; the backoff used without
 * a hint keeps every item to a few a second.
 */
export const MIN_RETRY_AFTER_MS = 1000;
/** The jitter on a throttled request's wait: this share of it at most the first time, doubling with every further 429, up to all of it. */
const THROTTLE_JITTER_FIRST = 0.1;
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

/** Whether a failure other than a 429 (which the request retries on its own terms, see throttleRetryDelayMs) is worth another attempt. */
export function isRetryable(failure: Failure, request: ApiRequest): boolean {
	// a read whose answer was cut off is read again; a write it answered was done
	if (failure.kind === 'cutOff') return request.method === 'GET';
	if (!isRepeatable(request)) return false;
	if (failure.kind === 'http') return RETRYABLE_STATUSES.has(failure.status ?? 0);
	return failure.kind === 'network' && TRANSIENT_NETWORK_CODES.has(failure.code ?? '');
}

/**
 * Retry-After (seconds or an HTTP date, capped) when it asks for a wait, else exponential
 * backoff with jitter. A hint of no wait or of less than MIN_RETRY_AFTER_MS (0, 0.001, a
 * negative number, a date now or past) is no usable hint: obeying it would fire the attempts
 * at once.
 */
export function retryDelayMs(failure: Failure, attempt: number): number {
	const retryAfter = parseRetryAfter(headerValue(failure.headers, 'retry-after'));
	if (retryAfter !== undefined) return Math.min(retryAfter, MAX_RETRY_AFTER_MS);
	const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1));
	return Math.round(ceiling / 2 + (timing.random() * ceiling) / 2);
}

/**
 * The wait before sending again a request Partner Center throttled (429) for the
 * `throttled`-th time, or undefined when that wait would not end within `remainingMs` (the
 * time budget left at `now`): then the request fails at once instead of sleeping in vain.
 * The wait is Retry-After (capped) or, without one, the backoff; plus a random share of it
 * (10% at most the first time, doubling with each further 429 up to 100%), so that
 * executions throttled together do not all come back at the same moment.
 */
export function throttleRetryDelayMs(
	failure: Failure,
	throttled: number,
	remainingMs: number,
	now: number,
): number | undefined {
	const retryAfter = parseRetryAfter(headerValue(failure.headers, 'retry-after'), now);
	const base = Math.min(
		retryAfter ?? Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (throttled - 1)),
		MAX_RETRY_AFTER_MS,
	);
	// a wait the service asks for that would pass the time limit is not slept through (nor its capped part)
	if ((retryAfter ?? base) > remainingMs) return undefined;
	const spread = Math.min(1, THROTTLE_JITTER_FIRST * 2 ** (throttled - 1));
	return Math.min(remainingMs, Math.round(base * (1 + timing.random() * spread)));
}

/**
 * The wait a Retry-After value asks for in ms, or undefined when it is no usable hint: it
 * cannot be read, or asks for less than MIN_RETRY_AFTER_MS (fractions of a second included).
 */
export function parseRetryAfter(value: string | undefined, now = timing.now()): number | undefined {
	const trimmed = value?.trim() ?? '';
	if (trimmed === '') return undefined;
	// a number is seconds; anything else must be an HTTP date (V8 would read "-3" as a date in 2001)
	const wait = /^[+-]?\d+(\.\d+)?$/.test(trimmed)
		? Math.round(Number(trimmed) * 1000)
		: Date.parse(trimmed) - now;
	return wait >= MIN_RETRY_AFTER_MS ? wait : undefined;
}
