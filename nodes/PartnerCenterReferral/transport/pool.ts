/**
 * The adaptive pool: bounded, adaptive concurrency for per-item operations (the throttle
 * interface it implements and the per-execution registry are in throttle.ts).
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
 * A 429 sent at a level the pool had already held for a whole round is not explained by its
 * own step up: the service limits the rate (requests per second), or other executions share
 * its limit. Then the whole pool pauses for as long as the 429's request waits (its
 * Retry-After with jitter), and from then on the pool also paces its requests: first at just
 * under the rate the service had let through in the second before the 429, after a further
 * such 429 at RATE_CUT of that; it tries a rate RATE_STEP higher after RATE_PROBE_SECONDS of
 * successes at the current one, and a step up that is refused puts the rate back and doubles
 * that wait (up to MAX_PROBE_ROUNDS), as for concurrency.
 *
 * `AdaptiveThrottle.map` runs the items: up to the ceiling of them at once, so an item whose
 * request waits out a Retry-After never holds up the others, while the throttle decides how
 * many requests are actually in flight. Once an item fails, requests not yet sent never are.
 */
import { DEFAULT_MAX_CONCURRENT, START_CONCURRENT } from '../shared/constants';
import { timing } from '../shared/timing';
import type { ReleaseSlot, RequestOutcome, RequestThrottle } from './throttle';

export { DEFAULT_MAX_CONCURRENT, START_CONCURRENT };

/** What a request waiting for a slot fails with once an item failed (the item's own error is what the node reports). */
const NOT_SENT = 'Not sent: an earlier item failed';

/** The longest wait between two step-ups, in rounds of successes. */
const MAX_PROBE_ROUNDS = 64;

/** The first paced rate: this share of what the service let through in the second before the first unexplained 429. */
const RATE_FIRST_SHARE = 0.95;

/** A further unexplained 429 (not a refused step up) slows the rate to this share: others may share the limit. */
const RATE_CUT = 0.8;

/** A step up of the rate: this share more, at least one request per second more. */
const RATE_STEP = 0.02;

/** Seconds of successes at the current rate before the next step up (doubled after a refused one). */
const RATE_PROBE_SECONDS = 4;

/** The slowest pace, in requests per second. */
const MIN_RATE = 0.5;

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
 * The throttle for one execution, from the Max Concurrent Requests option as actions/ read it
 * (a whole number, by the value rules): its value (or DEFAULT_MAX_CONCURRENT when left out) is
 * the ceiling, and it starts at START_CONCURRENT.
 */
