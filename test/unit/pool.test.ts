import {
	AdaptiveThrottle,
	DEFAULT_MAX_CONCURRENT,
	mapWithConcurrency,
	START_CONCURRENT,
	throttleForOption,
} from '../../nodes/PartnerCenterReferral/transport/pool';
import type { ReleaseSlot } from '../../nodes/PartnerCenterReferral/transport/throttle';
import { timing } from '../../nodes/PartnerCenterReferral/shared/timing';

/** A promise resolved from outside, to control completion order without timers. */
function deferred<T = void>() {
	let resolve!: (value: T) => void;
	let reject!: (error: unknown) => void;
	const promise = new Promise<T>((res, rej) => {
		resolve = res;
		reject = rej;
	});
	return { promise, resolve, reject };
}

const flush = async () => {
	for (let i = 0; i < 10; i++) await Promise.resolve();
};

describe('mapWithConcurrency', () => {
	it('keeps input order whatever order the work finishes in, and never exceeds the bound', async () => {
		const gates = Array.from({ length: 6 }, () => deferred());
		let running = 0;
		let peak = 0;
		const result = mapWithConcurrency(6, 2, async (index) => {
			running++;
			peak = Math.max(peak, running);
			await gates[index].promise;
			running--;
			return `item-${index}`;
		});
		await flush();
		expect(running).toBe(2);
		// finish in reverse-ish order
		gates[1].resolve();
		await flush();
		gates[0].resolve();
		await flush();
		gates[3].resolve();
		gates[2].resolve();
		await flush();
		gates[5].resolve();
		gates[4].resolve();
		expect(await result).toEqual(['item-0', 'item-1', 'item-2', 'item-3', 'item-4', 'item-5']);
		expect(peak).toBe(2);
	});

	it('stops taking new items after a failure and rethrows it once the running ones end', async () => {
		const started: number[] = [];
		const promise = mapWithConcurrency(10, 3, async (index) => {
			started.push(index);
			if (index === 1) throw new Error('boom');
			await flush();
			return index;
		});
		await expect(promise).rejects.toThrow('boom');
		expect(started.length).toBeLessThan(10);
	});

	it('treats a concurrency below 1 as one at a time', async () => {
		let running = 0;
		let peak = 0;
		await mapWithConcurrency(4, 0, async () => {
			running++;
			peak = Math.max(peak, running);
			await flush();
			running--;
		});
		expect(peak).toBe(1);
	});

	it('resolves at once with no items', async () => {
		expect(await mapWithConcurrency(0, 3, async () => 1)).toEqual([]);
	});
});

describe('AdaptiveThrottle', () => {
	it('never lets more than the limit run, and hands slots over in arrival order', async () => {
		const throttle = new AdaptiveThrottle(2);
		const first = await throttle.acquire();
		const second = await throttle.acquire();
		const order: number[] = [];
		const third = throttle.acquire().then((release) => {
			order.push(3);
			return release;
		});
		const fourth = throttle.acquire().then((release) => {
			order.push(4);
			return release;
		});
		await flush();
		expect(throttle.inFlight).toBe(2);
		expect(order).toEqual([]);
		first('success');
		await flush();
		expect(order).toEqual([3]);
		second('success');
		await flush();
		expect(order).toEqual([3, 4]);
		(await third)('success');
		(await fourth)('success');
		expect(throttle.inFlight).toBe(0);
		expect(throttle.peak).toBe(2);
	});

	it('drops below the level at which the service throttled, then probes back up after successes', async () => {
		const throttle = new AdaptiveThrottle(20, { probeAfterRounds: 1 });
		const slots = [];
		for (let i = 0; i < 20; i++) slots.push(await throttle.acquire());
		// Requests sent at levels 11..20 were refused: the service allows 10.
		for (let i = 19; i >= 10; i--) slots[i]('throttled');
		expect(throttle.limit).toBe(10);
		expect(throttle.throttled).toBe(10);
		for (let i = 0; i < 10; i++) slots[i]('success');
		expect(throttle.limit).toBe(11);
	});

	it('waits twice as long before stepping up again after a step up was refused', async () => {
		const throttle = new AdaptiveThrottle(20, { probeAfterRounds: 1 });
		const burst = [];
		for (let i = 0; i < 20; i++) burst.push(await throttle.acquire());
		for (let i = 19; i >= 10; i--) burst[i]('throttled');
		for (let i = 0; i < 10; i++) burst[i]('success');
		expect(throttle.limit).toBe(11);
		// the step up to 11 is refused: back to 10
		const probe = [];
		for (let i = 0; i < 11; i++) probe.push(await throttle.acquire());
		probe[10]('throttled');
		expect(throttle.limit).toBe(10);
		for (let i = 0; i < 10; i++) probe[i]('success');
		// one round (10 successes since the refusal) is no longer enough...
		expect(throttle.limit).toBe(10);
		const succeed = async (count: number) => {
			for (let i = 0; i < count; i++) (await throttle.acquire())('success');
		};
		await succeed(9);
		expect(throttle.limit).toBe(10);
		// ...it now takes two
		await succeed(1);
		expect(throttle.limit).toBe(11);
	});

	it('releasing a slot twice counts once', async () => {
		const throttle = new AdaptiveThrottle(3);
		const release = await throttle.acquire();
		release('success');
		release('success');
		expect(throttle.inFlight).toBe(0);
	});

	it('never goes below one request in flight', async () => {
		const throttle = new AdaptiveThrottle(4);
		const release = await throttle.acquire();
		release('throttled');
		expect(throttle.limit).toBe(1);
		const next = await throttle.acquire();
		expect(throttle.inFlight).toBe(1);
		next('success');
	});
});

