/**
 * The retry policy: 429 (honouring Retry-After), 500/502/503/504 and transient network
 * errors are retried with exponential backoff and jitter, at most MAX_ATTEMPTS attempts. A
 * request that is not repeatable (a create, a patch that adds) is retried only after a 429:
 * a retried create could duplicate a referral, a retried add add the people twice.
 */
import { timing } from '../shared/timing';
import type { Failure } from './errors';
import type { ApiRequest } from './http';
import { headerValue, isRepeatable } from './http';

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

export function isRetryable(failure: Failure, request: ApiRequest): boolean {
	if (failure.kind === 'http' && failure.status === 429) return true;
	if (!isRepeatable(request)) return false;
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