export function throttleForOption(
	maxConcurrent: number = DEFAULT_MAX_CONCURRENT,
): AdaptiveThrottle {
	return new AdaptiveThrottle(maxConcurrent, { start: START_CONCURRENT });
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

	private readonly waiting: Array<{
		resolve: (release: ReleaseSlot) => void;
		reject: (error: unknown) => void;
	}> = [];

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

	/** The highest level held for a whole round of successes: a 429 at or below it is not the pool's own step up. */
	private steady = 0;

	/** Requests per second the pool sends at most; unlimited until a 429 it cannot explain. */
	rate = Number.POSITIVE_INFINITY;

	/** The requests sent in the last two seconds or more (from `recentStart` on), oldest first: when (timing.now), and how they went once known. */
	private readonly recent: Array<{ at: number; outcome?: RequestOutcome }> = [];

	private recentStart = 0;

	/** When the next request may start under `rate`. */
	private nextSendAt = 0;

	/** Whether the pacing wait for the next request has been waited. */
	private paced = false;

	/** Whether a pacing wait is under way. */
	private pacing = false;

	/** Whether the pool waits out a 429 (no request starts). */
	paused = false;

	/** The end of the current pause (timing.now) and which pause it is. */
	private pausedUntil = 0;

	private pauses = 0;

	/** When the rate was last changed by a 429: the 429s of requests sent before then say nothing new. */
	private rateCutAt = Number.NEGATIVE_INFINITY;

	private rateSuccesses = 0;

	private rateRounds = RATE_PROBE_SECONDS;

	/** The rate before the step up being tried out, if one is. */
	private rateBeforeProbe: number | undefined;

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
		if (this.waiting.length === 0 && this.mayStart()) return this.start();
		const slot = new Promise<ReleaseSlot>((resolve, reject) =>
			this.waiting.push({ resolve, reject }),
		);
		this.drain();
		return await slot;
	}

	private close() {
		this.closed = true;
		for (const waiter of this.waiting.splice(0)) waiter.reject(new Error(NOT_SENT));
	}

	/** Whether a request may start now (a slot free, no pause, the pace kept); starts a pacing wait if that is all that is missing. */
	private mayStart(): boolean {
		if (this.inFlight >= this.limit || this.paused) return false;
		if (this.rate === Number.POSITIVE_INFINITY || this.paced || this.nextSendAt <= timing.now())
			return true;
		if (!this.pacing) {
			this.pacing = true;
			void timing.sleep(this.nextSendAt - timing.now()).then(() => {
				this.pacing = false;
				this.paced = true;
				this.drain();
			});
		}
		return false;
	}

	/** Hands slots to the waiting requests, oldest first, as far as the limit, a pause and the pace allow. */
	private drain() {
		while (!this.closed && this.waiting.length > 0 && this.mayStart()) {
			this.waiting.shift()!.resolve(this.start());
		}
	}

	/** No request starts for `ms`, or until a later pause ends. */
	private pause(ms: number) {
		const until = timing.now() + ms;
		if (this.paused && until <= this.pausedUntil) return;
		this.paused = true;
		this.pausedUntil = until;
		const pause = ++this.pauses;
		// compared by number, not by clock: the pause ends when its own wait does
		void timing.sleep(ms).then(() => {
			if (pause !== this.pauses) return;
			this.paused = false;
			this.drain();
		});
	}

	/** Takes a slot; the returned function gives it back, saying how the request went. */
	private start(): ReleaseSlot {
		this.inFlight++;
		if (this.inFlight > this.peak) this.peak = this.inFlight;
		const level = this.inFlight;
		const startedAt = timing.now();
		while (
			this.recentStart < this.recent.length &&
			this.recent[this.recentStart].at <= startedAt - 2000
		)
			this.recentStart++;
		if (this.recentStart >= 256) {
			this.recent.splice(0, this.recentStart);
			this.recentStart = 0;
		}
		const sent: { at: number; outcome?: RequestOutcome } = { at: startedAt };
		this.recent.push(sent);
		this.paced = false;
		if (Number.isFinite(this.rate)) {
			// on schedule when a wait ended a little late (a busy event loop); afresh after a longer gap (a pause, no work)
			const interval = 1000 / this.rate;
			this.nextSendAt =
				(startedAt - this.nextSendAt < interval ? this.nextSendAt : startedAt) + interval;
		}
		let released = false;
		return (outcome, waitMs) => {
			if (released) return;
			released = true;
			this.inFlight--;
			sent.outcome = outcome;
			if (outcome === 'throttled' && level <= this.steady) {
				this.recordRateLimited(sent, waitMs);
			} else {
				this.record(outcome, level);
			}
			this.drain();
		};
	}

	/**
	 * A 429 the pool's concurrency does not explain: the whole pool waits as long as the
	 * request does, and the pace slows (see the file's comment).
	 */
	private recordRateLimited(refused: { at: number }, waitMs: number | undefined) {
		const startedAt = refused.at;
		this.throttled++;
		if (waitMs !== undefined && waitMs > 0) this.pause(waitMs);
		this.rateSuccesses = 0;
		// sent before the last cut, it went out at the old pace: nothing new
		if (startedAt < this.rateCutAt) return;
		this.rateCutAt = timing.now();
		if (this.rateBeforeProbe !== undefined) {
			// a refused step up: back to the rate that held, and wait twice as long before the next
			this.rate = this.rateBeforeProbe;
			this.rateRounds = Math.min(this.rateRounds * 2, MAX_PROBE_ROUNDS);
		} else if (Number.isFinite(this.rate)) {
			this.rate = Math.max(MIN_RATE, this.rate * RATE_CUT);
		} else {
			// what the service let through in the second before this request: the successes, and those still in flight (a 429 comes back at once)
			const accepted = this.recent
				.slice(this.recentStart)
				.filter(
					(sent) =>
						sent !== refused &&
						sent.at > startedAt - 1000 &&
						sent.at <= startedAt &&
						(sent.outcome ?? 'success') === 'success',
				).length;
			this.rate = Math.max(MIN_RATE, accepted * RATE_FIRST_SHARE);
		}
		this.rateBeforeProbe = undefined;
		this.nextSendAt = timing.now();
	}

	private record(outcome: RequestOutcome, level: number) {
		if (outcome === 'success' && Number.isFinite(this.rate)) {
			this.rateSuccesses++;
			if (this.rateSuccesses >= this.rate * this.rateRounds) {
				this.rateSuccesses = 0;
				// the last step up held for a whole round: back to the normal pace of step ups
				if (this.rateBeforeProbe !== undefined) this.rateRounds = RATE_PROBE_SECONDS;
				this.rateBeforeProbe = this.rate;
				this.rate += Math.max(1, this.rate * RATE_STEP);
			}
		}
		if (outcome === 'throttled') {
			// The service refused the request sent while `level` were in flight:
			// its limit is below that.
			this.throttled++;
			this.successes = 0;
			this.growing = false;
			const limit = Math.max(1, Math.min(this.limit, level - 1));
			// A refused step up: wait twice as long before the next one.
			if (this.probing && limit < this.limit)
				this.rounds = Math.min(this.rounds * 2, MAX_PROBE_ROUNDS);
			this.probing = false;
			this.limit = limit;
			this.steady = Math.min(this.steady, limit);
		} else if (outcome === 'success' && this.limit >= this.max) {
			// at the ceiling: a round of successes makes it steady
			if (++this.successes >= this.limit) this.steady = this.limit;
		} else if (outcome === 'success') {
			this.successes++;
			if (this.successes >= this.limit * (this.growing ? 1 : this.rounds)) {
				// The last step up held for a whole round: back to the normal pace.
				if (this.probing) this.rounds = this.probeAfterRounds;
				this.successes = 0;
				this.steady = this.limit;
				this.limit++;
				this.probing = !this.growing;
			}
		}
	}
}
