import { AdaptiveThrottle, mapWithConcurrency } from '../../nodes/PartnerCenterReferral/shared/concurrency';

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
		const throttle = new AdaptiveThrottle(20, 1);
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
		const throttle = new AdaptiveThrottle(20, 1);
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
