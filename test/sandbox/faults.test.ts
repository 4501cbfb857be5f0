import { EXAMPLE_REFERRAL_ID, startSandbox, type Sandbox } from '../../dev/sandbox';
import { Client, REFERRALS_PATH } from './helpers';

const EXAMPLE_PATH = `${REFERRALS_PATH}/${EXAMPLE_REFERRAL_ID}`;

/** waits (event-loop turns, no timing assertion) until `condition` holds */
async function eventually(condition: () => boolean, what: string): Promise<void> {
	for (let i = 0; i < 2000; i++) {
		if (condition()) return;
		await new Promise((resolve) => setTimeout(resolve, 5));
	}
	throw new Error(`timed out waiting for ${what}`);
}

/** an injected `sleep`: records every latency wait; while `holding`, waits until released */
function controllableSleep(): {
	sleep: (ms: number) => Promise<void>;
	calls: number[];
	waiting: Array<() => void>;
	hold(): void;
	releaseAll(): void;
} {
	const calls: number[] = [];
	const waiting: Array<() => void> = [];
	let holding = false;
	return {
		calls,
		waiting,
		sleep: (ms) => {
			calls.push(ms);
			if (!holding) return Promise.resolve();
			return new Promise<void>((resolve) => waiting.push(resolve));
		},
		hold: () => {
			holding = true;
		},
		releaseAll: () => {
			holding = false;
			waiting.splice(0).forEach((resolve) => resolve());
		},
	};
}

describe('sandbox: fault injection', () => {
	let sandbox: Sandbox;
	let client: Client;
	const sleeper = controllableSleep();

	beforeAll(async () => {
		sandbox = await startSandbox({ referralCount: 10, sleep: sleeper.sleep });
		client = new Client(sandbox);
	});

	afterAll(async () => {
		await sandbox.close();
	});

	beforeEach(() => {
		sandbox.resetFaults();
		sandbox.resetCounters();
		sleeper.calls.length = 0;
	});

	it('failNext: the next N API requests get the status with the documented error shape', async () => {
		sandbox.faults.failNext(2, 503);
		for (let i = 0; i < 2; i++) {
			const response = await client.json(EXAMPLE_PATH);
			expect(response.status).toBe(503);
			expect(response.body).toEqual({
				error: { code: 'serviceNotAvailable', message: expect.any(String) },
			});
			expect(response.headers.get('retry-after')).toBe('1');
			expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
		}
		expect((await client.json(EXAMPLE_PATH)).status).toBe(200);
		expect(sandbox.counters.requests).toBe(3);
	});

	it('failNext: custom body and headers; 429s count as throttled; faults come before auth', async () => {
		sandbox.faults.failNext(1, 500, { oops: true }, { 'X-Custom': 'yes' });
		const custom = await client.json(EXAMPLE_PATH);
		expect(custom.status).toBe(500);
		expect(custom.body).toEqual({ oops: true });
		expect(custom.headers.get('x-custom')).toBe('yes');

		sandbox.faults.retryAfterSeconds = 7;
		sandbox.faults.failNext(1, 429);
		const throttled = await client.json(EXAMPLE_PATH);
		expect(throttled.status).toBe(429);
		expect(throttled.headers.get('retry-after')).toBe('7');
		expect(sandbox.counters.throttled).toBe(1);

		sandbox.faults.failNext(1, 404);
		expect(((await client.json(EXAMPLE_PATH)).body.error as { code: string }).code).toBe(
			'itemNotFound',
		);

		sandbox.faults.failNext(1, 503);
		expect((await fetch(`${sandbox.url}${EXAMPLE_PATH}`)).status).toBe(503);
	});

	it('does not apply to the token endpoint, which is counted separately', async () => {
		sandbox.faults.failNext(1, 500);
		sandbox.faults.maxConcurrent = 1;
		const { refreshToken } = sandbox.issueToken();
		const token = await fetch(sandbox.tokenUrl, {
			method: 'POST',
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams({
				grant_type: 'refresh_token',
				refresh_token: refreshToken,
				client_id: sandbox.clientId,
				client_secret: sandbox.clientSecret,
			}).toString(),
		});
		expect(token.status).toBe(200);
		expect(sandbox.counters.tokenRequests).toBe(1);
		expect(sandbox.counters.requests).toBe(0);
		expect((await client.json(EXAMPLE_PATH)).status).toBe(500);
	});

	it('malformedNext: 200 application/json with an unparseable body', async () => {
		sandbox.faults.malformedNext(1);
		const response = await client.fetch(EXAMPLE_PATH);
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
		await expect(response.json()).rejects.toMatchObject({ name: 'SyntaxError' });
		expect((await client.json(EXAMPLE_PATH)).status).toBe(200);
	});

	it('dropNext: the connection is reset without a response (fetch rejects)', async () => {
		sandbox.faults.dropNext(1);
		await expect(client.fetch(EXAMPLE_PATH)).rejects.toThrow();
		expect(sandbox.counters.requests).toBe(1);
		expect((await client.json(EXAMPLE_PATH)).status).toBe(200);
		await eventually(() => sandbox.counters.inFlight === 0, 'inFlight 0');
	});

	it('applies queued one-shot faults in order', async () => {
		sandbox.faults.failNext(1, 502);
		sandbox.faults.dropNext(1);
		sandbox.faults.malformedNext(1);
		expect((await client.fetch(EXAMPLE_PATH)).status).toBe(502);
		await expect(client.fetch(EXAMPLE_PATH)).rejects.toThrow();
		await expect((await client.fetch(EXAMPLE_PATH)).json()).rejects.toThrow();
		expect((await client.fetch(EXAMPLE_PATH)).status).toBe(200);
	});

	it('maxConcurrent: above the limit answers 429 + Retry-After at once, counting throttled and peakConcurrency', async () => {
		sandbox.faults.maxConcurrent = 2;
		sandbox.faults.retryAfterSeconds = 3;
		sandbox.faults.latencyMs = 50;
		sleeper.hold();
		const first = client.json(EXAMPLE_PATH);
		const second = client.json(`${REFERRALS_PATH}?$top=1`);
		await eventually(() => sleeper.waiting.length === 2, 'two requests in their latency wait');
		expect(sandbox.counters.inFlight).toBe(2);

		const third = await client.json(EXAMPLE_PATH);
		expect(third.status).toBe(429);
		expect(third.headers.get('retry-after')).toBe('3');
		expect((third.body.error as { code: string }).code).toBe('tooManyRequests');
		expect(sandbox.counters.throttled).toBe(1);
		expect(sandbox.counters.peakConcurrency).toBe(3);
		// the 429 did not wait the latency
		expect(sleeper.calls).toEqual([50, 50]);

		sleeper.releaseAll();
		expect((await first).status).toBe(200);
		expect((await second).status).toBe(200);
		await eventually(() => sandbox.counters.inFlight === 0, 'inFlight 0');
		expect(sandbox.counters.byMethod).toEqual({ GET: 3 });
		expect((await client.json(EXAMPLE_PATH)).status).toBe(200);
	});

	it('latency: every API response waits latencyMs through the (injectable) sleep', async () => {
		sandbox.faults.latencyMs = 25;
		expect((await client.json(EXAMPLE_PATH)).status).toBe(200);
		expect((await client.list({ $top: 2 })).status).toBe(200);
		expect((await client.json('/v1.0/unknown')).status).toBe(404);
		expect(sleeper.calls).toEqual([25, 25, 25]);
		sandbox.resetFaults();
		expect((await client.json(EXAMPLE_PATH)).status).toBe(200);
		expect(sleeper.calls).toHaveLength(3);
	});

	it('counts requests by method and resets counters', async () => {
		await client.json(EXAMPLE_PATH);
		await client.patch(EXAMPLE_REFERRAL_ID, [
			{ op: 'replace', path: '/details/notes', value: 'x' },
		]);
		await client.post({});
		expect(sandbox.counters).toMatchObject({
			requests: 3,
			byMethod: { GET: 1, PATCH: 1, POST: 1 },
		});
		const live = sandbox.counters;
		sandbox.resetCounters();
		expect(live).toBe(sandbox.counters);
		expect(live).toMatchObject({
			requests: 0,
			throttled: 0,
			byMethod: {},
			tokenRequests: 0,
			unauthorized: 0,
		});
	});
});