/**
 * A service that refuses (429) at once every request that arrives while `cap` are already in
 * flight, and answers the others oldest first. `total` requests are queued on the throttle at once, as
 * the item lanes do; a refused request is sent again at the back of the queue, as the
 * transport's retry does. Deterministic: no timers.
 */
async function serve(throttle: AdaptiveThrottle, cap: number, total: number) {
	const flight: Array<{ request: number; release: ReleaseSlot; refused: boolean }> = [];
	const refusals = new Array<number>(total).fill(0);
	/** Successes so far whenever the limit changed, and the limit it changed to. */
	const steps: Array<[successes: number, limit: number]> = [];
	let peakAtService = 0;
	const send = (request: number) => {
		void throttle.acquire().then((release) => {
			// arrival at the service: the requests already there, plus this one
			const level = flight.length + 1;
			peakAtService = Math.max(peakAtService, level);
			flight.push({ request, release, refused: level > cap });
		});
	};
	for (let request = 0; request < total; request++) send(request);
	let successes = 0;
	let limit = throttle.limit;
	while (successes < total) {
		await flush();
		const refused = flight.findIndex((sent) => sent.refused);
		const [answer] = flight.splice(refused >= 0 ? refused : 0, 1);
		if (answer.refused) {
			refusals[answer.request]++;
			answer.release('throttled');
			send(answer.request);
		} else {
			successes++;
			answer.release('success');
		}
		if (throttle.limit !== limit) {
			limit = throttle.limit;
			steps.push([successes, limit]);
		}
	}
	return { steps, peakAtService, mostRefusalsOfOneRequest: Math.max(...refusals) };
}

describe('AdaptiveThrottle.map', () => {
	/** Items that take a slot, hold it until their gate opens, and give it back as a success. */
	function holdingItems(throttle: AdaptiveThrottle, count: number) {
		const gates = Array.from({ length: count }, () => deferred());
		const started: number[] = [];
		const sent: number[] = [];
		const result = throttle.map(count, async (index) => {
			started.push(index);
			const release = await throttle.acquire();
			sent.push(index);
			try {
				await gates[index].promise;
			} finally {
				release('success');
			}
			return index;
		});
		return { gates, started, sent, result };
	}

	it('starts up to the ceiling of items at once while the throttle lets only its limit of requests through', async () => {
		const throttle = new AdaptiveThrottle(6, { start: 2 });
		const { gates, started, sent, result } = holdingItems(throttle, 8);
		await flush();
		expect(started).toEqual([0, 1, 2, 3, 4, 5]);
		expect(sent).toEqual([0, 1]);
		// two successes make a round at 2: three may be in flight, and two more items start
		gates[0].resolve();
		gates[1].resolve();
		await flush();
		expect(throttle.limit).toBe(3);
		expect(sent).toEqual([0, 1, 2, 3, 4]);
		expect(throttle.inFlight).toBe(3);
		expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
		for (const gate of gates) gate.resolve();
		expect(await result).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
	});

	it('once an item fails, starts no other item and never sends a request still waiting for a slot; the first error is thrown', async () => {
		const throttle = new AdaptiveThrottle(4, { start: 1 });
		const hold = deferred();
		const fail = deferred();
		const started: number[] = [];
		const sent: number[] = [];
		const result = throttle.map(6, async (index) => {
			started.push(index);
			if (index === 1) {
				await fail.promise;
				throw new Error('item 1 failed');
			}
			const release = await throttle.acquire();
			sent.push(index);
			await hold.promise;
			release('success');
			return index;
		});
		await flush();
		// items 0 to 3 started; item 0 holds the only slot, 2 and 3 wait for one
		expect(started).toEqual([0, 1, 2, 3]);
		expect(sent).toEqual([0]);
		fail.resolve();
		await flush();
		// item 0 ends: its slot would have gone to item 2
		hold.resolve();
		await expect(result).rejects.toThrow('item 1 failed');
		expect(started).toEqual([0, 1, 2, 3]);
		expect(sent).toEqual([0]);
		await expect(throttle.acquire()).rejects.toThrow('Not sent: an earlier item failed');
	});
});

