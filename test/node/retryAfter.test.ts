/**
 * Retry-After, as the node obeys it and says it. It never makes the node hammer (issue 25.4): a wait asked for below a second
 * (`Retry-After: 0.001`) is no usable hint, so every item backs off as for a 429 without one,
 * and the pool-wide pause after a rate-limit 429 lasts that backoff too. Several items at
 * once, through n8n's engine against nock, on a simulated clock: every wait (the items', the
 * pool's pauses and pacing) ends in the order of its end time, and the clock moves on only
 * while no request is in flight, so that the request times below are those of a real run
 * with an instant network. A wait that does not fit the request's time limit is refused
 * saying how much of the limit was left (issue 25.5).
 */
import nock from 'nock';

import { AdaptiveThrottle } from '../../nodes/PartnerCenterReferral/transport/pool';
import { timing } from '../../nodes/PartnerCenterReferral/shared/timing';
import { API, guid, REFERRALS, referral, runReferral } from '../fixtures';
import { idFromItem, useNock } from './helpers';

useNock();

const START = Date.parse('2026-03-02T09:00:00Z');

/** A discrete-event clock: `timing.now` and `timing.sleep` of the node, moved on only while no request holds a slot. */
class SimulatedClock {
	ms = START;

	private readonly timers: Array<{ at: number; order: number; resolve: () => void }> = [];

	private order = 0;

	private ticking = false;

	private readonly throttles = new Set<AdaptiveThrottle>();

	install(): void {
		jest.spyOn(timing, 'now').mockImplementation(() => this.ms);
		jest.spyOn(timing, 'sleep').mockImplementation(
			async (ms: number) =>
				await new Promise<void>((resolve) => {
					this.timers.push({ at: this.ms + Math.max(0, ms), order: this.order++, resolve });
					this.tick();
				}),
		);
		const acquire = AdaptiveThrottle.prototype.acquire;
		const throttles = this.throttles;
		jest.spyOn(AdaptiveThrottle.prototype, 'acquire').mockImplementation(function (
			this: AdaptiveThrottle,
		) {
			throttles.add(this);
			return acquire.call(this);
		});
	}

	/** Ends the earliest wait once every request in flight has come back (checked after the event loop's other work). */
	private tick(): void {
		if (this.ticking) return;
		this.ticking = true;
		setImmediate(() => {
			this.ticking = false;
			if (this.timers.length === 0) return;
			if ([...this.throttles].some((throttle) => throttle.inFlight > 0)) {
				setTimeout(() => this.tick(), 1);
				return;
			}
			this.timers.sort((a, b) => a.at - b.at || a.order - b.order);
			const next = this.timers.shift()!;
			this.ms = Math.max(this.ms, next.at);
			next.resolve();
			this.tick();
		});
	}
}

/** Every request Partner Center received: which item (referral) and when, by the simulated clock. */
type Sent = Array<{ id: string; at: number; status: number }>;

/**
 * Partner Center answering every Get: `statusFor(requests so far)` says 429 (with
 * `Retry-After: 0.001`) or 200 (the referral); each request is recorded with its time.
 */
function serveGets(clock: SimulatedClock, statusFor: (count: number) => 429 | 200): Sent {
	const sent: Sent = [];
	nock(API)
		.persist()
		.get(new RegExp(`^${REFERRALS}/`))
		.reply((uri) => {
			const id = uri.split('/').pop()!;
			const status = statusFor(sent.length);
			sent.push({ id, at: clock.ms, status });
			return status === 429
				? [
						429,
						{ error: { code: 'tooManyRequests', message: 'Slow down' } },
						{ 'Retry-After': '0.001' },
					]
				: [200, referral(id)];
		});
	return sent;
}

/** The most requests of one referral within any one second. */
function mostPerSecond(sent: Sent): number {
	let most = 0;
	for (const id of new Set(sent.map((request) => request.id))) {
		const times = sent.filter((request) => request.id === id).map((request) => request.at);
		for (const [index, at] of times.entries()) {
			most = Math.max(most, times.slice(index).filter((time) => time < at + 1000).length);
		}
	}
	return most;
}

