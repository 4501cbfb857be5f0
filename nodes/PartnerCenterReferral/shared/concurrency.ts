/**
 * Bounded, adaptive concurrency for per-item operations.
 *
 * `mapWithConcurrency` runs one worker per input item, at most `concurrency` at once,
 * and returns the results in input order whatever order they finish in.
 *
 * `AdaptiveThrottle` bounds how many requests are in flight, between 1 and a ceiling
 * ("Max Concurrent Requests"). It starts low and, until Partner Center first answers 429,
 * allows one more request after every round of successes (as many successes as requests
 * allowed), so it finds the service's limit within a few round trips. When Partner Center
 * answers 429, it estimates the service's limit from how many requests were in flight when
 * the throttled one was sent and drops below it (a measured cut rather than a blind halving:
 * a burst above the limit lands on the limit); from then on it probes one request higher
 * only after several rounds of successes, and a step up that is refused again doubles the
 * wait before the next one (up to MAX_PROBE_ROUNDS rounds), so a steady service limit costs
 * few 429s.
 *
 * `AdaptiveThrottle.map` runs the items: up to the ceiling of them at once, so an item whose
 * request waits out a Retry-After never holds up the others, while the throttle decides how
 * many requests are actually in flight. Once an item fails, requests not yet sent never are.
 */
import type { ReleaseSlot, RequestOutcome, RequestThrottle } from './throttle';

/** The ceiling when the user leaves Max Concurrent Requests out. */
export const DEFAULT_MAX_CONCURRENT = 32;

/** Requests allowed at once before the first answer; the throttle grows from here. */
export const START_CONCURRENT = 5;

/** What a request waiting for a slot fails with once an item failed (the item's own error is what the node reports). */
const NOT_SENT = 'Not sent: an earlier item failed';

/** The longest wait between two step-ups, in rounds of successes. */
const MAX_PROBE_ROUNDS = 64;

export async function mapWithConcurrency<T>(
	count: number,
	concurrency: number,
	worker: (index: number) => Promise<T>,
	/** Called once, as soon as the first worker throws. */
	onFailure?: () => void,
): Promise<T[]> {
	const results = new Array<T>(count);
	let next = 0;
	let failure: { error: unknown } | undefined;
	const run = async () => {
		while (failure === undefined && next < count) {
			const index = next++;
			try {
				results[index] = await worker(index);
			} catch (error) {
				if (failure === undefined) {
					failure = { error };
					onFailure?.();
				}
			}
		}
	};
	const lanes = Math.max(1, Math.min(Math.floor(concurrency) || 1, count));
	await Promise.all(Array.from({ length: lanes }, run));
	if (failure) throw failure.error;
	return results;
}

/**
 * The throttle for one execution, from the Max Concurrent Requests option: its value (or
 * DEFAULT_MAX_CONCURRENT when left out) is the ceiling, and it starts at START_CONCURRENT.
 */
export function throttleForOption(maxConcurrent: unknown): AdaptiveThrottle {
	const ceiling = Math.max(1, Math.floor(Number(maxConcurrent ?? DEFAULT_MAX_CONCURRENT)) || 1);
	return new AdaptiveThrottle(ceiling, { start: START_CONCURRENT });
}

export class AdaptiveThrottle implements RequestThrottle {
	/** The ceiling: never more requests in flight than this. */
	readonly max: number;

	/** How many requests may be in flight now (1 ≤ limit ≤ max). */
	limit: number;

	inFlight = 0;

	/** Highest number of requests in flight at once so far. */
	peak = 0;

	throttled = 0;

	private readonly waiting: Array<{ resolve: (release: ReleaseSlot) => void; reject: (error: unknown) => void }> = [];

	/** Set when an item failed: requests not yet sent are never sent. */
	private closed = false;

	private successes = 0;

	/** Until the first 429: one step up per round of successes. */
	private growing = true;

	/** After the first 429: rounds of successes (multiples of the limit) before the next step up. */
	private rounds: number;

	/** Whether the last step up after a 429 is still being tried out. */
	private probing = false;

	private readonly probeAfterRounds: number;

	constructor(
		max: number,
		options: {
			/** Requests allowed at once at first (default: max). */
			start?: number;
			/** After a 429, successes needed per step up, as a multiple of the current limit. */
			probeAfterRounds?: number;
		} = {},
	) {
		this.max = Math.max(1, Math.floor(max) || 1);
		this.limit = Math.min(this.max, Math.max(1, Math.floor(options.start ?? this.max) || 1));
		this.probeAfterRounds = options.probeAfterRounds ?? 4;
		this.rounds = this.probeAfterRounds;
	}

	/**
	 * Runs `worker` for items 0 … count − 1, up to `max` at once, and returns their results
	 * in input order. When a worker throws, no further item starts, the requests then
	 * waiting for a slot are never sent (they fail), and the first error is thrown once the
	 * running items have ended.
	 */
	async map<T>(count: number, worker: (index: number) => Promise<T>): Promise<T[]> {
		return await mapWithConcurrency(count, this.max, worker, () => this.close());
	}

	async acquire(): Promise<ReleaseSlot> {
		if (this.closed) throw new Error(NOT_SENT);
		if (this.inFlight < this.limit && this.waiting.length === 0) return this.start();
		return await new Promise<ReleaseSlot>((resolve, reject) => this.waiting.push({ resolve, reject }));
	}

	private close() {
		this.closed = true;
		for (const waiter of this.waiting.splice(0)) waiter.reject(new Error(NOT_SENT));
	}

	/** Takes a slot; the returned function gives it back, saying how the request went. */
	private start(): ReleaseSlot {
		this.inFlight++;
		if (this.inFlight > this.peak) this.peak = this.inFlight;
		const level = this.inFlight;
		let released = false;
		return (outcome) => {
			if (released) return;
			released = true;
			this.inFlight--;
			this.record(outcome, level);
			while (this.waiting.length > 0 && this.inFlight < this.limit) {
				this.waiting.shift()!.resolve(this.start());
			}
		};
	}

	private record(outcome: RequestOutcome, level: number) {
		if (outcome === 'throttled') {
			// The service refused the request sent while `level` were in flight:
			// its limit is below that.
			this.throttled++;
			this.successes = 0;
			this.growing = false;
			const limit = Math.max(1, Math.min(this.limit, level - 1));
			// A refused step up: wait twice as long before the next one.
			if (this.probing && limit < this.limit) this.rounds = Math.min(this.rounds * 2, MAX_PROBE_ROUNDS);
			this.probing = false;
			this.limit = limit;
		} else if (outcome === 'success' && this.limit < this.max) {
			this.successes++;
			if (this.successes >= this.limit * (this.growing ? 1 : this.rounds)) {
				// The last step up held for a whole round: back to the normal pace.
				if (this.probing) this.rounds = this.probeAfterRounds;
				this.successes = 0;
				this.limit++;
				this.probing = !this.growing;
			}
		}
	}
}
