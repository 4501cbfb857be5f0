/**
 * Max Concurrent Requests through the engine: output order and pairing whatever order
 * the answers arrive in, errors paired under Continue On Fail, the adaptive limit after a
 * 429, and growth from the start towards the ceiling (default or set) counted server-side.
 * (The pool itself is unit-tested in test/unit/pool.test.ts.)
 */
import nock from 'nock';
import type { IDataObject } from 'n8n-workflow';

import { AdaptiveThrottle } from '../../nodes/PartnerCenterReferral/transport/pool';
import { timing } from '../../nodes/PartnerCenterReferral/shared/timing';
import { API, guid, REFERRALS, referral, runReferral } from '../fixtures';
import { flat, idFromItem, useNock, watchRequests } from './helpers';

const setup = useNock();

const IDS = Array.from({ length: 10 }, (_, index) => guid(index + 1));
/** Later items answer sooner, in a shuffled pattern, so answers arrive out of input order. */
const DELAYS = [60, 10, 45, 5, 30, 0, 50, 20, 15, 35];

/** Counts requests in flight as the server side sees them. */
class Server {
	inFlight = 0;

	/** In-flight count (the new one included) when each request arrived, in arrival order. */
	readonly atArrival: number[] = [];

	readonly arrivals: string[] = [];

	watch(scope: nock.Scope, name: string): nock.Scope {
		return scope
			.on('request', () => {
				this.inFlight++;
				this.atArrival.push(this.inFlight);
				this.arrivals.push(name);
			})
			.on('replied', () => {
				this.inFlight--;
			});
	}
}

/** The throttles the router created, the limit each started at, and every value their limit took after. */
function watchThrottles() {
	const seen: Array<{ throttle: AdaptiveThrottle; start: number; limits: number[] }> = [];
	const acquire = AdaptiveThrottle.prototype.acquire;
	jest.spyOn(AdaptiveThrottle.prototype, 'acquire').mockImplementation(function (
		this: AdaptiveThrottle,
	) {
		if (!seen.some((entry) => entry.throttle === this)) {
			const limits: number[] = [];
			const start = this.limit;
			let value = start;
			Object.defineProperty(this, 'limit', {
				configurable: true,
				get: () => value,
				set: (next: number) => {
					value = next;
					limits.push(next);
				},
			});
			seen.push({ throttle: this, start, limits });
		}
		return acquire.call(this);
	});
	return seen;
}

const get = (concurrency: number) => ({
	operation: 'get',
	referralId: idFromItem(),
	options: { concurrency },
});