describe('Retry-After below a second (simulated clock)', () => {
	it('10 items against a service that always answers 429 with Retry-After: 0.001: each item sends at most 2 requests a second', async () => {
		const clock = new SimulatedClock();
		clock.install();
		const ids = Array.from({ length: 10 }, (_, index) => guid(index + 1));
		// without the floor, each item would send hundreds of requests a simulated second; answer them after 300 requests
		const sent = serveGets(clock, (count) => (count < 300 ? 429 : 200));

		const { items, error } = await runReferral(
			{ operation: 'get', referralId: idFromItem(), options: { timeout: 5 } },
			{ items: ids.map((id) => ({ id })), continueOnFail: true },
		);
		nock.cleanAll();

		expect(mostPerSecond(sent)).toBeLessThanOrEqual(2);
		expect(sent.length).toBeLessThanOrEqual(10 * 6);
		expect(error).toBeUndefined();
		expect(items).toHaveLength(10);
		// each item waits as without a hint (500 ms, 1 s, 2 s, 4 s, … plus jitter) until its 15 s limit ends
		for (const item of items)
			expect(String(item.json.error)).toMatch(/^Partner Center is throttling requests \(429\)/);
		expect(clock.ms - START).toBeGreaterThan(5_000);
	});

	it('a rate-limit 429 with Retry-After: 0.001 pauses every item of the execution for the backoff, not for a millisecond', async () => {
		const clock = new SimulatedClock();
		clock.install();
		const ids = Array.from({ length: 12 }, (_, index) => guid(index + 1));
		// two at once hold for a round (the pool's steady level), then one 429 that level does not explain
		const sent = serveGets(clock, (count) => (count === 4 ? 429 : 200));

		const { items, error } = await runReferral(
			{ operation: 'get', referralId: idFromItem(), options: { concurrency: 2 } },
			{ items: ids.map((id) => ({ id })) },
		);
		nock.cleanAll();

		expect(error).toBeUndefined();
		expect(items.map((item) => item.json.id)).toEqual(ids);
		const refused = sent.findIndex((request) => request.status === 429);
		expect(refused).toBe(4);
		// the pause is the backoff of a 429 without a hint (500 ms plus jitter): no request starts before
		// it ends (the other one in flight when the 429 came back was sent at the same moment)
		const at = sent[refused].at;
		const after = sent.slice(refused + 1);
		expect(after.filter((request) => request.at > at && request.at < at + 500)).toEqual([]);
		expect(after.filter((request) => request.at === at).length).toBeLessThanOrEqual(1);
		expect(after.length).toBe(ids.length - 4);
	});
});

describe('a Retry-After that does not fit what is left of the time limit', () => {
	it('says how much of the limit was left, not that the wait was past the whole limit', async () => {
		const clock = { ms: START };
		jest.spyOn(timing, 'now').mockImplementation(() => clock.ms);
		jest.spyOn(timing, 'sleep').mockImplementation(async (ms: number) => {
			clock.ms += ms;
		});
		nock(API)
			.get(`${REFERRALS}/${guid(1)}`)
			.times(2)
			.reply(429, { error: { code: 'tooManyRequests' } }, { 'Retry-After': '2' });

		const { error } = await runReferral(
			{ operation: 'get', referralId: idFromItem(), options: { timeout: 1 } },
			{ items: [{ id: guid(1) }] },
		);

		// Timeout 1 s: 3 s in all. The first wait (2 s; its jitter cut to the 2 s that leave 1 s for the
		// next attempt) fits, leaving 1 s: too little for the second
		expect(error?.message).toBe(
			"Partner Center is throttling requests (429) and asked to wait 2 s, but this request's time limit (3 s in all) had only 1 s left",
		);
		expect(error?.description).toContain('stopped at once rather than wait past the time limit');
	});
});
