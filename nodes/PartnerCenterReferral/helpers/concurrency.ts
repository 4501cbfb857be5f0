/**
 * Bounded, adaptive concurrency for per-item operations.
 *
 * `mapWithConcurrency` runs one worker per input item, at most a given number at once (a
 * number, or a function read each time an item may start), and returns the results in
 * input order whatever order they finish in.
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
 */
import type { ReleaseSlot, RequestOutcome, RequestThrottle } from '../transport';

/** The ceiling when the user leaves Max Concurrent Requests out. */
export const DEFAULT_MAX_CONCURRENT = 32;

/** Requests allowed at once before the first answer; the throttle grows from here. */
export const START_CONCURRENT = 5;

/** The longest wait between two step-ups, in rounds of successes. */
const MAX_PROBE_ROUNDS = 64;

export async function mapWithConcurrency<T>(
	count: number,
	concurrency: number | (() => number),
	worker: (index: number) => Promise<T>,
): Promise<T[]> {
	const results = new Array<T>(count);
	const width = () => {
		const lanes = typeof concurrency === 'function' ? concurrency() : concurrency;
		return Math.max(1, Math.floor(lanes) || 1);
	};
	return await new Promise<T[]>((resolve, reject) => {
		let next = 0;
		let running = 0;
		let failure: { error: unknown } | undefined;
		const fill = () => {
			while (failure === undefined && next < count && running < width()) {
				void run(next++);
			}
			if (running > 0) return;
			if (failure) reject(failure.error);
			else if (next >= count) resolve(results);
		};
		const run = async (index: number) => {
			running++;
			try {
				results[index] = await worker(index);
			} catch (error) {
				failure ??= { error };
			}
			running--;
			fill();
		};
		fill();
	});
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

	private readonly waiting: Array<(release: ReleaseSlot) => void> = [];

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

	async acquire(): Promise<ReleaseSlot> {
		if (this.inFlight < this.limit && this.waiting.length === 0) return this.start();
		return await new Promise<ReleaseSlot>((resolve) => this.waiting.push(resolve));
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
				this.waiting.shift()!(this.start());
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
