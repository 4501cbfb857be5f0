/**
 * How long a request may take. Every attempt waits at most the execution's timeout
 * ("Timeout (Seconds)", registered per execution context like the throttle), and one
 * request with all its retries and the waits between them at most DEADLINE_FACTOR times
 * that, counted from its first attempt (not from the wait for a slot of the throttle, so
 * an item queued behind others is not cut short). An item or poll that makes several
 * requests (a Get Many's pages, an update's read) gives each its own limit: it stops once
 * Partner Center gave no usable answer for that long.
 */
import { DEFAULT_TIMEOUT_SECONDS } from '../shared/timeout';
import { timing } from '../shared/timing';

/** One request with its retries and waits may take this many times the per-attempt timeout. */
export const DEADLINE_FACTOR = 3;

/** An attempt is not started (nor waited for) with less time than this left, unless the timeout itself is shorter. */
const MIN_ATTEMPT_MS = 1000;

const timeouts = new WeakMap<object, number>();

/** Makes every request made with this execution context time out after `timeoutMs` per attempt. */
export function useTimeout(context: object, timeoutMs: number): void {
	timeouts.set(context, timeoutMs);
}

/** The per-attempt timeout of this execution context (the default when none was registered). */
export function timeoutOf(context: object): number {
	return timeouts.get(context) ?? DEFAULT_TIMEOUT_SECONDS * 1000;
}

/** The time limit of one request: started at its first attempt. */
export class Deadline {
	private readonly endsAt: number;

	constructor(readonly timeoutMs: number) {
		this.endsAt = timing.now() + this.totalMs;
	}

	/** The whole limit of the request, all attempts and waits. */
	get totalMs(): number {
		return DEADLINE_FACTOR * this.timeoutMs;
	}

	remainingMs(): number {
		return Math.max(0, this.endsAt - timing.now());
	}

	/** The timeout of the next attempt: the per-attempt timeout, or what is left of the limit if less. */
	attemptTimeoutMs(): number {
		return Math.max(1, Math.min(this.timeoutMs, this.remainingMs()));
	}

	/** The longest wait that still leaves time for an attempt. */
	waitBudgetMs(): number {
		return Math.max(0, this.remainingMs() - Math.min(this.timeoutMs, MIN_ATTEMPT_MS));
	}

	/** Whether waiting `waitMs` still leaves time for an attempt. */
	allowsWait(waitMs: number): boolean {
		return waitMs + Math.min(this.timeoutMs, MIN_ATTEMPT_MS) <= this.remainingMs();
	}
}