describe('Max Concurrent Requests', () => {
	it('with 3 at once and 10 items, keeps input order and pairing whatever order the answers arrive in', async () => {
		const server = new Server();
		const throttles = watchThrottles();
		IDS.forEach((id, index) => {
			server.watch(
				nock(API)
					.get(`${REFERRALS}/${id}`)
					.delay(DELAYS[index])
					.reply(200, referral(id, { name: `Referral ${index}` })),
				id,
			);
		});
		const { items, error } = await runReferral(get(3), { items: IDS.map((id) => ({ id })) });
		expect(error).toBeUndefined();
		expect(items.map((item) => item.json)).toEqual(
			IDS.map((id, index) => flat(id, { name: `Referral ${index}` })),
		);
		expect(items.map((item) => item.pairedItem)).toEqual(IDS.map((_, item) => ({ item })));
		expect(Math.max(...server.atArrival)).toBeLessThanOrEqual(3);
		expect(Math.max(...server.atArrival)).toBeGreaterThan(1);
		expect(throttles).toHaveLength(1);
		expect(throttles[0].throttle.max).toBe(3);
		expect(throttles[0].throttle.peak).toBeLessThanOrEqual(3);
		expect(throttles[0].throttle.throttled).toBe(0);
	});

	it('with 1, sends one request at a time in input order', async () => {
		const server = new Server();
		IDS.slice(0, 5).forEach((id, index) => {
			server.watch(
				nock(API).get(`${REFERRALS}/${id}`).delay(DELAYS[index]).reply(200, referral(id)),
				id,
			);
		});
		const { items, error } = await runReferral(get(1), {
			items: IDS.slice(0, 5).map((id) => ({ id })),
		});
		expect(error).toBeUndefined();
		expect(server.arrivals).toEqual(IDS.slice(0, 5));
		expect(server.atArrival).toEqual([1, 1, 1, 1, 1]);
		expect(items.map((item) => item.json.id)).toEqual(IDS.slice(0, 5));
	});

	it('applies to Create too: with 1, creates one referral at a time', async () => {
		const server = new Server();
		const names = ['Alpha', 'Bravo', 'Charlie', 'Delta'];
		names.forEach((name, index) => {
			server.watch(
				nock(API)
					.post(
						REFERRALS,
						(body: IDataObject) => (body.customerProfile as IDataObject).name === name,
					)
					.delay(DELAYS[index])
					.reply(201, referral(guid(index + 1), { customerProfile: { name } })),
				name,
			);
		});
		const { items, error } = await runReferral(
			{
				operation: 'create',
				type: 'Independent',
				customerName: '={{ $json.name }}',
				customerCountry: 'US',
				options: { concurrency: 1 },
			},
			{ items: names.map((name) => ({ name })) },
		);
		expect(error).toBeUndefined();
		expect(server.atArrival).toEqual([1, 1, 1, 1]);
		expect(server.arrivals).toEqual(names);
		expect(items.map((item) => item.json.customerName)).toEqual(names);
	});

	it('with Continue On Fail, keeps failed items in place and paired with their input', async () => {
		const failing = new Set([1, 4, 8]);
		IDS.forEach((id, index) => {
			if (index === 6) return; // item 6 has an invalid id: nothing is sent for it
			const scope = nock(API).get(`${REFERRALS}/${id}`).delay(DELAYS[index]);
			if (failing.has(index))
				scope.reply(404, { error: { code: 'itemNotFound', message: 'nope' } });
			else scope.reply(200, referral(id));
		});
		const input: IDataObject[] = IDS.map((id, index) => ({ id: index === 6 ? 'not-a-guid' : id }));
		const { items, error } = await runReferral(get(3), { items: input, continueOnFail: true });
		expect(error).toBeUndefined();
		expect(items.map((item) => item.pairedItem)).toEqual(IDS.map((_, item) => ({ item })));
		const expected = IDS.map((id, index) => {
			if (index === 6)
				return { error: 'The Referral parameter is not a valid referral ID (it is "not-a-guid")' };
			return failing.has(index) ? { error: `Referral ${id} was not found` } : flat(id);
		});
		expect(items.map((item) => item.json)).toEqual(expected);
		expect(items.filter((item) => item.error !== undefined).map((item) => item.pairedItem)).toEqual(
			[{ item: 1 }, { item: 4 }, { item: 6 }, { item: 8 }],
		);
	});

	it('without Continue On Fail, one failed item fails the node with that item named', async () => {
		IDS.slice(0, 3).forEach((id, index) => {
			const scope = nock(API).get(`${REFERRALS}/${id}`);
			if (index === 1) scope.reply(404, { error: { code: 'itemNotFound', message: 'nope' } });
			else scope.delay(20).reply(200, referral(id));
		});
		const { items, error } = await runReferral(get(3), {
			items: IDS.slice(0, 3).map((id) => ({ id })),
		});
		expect(items).toEqual([]);
		expect(error?.message).toBe(`Referral ${IDS[1]} was not found`);
		expect(error?.context.itemIndex).toBe(1);
	});

	it('without Continue On Fail, sends nothing more once an item failed: the items still reading do not go on to write', async () => {
		const ids = IDS.slice(0, 4);
		ids.forEach((id, index) => {
			const scope = nock(API).get(`${REFERRALS}/${id}`);
			if (index === 1) scope.reply(404, { error: { code: 'itemNotFound', message: 'nope' } });
			else scope.delay(200).reply(200, referral(id, { status: 'New', substatus: 'Pending' }));
		});
		const sent = watchRequests();
		const { items, error } = await runReferral(
			{ operation: 'accept', referralId: idFromItem(), options: {} },
			{ items: ids.map((id) => ({ id })) },
		);
		expect(items).toEqual([]);
		expect(error?.message).toBe(`Referral ${ids[1]} was not found`);
		expect(error?.context.itemIndex).toBe(1);
		// the three other reads were answered after the failure: none of them is followed by its PATCH
		expect(sent()).toEqual([]);
	});

	it('after a 429 with Retry-After, waits as told, sends fewer requests at once, and still answers every item in order', async () => {
		const server = new Server();
		const throttles = watchThrottles();
		IDS.forEach((id, index) => {
			if (index === 2) {
				// the third request, sent while 3 were in flight, is throttled at once
				server.watch(
					nock(API)
						.get(`${REFERRALS}/${id}`)
						.reply(
							429,
							{ error: { code: 'tooManyRequests', message: 'Slow down' } },
							{ 'Retry-After': '2' },
						),
					`${id} (429)`,
				);
			}
			server.watch(
				nock(API)
					.get(`${REFERRALS}/${id}`)
					.delay(index < 2 ? 40 : 10)
					.reply(200, referral(id)),
				id,
			);
		});
		const { items, error } = await runReferral(get(3), { items: IDS.map((id) => ({ id })) });
		expect(error).toBeUndefined();
		// Retry-After plus jitter (random() = 0.5: 5%); sent above the level that held, it pauses only its own request
		expect(setup.sleeps).toEqual([2100]);
		expect(items.map((item) => item.json.id)).toEqual(IDS);
		expect(items.map((item) => item.pairedItem)).toEqual(IDS.map((_, item) => ({ item })));

		const [{ throttle, limits }] = throttles;
		expect(throttle.throttled).toBe(1);
		// three were in flight when the throttled one was sent: the limit drops to two
		expect(limits[0]).toBe(2);
		const throttledAt = server.arrivals.indexOf(`${IDS[2]} (429)`);
		expect(server.atArrival[throttledAt]).toBe(3);
		// the next requests (the retry among them) go out with at most two in flight
		const after = server.atArrival.slice(throttledAt + 1, throttledAt + 5);
		expect(after).toHaveLength(4);
		expect(Math.max(...after)).toBeLessThanOrEqual(2);
		expect(server.arrivals.slice(throttledAt + 1)).toContain(IDS[2]);
	});

	it('a 429 at a level that had held (a rate limit, or others sharing the limit) pauses every request of the execution until its Retry-After has passed', async () => {
		const events: string[] = [];
		// each wait takes a little real time; its start and end are logged
		jest.spyOn(timing, 'sleep').mockImplementation(async (ms: number) => {
			events.push(`waiting ${ms}`);
			await new Promise((resolve) => setTimeout(resolve, 300));
			events.push(`waited ${ms}`);
		});
		const ids = IDS.slice(0, 6);
		// items 0 and 1 hold 2 in flight for a round; item 2 is refused while item 3 is still in flight
		const delays = [10, 10, 60, 150, 0, 0];
		ids.forEach((id, index) => {
			if (index === 2) {
				nock(API)
					.get(`${REFERRALS}/${id}`)
					.delay(delays[index])
					.reply(
						429,
						{ error: { code: 'tooManyRequests', message: 'Rate limit' } },
						{ 'Retry-After': '2' },
					);
			}
			nock(API)
				.get(`${REFERRALS}/${id}`)
				.delay(index === 2 ? 0 : delays[index])
				.reply(() => {
					events.push(`sent ${index}`);
					return [200, referral(id)];
				});
		});
		const { items, error } = await runReferral(get(2), { items: ids.map((id) => ({ id })) });
		expect(error).toBeUndefined();
		expect(items.map((item) => item.json.id)).toEqual(ids);
		const paused = events.findIndex((event) => /^waiting 2\d00$/.test(event));
		const resumed = events.findIndex((event) => /^waited 2\d00$/.test(event));
		expect(paused).toBeGreaterThan(-1);
		// item 3 came back during the wait: item 4 waits for its end too
		expect(events.slice(paused, resumed).filter((event) => event.startsWith('sent'))).toEqual([]);
		expect(
			events
				.slice(resumed)
				.filter((event) => event.startsWith('sent'))
				.sort(),
		).toEqual(['sent 2', 'sent 4', 'sent 5']);
	});

	/** `count` ids, each answered after `delayMs` by one interceptor, watched by `server`. */
	const serveMany = (server: Server, count: number, delayMs: number) => {
		const ids = Array.from({ length: count }, (_, index) => guid(index + 1));
		server.watch(
			nock(API)
				.get(new RegExp(`^${REFERRALS}/`))
				.times(count)
				.delay(delayMs)
				.reply((uri) => [200, referral(uri.split('/').pop()!)]),
			'get',
		);
		return ids;
	};

	it('by default, starts at 5 and sends more at once to a service that keeps up, never more than 32', async () => {
		const server = new Server();
		const throttles = watchThrottles();
		const ids = serveMany(server, 80, 40);
		const { items, error } = await runReferral(
			{ operation: 'get', referralId: idFromItem(), options: {} },
			{ items: ids.map((id) => ({ id })) },
		);
		expect(error).toBeUndefined();
		expect(items.map((item) => item.json.id)).toEqual(ids);
		expect(items.map((item) => item.pairedItem)).toEqual(ids.map((_, item) => ({ item })));
		expect(Math.max(...server.atArrival)).toBeGreaterThan(5);
		expect(Math.max(...server.atArrival)).toBeLessThanOrEqual(32);
		expect(throttles).toHaveLength(1);
		const [{ throttle, start, limits }] = throttles;
		expect([start, throttle.max]).toEqual([5, 32]);
		expect(limits.slice(0, 3)).toEqual([6, 7, 8]);
		expect(throttle.throttled).toBe(0);
	});

	it('set to a number, grows from 5 up to that number and never above it', async () => {
		const server = new Server();
		const throttles = watchThrottles();
		const ids = serveMany(server, 80, 40);
		const { items, error } = await runReferral(get(8), { items: ids.map((id) => ({ id })) });
		expect(error).toBeUndefined();
		expect(items.map((item) => item.json.id)).toEqual(ids);
		expect(Math.max(...server.atArrival)).toBe(8);
		const [{ start, limits }] = throttles;
		expect(start).toBe(5);
		expect(limits).toEqual([6, 7, 8]);
	});

	it('each execution starts afresh at 5, whatever the previous one reached', async () => {
		const throttles = watchThrottles();
		for (let run = 0; run < 2; run++) {
			const ids = serveMany(new Server(), 60, 5);
			const { error } = await runReferral(get(20), { items: ids.map((id) => ({ id })) });
			expect(error).toBeUndefined();
		}
		expect(throttles).toHaveLength(2);
		expect(throttles.map(({ start }) => start)).toEqual([5, 5]);
		expect(throttles[0].throttle.limit).toBeGreaterThan(5);
	});

	it('refuses a concurrency below 1 naming the option (it used to run one at a time without a word)', async () => {
		const sent = watchRequests();
		const { items, error } = await runReferral(
			{ operation: 'get', referralId: idFromItem(), options: { concurrency: '={{ 0 }}' } },
			{ items: IDS.slice(0, 3).map((id) => ({ id })) },
		);
		expect(items).toEqual([]);
		expect(error?.message).toBe('The field "Max Concurrent Requests" has an invalid value: 0');
		expect(sent()).toEqual([]);
	});
});
