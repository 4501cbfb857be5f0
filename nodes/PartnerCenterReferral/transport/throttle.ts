/**
 * Which throttle the requests of an execution hold a slot of. The router creates one
 * throttle per execution and registers it here for the execution context, the object every
 * request is made with, so the operations and the API functions need not pass it along.
 * Keyed weakly: the throttle goes with its context. Requests of a context without one (the
 * trigger, the From-list search) are not throttled.
 */
import type { RequestThrottle } from '../shared/throttle';

const throttles = new WeakMap<object, RequestThrottle>();

/** Makes every request made with this execution context hold a slot of `throttle`. */
export function useThrottle(context: object, throttle: RequestThrottle): void {
	throttles.set(context, throttle);
}

/** The throttle registered for this execution context, if any. */
export function throttleOf(context: object): RequestThrottle | undefined {
	return throttles.get(context);
}
