/**
 * Bounded, adaptive concurrency for per-item operations.
 *
 * `mapWithConcurrency` runs one worker per input item, at most `concurrency` at once,
 * and returns the results in input order whatever order they finish in.
 *
 * `AdaptiveThrottle` bounds how many requests are in flight. When Partner Center
 * answers 429, it estimates the service's limit from how many requests were in flight
 * when the throttled one was sent, and stays below it; after a run of successes it
 * probes one request higher again (additive increase), so a batch larger than the
 * service allows completes without a retry storm. A step up that is refused again doubles
 * the wait before the next one (up to MAX_PROBE_ROUNDS rounds), so a steady service limit
 * costs few 429s.
 */
import type { ReleaseSlot, RequestOutcome, RequestThrottle } from './throttle';

export async function mapWithConcurrency<T>(
	count: number,
	concurrency: number,
	worker: (index: number) => Promise<T>,
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
				failure ??= { error };
			}
		}
	};
	const lanes = Math.max(1, Math.min(Math.floor(concurrency) || 1, count));
	await Promise.all(Array.from({ length: lanes }, run));
	if (failure) throw failure.error;
	return results;
}

/** The longest wait between two step-ups, in rounds of successes. */
const MAX_PROBE_ROUNDS = 64;

export class AdaptiveThrottle implements RequestThrottle {
	readonly max: number;

	/** How many requests may be in flight now (1 ≤ limit ≤ max). */
	limit: number;

	inFlight = 0;

	/** Highest number of requests in flight at once so far. */
	peak = 0;

	throttled = 0;

	private readonly waiting: Array<(release: ReleaseSlot) => void> = [];

	private successes = 0;

	/** Rounds of successes (multiples of the limit) before the next step up. */
	private rounds: number;

	/** Whether the last step up is still being tried out. */
	private probing = false;

	constructor(
		max: number,
		/** Successes needed per step up, as a multiple of the current limit. */
		private readonly probeAfterRounds = 4,
	) {
		this.max = Math.max(1, Math.floor(max) || 1);
		this.limit = this.max;
		this.rounds = probeAfterRounds;
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
			const limit = Math.max(1, Math.min(this.limit, level - 1));
			// A refused step up: wait twice as long before the next one.
			if (this.probing && limit < this.limit) this.rounds = Math.min(this.rounds * 2, MAX_PROBE_ROUNDS);
			this.probing = false;
			this.limit = limit;
		} else if (outcome === 'success' && this.limit < this.max) {
			this.successes++;
			if (this.successes >= this.limit * this.rounds) {
				// The last step up held for a whole round: back to the normal pace.
				if (this.probing) this.rounds = this.probeAfterRounds;
				this.successes = 0;
				this.limit++;
				this.probing = true;
			}
		}
	}
}
