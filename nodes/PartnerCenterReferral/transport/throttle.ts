/**
 * What the transport asks of a throttle (implemented by AdaptiveThrottle, the adaptive pool in
 * pool.ts): every request attempt holds a slot while it is in flight and says how it went.
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

/**
 * Which throttle the requests of an execution hold a slot of. The router creates one
 * throttle per execution and registers it here for the execution context, the object every
 * request is made with, so the operations and the API functions need not pass it along.
 * Keyed weakly: the throttle goes with its context. Requests of a context without one (the
 * trigger, the From-list search) are not throttled.
 */
const throttles = new WeakMap<object, RequestThrottle>();

/** Makes every request made with this execution context hold a slot of `throttle`. */
export function useThrottle(context: object, throttle: RequestThrottle): void {
	throttles.set(context, throttle);
}

/** The throttle registered for this execution context, if any. */
export function throttleOf(context: object): RequestThrottle | undefined {
	return throttles.get(context);
}
