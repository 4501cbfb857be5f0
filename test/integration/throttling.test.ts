/**
 * Throttling by the service, end to end through n8n's real engine and the sandbox: a
 * per-second rate limit and a concurrency limit, met by one execution of many items and by
 * many executions at once that know nothing of each other (a burst of webhook calls, n8n's
 * queue-mode workers).
 *
 * The clock is simulated: the node's `timing.now`/`timing.sleep` and the sandbox's clock (its
 * per-second window, its latency) read and wait on the same clock, which moves only when
 * something sleeps (to that sleeper's wake-up time), never while code runs. So the requests, 429s
 * and waits, and every time budget (a request's limit of three times its timeout), are the same
 * on a busy machine as on an idle one: a clock that ran with the real one counted the machine's
 * slowness against the node. A sleep takes 1/FAST of its time in real time, so that sleepers
 * wake in the order of their wake-up times; a Retry-After of 1 s costs 1000 / FAST ms.
 */
import { timing } from '../../nodes/PartnerCenterReferral/shared/timing';
import type { SandboxSession } from './helpers';
import { byId, openSandbox } from './helpers';

const FAST = 10;
const START = Date.UTC(2026, 0, 2);
let simulatedMs = START;
const simulatedNow = () => simulatedMs;
const simulatedSleep = async (ms: number) => {
	const wakeAt = simulatedMs + Math.max(0, ms);
	await new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms) / FAST));
	simulatedMs = Math.max(simulatedMs, wakeAt);
};

let session: SandboxSession;

beforeAll(async () => {
	session = await openSandbox({
		referralCount: 120,
		now: () => new Date(simulatedNow()),
		sleep: simulatedSleep,
		tokenLifetimeSeconds: 90 * 86_400,
	});
});
afterAll(async () => {
	await session.close();
});
beforeEach(() => {
	session.sandbox.resetFaults();
	session.sandbox.resetCounters();
	jest.spyOn(timing, 'now').mockImplementation(simulatedNow);
	jest.spyOn(timing, 'sleep').mockImplementation(simulatedSleep);
});
afterEach(() => {
	jest.restoreAllMocks();
});

const referralIds = (count: number) =>
	session.sandbox.referrals
		.all()
		.slice(1, count + 1)
		.map((referral) => referral.id);

/** One execution per id, all at once, each with Continue On Fail; the ids that did not come back. */
async function concurrentExecutions(
	ids: string[],
): Promise<{ failed: number; messages: string[] }> {
	const runs = await Promise.all(
		ids.map(
			async (id) =>
				await session.run({ operation: 'get', referralId: byId(id) }, { continueOnFail: true }),
		),
	);
	const messages: string[] = [];
	runs.forEach((run, index) => {
		const item = run.items[0];
		if (run.error) messages.push(run.error.message);
		else if (item?.json.id !== ids[index]) messages.push(String(item?.json.error ?? 'no item'));
	});
	return { failed: messages.length, messages: [...new Set(messages)] };
}

describe('a service that throttles', () => {
	it('100 executions at once against a service that allows 10 requests per second: none fails', async () => {
		session.sandbox.faults.maxPerSecond = 10;
		const ids = referralIds(100);

		const { failed, messages } = await concurrentExecutions(ids);

		expect(messages).toEqual([]);
		expect(failed).toBe(0);
		expect(session.sandbox.counters.throttled).toBeGreaterThan(0);
		expect(session.sandbox.counters.byMethod.GET).toBe(100 + session.sandbox.counters.throttled);
	});

	it('100 executions at once against a service that allows 2 requests in flight: none fails', async () => {
		session.sandbox.faults.maxConcurrent = 2;
		session.sandbox.faults.latencyMs = 50;
		const ids = referralIds(100);

		const { failed, messages } = await concurrentExecutions(ids);

		expect(messages).toEqual([]);
		expect(failed).toBe(0);
		expect(session.sandbox.counters.throttled).toBeGreaterThan(0);
		expect(session.sandbox.counters.byMethod.GET).toBe(100 + session.sandbox.counters.throttled);
	});

	it('one execution of 100 items against a service that allows 5 requests per second: none fails', async () => {
		session.sandbox.faults.maxPerSecond = 5;
		session.sandbox.faults.latencyMs = 50;
		const ids = referralIds(100);

		const { items, error } = await session.run(
			{ operation: 'get', referralId: { __rl: true, mode: 'id', value: '={{ $json.id }}' } },
			{ items: ids.map((id) => ({ id })), continueOnFail: true },
		);

		expect(error).toBeUndefined();
		expect(
			items.filter((item) => item.json.error !== undefined).map((item) => item.json.error),
		).toEqual([]);
		expect(items.map((item) => item.json.id)).toEqual(ids);
	});
});
