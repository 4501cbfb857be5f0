/**
 * What the transport asks of a throttle (implemented by AdaptiveThrottle in concurrency.ts):
 * every request attempt holds a slot while it is in flight and says how it went.
 */
export type RequestOutcome = 'success' | 'throttled' | 'failed';

/**
 * Gives a slot back, saying how its request went (`throttled` = the service answered 429).
 * With `throttled`, `waitMs` is how long the request will wait before it is sent again (the
 * service's Retry-After with jitter): when the 429 is not explained by the pool's own step
 * up, the whole pool waits that long.
 */
export type ReleaseSlot = (outcome: RequestOutcome, waitMs?: number) => void;

export interface RequestThrottle {
	/** Resolves with a slot when one more request may be in flight. */
	acquire(): Promise<ReleaseSlot>;
}
