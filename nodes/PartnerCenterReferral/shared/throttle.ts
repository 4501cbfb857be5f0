/**
 * What the transport asks of a throttle (implemented by AdaptiveThrottle in concurrency.ts):
 * every request attempt holds a slot while it is in flight and says how it went.
 */
export type RequestOutcome = 'success' | 'throttled' | 'failed';

/** Gives a slot back, saying how its request went (`throttled` = the service answered 429). */
export type ReleaseSlot = (outcome: RequestOutcome) => void;

export interface RequestThrottle {
	/** Resolves with a slot when one more request may be in flight. */
	acquire(): Promise<ReleaseSlot>;
}