describe('throttleForOption (Max Concurrent Requests)', () => {
	it('left out: a ceiling of 32, starting at 5', () => {
		const throttle = throttleForOption(undefined);
		expect([throttle.max, throttle.limit]).toEqual([DEFAULT_MAX_CONCURRENT, START_CONCURRENT]);
		expect([DEFAULT_MAX_CONCURRENT, START_CONCURRENT]).toEqual([32, 5]);
	});

	it('set: that number is the ceiling; the start is 5, or the number when it is lower', () => {
		expect([throttleForOption(10).max, throttleForOption(10).limit]).toEqual([10, 5]);
		expect([throttleForOption(3).max, throttleForOption(3).limit]).toEqual([3, 3]);
	});

	// reading the option (text, blank, invalid values) is the value rules' job: test/node/executionOptions.test.ts
});

describe('AdaptiveThrottle growth', () => {
	it('starts low and allows one more request after every round of successes, up to the ceiling, without a 429 from a service that allows more', async () => {
		const throttle = new AdaptiveThrottle(12, { start: 5 });
		const { steps, peakAtService } = await serve(throttle, 100, 100);
		// a round = as many successes as requests allowed: 5, then 6, 7, ... 11
		expect(steps).toEqual([
			[5, 6],
			[11, 7],
			[18, 8],
			[26, 9],
			[35, 10],
			[45, 11],
			[56, 12],
		]);
		expect(peakAtService).toBe(12);
		expect(throttle.peak).toBe(12);
		expect(throttle.throttled).toBe(0);
	});

	it('with the default settings, finds a service limit of 10 in 35 requests and pays at most 2% extra requests in 429s over 1,000', async () => {
		const throttle = throttleForOption(undefined);
		const { steps, peakAtService } = await serve(throttle, 10, 1000);
		expect(steps.slice(0, 5)).toEqual([
			[5, 6],
			[11, 7],
			[18, 8],
			[26, 9],
			[35, 10],
		]);
		// the step to 11 is refused once, and later probes ever more rarely
		expect(steps[6]).toEqual([45, 10]);
		expect(throttle.throttled).toBeLessThanOrEqual(20);
		expect(throttle.throttled).toBeGreaterThan(0);
		expect(peakAtService).toBe(11);
		expect(throttle.limit).toBeGreaterThanOrEqual(10);
		expect(throttle.limit).toBeLessThanOrEqual(11);
	});

	it('against a strict service (2 at once), the default settles at 2 after the first burst, and no request is refused twice', async () => {
		const throttle = throttleForOption(undefined);
		const { steps, mostRefusalsOfOneRequest } = await serve(throttle, 2, 300);
		// the first 5 went out at once: the 3rd, 4th and 5th are refused, the limit drops to 2
		expect(steps[0]).toEqual([0, 2]);
		expect(steps.every(([, limit]) => limit <= 3)).toBe(true);
		expect(throttle.limit).toBeGreaterThanOrEqual(2);
		expect(throttle.limit).toBeLessThanOrEqual(3);
		// 3 in the first burst, then a refused probe now and then
		expect(throttle.throttled).toBeLessThanOrEqual(3 + 6);
		expect(mostRefusalsOfOneRequest).toBe(1);
	});

	it('a user-set ceiling is never exceeded, however well the service keeps up', async () => {
		const throttle = throttleForOption(8);
		const { steps, peakAtService } = await serve(throttle, 100, 200);
		expect(steps.map(([, limit]) => limit)).toEqual([6, 7, 8]);
		expect(peakAtService).toBe(8);
		expect(throttle.peak).toBe(8);
	});

	it('after the first 429 it no longer grows every round, only after several', async () => {
		const throttle = new AdaptiveThrottle(32, { start: 5 });
		const first = [];
		for (let i = 0; i < 5; i++) first.push(await throttle.acquire());
		first.forEach((release) => release('success'));
		expect(throttle.limit).toBe(6);
		const second = [];
		for (let i = 0; i < 6; i++) second.push(await throttle.acquire());
		// the sixth was refused: the limit is back at 5, and growth is over
		second[5]('throttled');
		expect(throttle.limit).toBe(5);
		second.slice(0, 5).forEach((release) => release('success'));
		const succeed = async (count: number) => {
			for (let i = 0; i < count; i++) (await throttle.acquire())('success');
		};
		await succeed(14);
		// 19 successes since the 429: still 5 (four rounds of 5 are needed)
		expect(throttle.limit).toBe(5);
		await succeed(1);
		expect(throttle.limit).toBe(6);
	});
});