describe('sandbox: maxPerSecond (a per-second rate limit on the sandbox clock)', () => {
	const clock = { ms: Date.UTC(2026, 0, 2) };
	let sandbox: Sandbox;
	let client: Client;

	beforeAll(async () => {
		sandbox = await startSandbox({ referralCount: 3, now: () => new Date(clock.ms) });
		client = new Client(sandbox);
	});

	afterAll(async () => {
		await sandbox.close();
	});

	const status = async () => (await client.json(EXAMPLE_PATH)).status;

	it('allows N requests in any one second; above that 429 + Retry-After until the oldest leaves the window; refused ones do not count', async () => {
		sandbox.faults.maxPerSecond = 3;
		expect(await status()).toBe(200);
		clock.ms += 400;
		expect(await status()).toBe(200);
		expect(await status()).toBe(200);
		clock.ms += 100;
		const limited = await client.json(EXAMPLE_PATH);
		expect(limited.status).toBe(429);
		expect(limited.headers.get('retry-after')).toBe('1');
		expect(limited.body).toEqual({
			error: { code: 'tooManyRequests', message: expect.stringContaining('3 requests per second') },
		});
		expect(sandbox.counters.throttled).toBe(1);
		// a sliding window: 999 ms after the first request it still counts
		clock.ms += 499;
		expect(await status()).toBe(429);
		// 1 s after the first, one place is free; the two at +400 ms still count
		clock.ms += 1;
		expect(await status()).toBe(200);
		expect(await status()).toBe(429);
		clock.ms += 400;
		expect(await status()).toBe(200);
		expect(await status()).toBe(200);
		expect(sandbox.counters.throttled).toBe(3);
		sandbox.resetFaults();
		for (let i = 0; i < 5; i++) expect(await status()).toBe(200);
	});

	it('asks for the whole seconds until a place is free, at least 1', async () => {
		sandbox.resetFaults();
		sandbox.faults.maxPerSecond = 2;
		expect(await status()).toBe(200);
		expect(await status()).toBe(200);
		clock.ms += 10;
		expect((await client.json(EXAMPLE_PATH)).headers.get('retry-after')).toBe('1');
		clock.ms += 989;
		expect((await client.json(EXAMPLE_PATH)).headers.get('retry-after')).toBe('1');
		clock.ms += 1;
		expect(await status()).toBe(200);
	});
});

describe('sandbox: real latency timers and close()', () => {
	it('serves with real latency and closes promptly, even mid-wait and with keep-alive sockets', async () => {
		const sandbox = await startSandbox({ referralCount: 0 });
		const client = new Client(sandbox);
		sandbox.faults.latencyMs = 5;
		expect((await client.json(EXAMPLE_PATH)).status).toBe(200);
		sandbox.faults.latencyMs = 10 * 60_000;
		const pending = client.fetch(EXAMPLE_PATH);
		const outcome = pending.then(
			() => 'answered',
			() => 'rejected',
		);
		await eventually(() => sandbox.counters.inFlight === 1, 'a request in its latency wait');
		await sandbox.close();
		expect(await outcome).toBe('rejected');
		await expect(fetch(`${sandbox.url}/`)).rejects.toThrow();
	});
});