describe('AdaptiveThrottle: 429s it cannot explain by its own step up (a rate limit, or others sharing the limit)', () => {
	/** timing on a manual clock: sleeps wait until the test moves the clock past their end. */
	function manualTiming() {
		const clock = { ms: 1_000_000 };
		const sleeping: Array<{ until: number; wake: () => void; ms: number }> = [];
		jest.spyOn(timing, 'now').mockImplementation(() => clock.ms);
		jest
			.spyOn(timing, 'sleep')
			.mockImplementation(
				async (ms: number) =>
					await new Promise<void>((wake) => sleeping.push({ until: clock.ms + ms, wake, ms })),
			);
		const advance = async (ms: number) => {
			clock.ms += ms;
			for (const sleeper of sleeping.filter(({ until }) => until <= clock.ms)) {
				sleeping.splice(sleeping.indexOf(sleeper), 1);
				sleeper.wake();
			}
			await flush();
		};
		return { clock, sleeping, advance };
	}

	afterEach(() => jest.restoreAllMocks());

	/** A throttle that has held `level` requests in flight for a whole round (so 429s at or below it are not its own step up). */
	async function steadyAt(level: number) {
		const throttle = new AdaptiveThrottle(level, { start: level });
		const round = [];
		for (let i = 0; i < level; i++) round.push(await throttle.acquire());
		round.forEach((release) => release('success'));
		return throttle;
	}

	it('pauses the whole pool for the wait of the 429, not just its request', async () => {
		const time = manualTiming();
		const throttle = await steadyAt(4);
		const held = [];
		for (let i = 0; i < 4; i++) held.push(await throttle.acquire());
		held[3]('throttled', 1_100);
		held[2]('success');
		// a slot is free, but nothing starts before the pause is over
		let started = 0;
		const next = [throttle.acquire(), throttle.acquire()].map(async (slot) => {
			const release = await slot;
			started++;
			return release;
		});
		await time.advance(1_099);
		expect(throttle.paused).toBe(true);
		expect(started).toBe(0);
		await time.advance(1);
		expect(throttle.paused).toBe(false);
		// and from then on paced: 7 went through (or are still in flight) in the second before the refused one, so 6.65 a second
		expect(throttle.rate).toBeCloseTo(7 * 0.95);
		expect(started).toBe(1);
		await time.advance(Math.floor(1000 / 6.65));
		expect(started).toBe(1);
		await time.advance(1);
		expect(started).toBe(2);
		for (const release of await Promise.all(next)) release('success');
		held.slice(0, 2).forEach((release) => release('success'));
	});

	it('a later, longer wait extends the pause; a shorter one does not cut it', async () => {
		const time = manualTiming();
		const throttle = await steadyAt(3);
		const held = [];
		for (let i = 0; i < 3; i++) held.push(await throttle.acquire());
		held[0]('throttled', 1_000);
		await time.advance(500);
		held[1]('throttled', 1_000);
		held[2]('throttled', 100);
		let started = false;
		const next = throttle.acquire().then((release) => {
			started = true;
			return release;
		});
		await time.advance(900);
		expect(started).toBe(false);
		await time.advance(100);
		expect(started).toBe(true);
		(await next)('success');
	});

	it('a 429 of its own step up (above the level that held) pauses nothing and cuts the concurrency, as before', async () => {
		manualTiming();
		const throttle = new AdaptiveThrottle(10, { start: 2 });
		const first = [await throttle.acquire(), await throttle.acquire()];
		first.forEach((release) => release('success'));
		expect(throttle.limit).toBe(3);
		const probe = [];
		for (let i = 0; i < 3; i++) probe.push(await throttle.acquire());
		probe[2]('throttled', 1_000);
		expect(throttle.paused).toBe(false);
		expect(throttle.limit).toBe(2);
		expect(throttle.rate).toBe(Number.POSITIVE_INFINITY);
		probe[1]('success');
		const next = await throttle.acquire();
		next('success');
		probe[0]('success');
	});

	it('then paces its requests just under what the service let through in the second before, slows further on another such 429, and probes back up', async () => {
		const time = manualTiming();
		const throttle = await steadyAt(2);
		await time.advance(1_000);
		// 20 requests in the last second, two at a time, then the 21st is refused
		for (let i = 0; i < 10; i++) {
			const pair = [await throttle.acquire(), await throttle.acquire()];
			await time.advance(50);
			pair.forEach((release) => release('success'));
		}
		const refused = await throttle.acquire();
		refused('throttled', 1_000);
		expect(throttle.rate).toBe(20 * 0.95);
		await time.advance(1_000);
		// one at a time now even though two may be in flight: 1000 / 19 ms apart
		const sentAt: number[] = [];
		/** A slot, moving the clock on to the next wake-up for as long as the throttle makes it wait. */
		const take = async () => {
			let release: ReleaseSlot | undefined;
			void throttle.acquire().then((slot) => (release = slot));
			await flush();
			while (release === undefined)
				await time.advance(Math.min(...time.sleeping.map(({ until }) => until)) - time.clock.ms);
			sentAt.push(time.clock.ms);
			return release;
		};
		const sendAll = async (count: number) => {
			for (let i = 0; i < count; i++) (await take())('success');
		};
		await sendAll(5);
		const gaps = sentAt.slice(1).map((at, index) => at - sentAt[index]);
		expect(gaps.every((gap) => Math.abs(gap - 1000 / 19) < 1)).toBe(true);
		// another 429 not explained by a step up: 80% of that
		(await take())('throttled', 1_000);
		expect(throttle.rate).toBeCloseTo(19 * 0.8);
		await time.advance(1_000);
		// after 4 s of successes at 15.2 a second, one more a second is tried
		await sendAll(Math.ceil(15.2 * 4));
		expect(throttle.rate).toBeCloseTo(16.2);
		// refused: back to 15.2, and twice as long before the next try
		(await take())('throttled', 1_000);
		expect(throttle.rate).toBeCloseTo(15.2);
		await time.advance(1_000);
		await sendAll(Math.ceil(15.2 * 4));
		expect(throttle.rate).toBeCloseTo(15.2);
		await sendAll(Math.ceil(15.2 * 4));
		expect(throttle.rate).toBeCloseTo(16.2);
	});

	it('its first pace counts the requests the service let through in that second, not those it refused', async () => {
		const time = manualTiming();
		const throttle = new AdaptiveThrottle(10, { start: 2 });
		const first = [await throttle.acquire(), await throttle.acquire()];
		first.forEach((release) => release('success'));
		await time.advance(10);
		const next = [];
		for (let i = 0; i < 3; i++) next.push(await throttle.acquire());
		// the third, above the level that held, is refused: its own step up
		next[2]('throttled', 1_000);
		expect(throttle.rate).toBe(Number.POSITIVE_INFINITY);
		// the second, at a level that held, is refused too: 2 went through and 1 is in flight
		next[1]('throttled', 1_000);
		expect(throttle.rate).toBeCloseTo(3 * 0.95);
		next[0]('success');
	});

	it('the 429s of requests sent before the rate was cut do not cut it again', async () => {
		const time = manualTiming();
		const throttle = await steadyAt(3);
		const burst = [];
		for (let i = 0; i < 3; i++) burst.push(await throttle.acquire());
		await time.advance(10);
		burst[0]('throttled', 1_000);
		const rate = throttle.rate;
		burst[1]('throttled', 1_000);
		burst[2]('throttled', 1_000);
		expect(throttle.rate).toBe(rate);
		expect(throttle.throttled).toBe(3);
	});
});
