/**
 * @jest-environment ./test/timeZoneEnvironment.js
 *
 * Trigger On "About to Expire" (issue 26) against the sandbox over real HTTP, through n8n's
 * PollContext, on a simulated clock that drives the sandbox's stamps and the trigger's clock.
 * The referrals here carry the expirationDateTime the test gives them.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { PartnerCenterReferralTrigger } from '../../nodes/PartnerCenterReferral/PartnerCenterReferralTrigger.node';
import { ids, incomingReferral, json, useSimulatedClockSandbox } from './helpers';

declare const setProcessTimeZone: (zone: string) => void;

const START = Date.parse('2026-06-01T09:00:00.000Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const STATE_KEY = 'node:Partner Center Referral Trigger';

const env = useSimulatedClockSandbox(START, { referralCount: 30, pageSize: 10 });
const { clock } = env;

beforeEach(() => {
	// every referral of an earlier test has expired long before this one starts
	clock.ms += 60 * DAY;
});
afterEach(() => setProcessTimeZone('UTC'));

/** About to Expire with Notify Before 2 days (the defaults), Direction Incoming. */
const EXPIRY: INodeParameters = {
	event: 'aboutToExpire',
	notifyBefore: 2,
	notifyBeforeUnit: 'days',
	filters: { direction: 'Incoming' },
};

const iso = (ms: number) => new Date(ms).toISOString();

/** A referral waiting for an answer (New) that expires `inMs` from now. */
function waiting(inMs: number, fields: IDataObject = {}) {
	return env.session.sandbox.referrals.create(
		incomingReferral({ expirationDateTime: iso(clock.ms + inMs), ...fields }),
	);
}

/** An activated trigger: its static data, and a poll that runs `ms` later than the last. */
async function activate(parameters: INodeParameters = EXPIRY, staticData: IDataObject = {}) {
	const poll = async (ms = 10 * MINUTE) => {
		clock.ms += ms;
		const { items } = await env.session.poll(parameters, staticData);
		return items;
	};
	const first = await poll(0);
	return { staticData, poll, first };
}

describe('Partner Center Referral Trigger: About to Expire', () => {
	it('fires once when the expiry comes within Notify Before, not before, never again', async () => {
		const referral = waiting(5 * DAY);
		const expiresAt = iso(clock.ms + 5 * DAY);
		const trigger = await activate();
		expect(trigger.first).toBeNull();
		expect(await trigger.poll(DAY)).toBeNull();
		expect(await trigger.poll(DAY)).toBeNull();
		expect(await trigger.poll(23 * HOUR)).toBeNull(); // 2 days and 1 hour left

		env.session.sandbox.resetCounters();
		const fired = await trigger.poll(2 * HOUR); // 1 day and 23 hours left
		expect(env.session.sandbox.counters.byMethod.GET).toBe(1); // one listing of New referrals
		expect(json(fired ?? [])).toEqual([
			expect.objectContaining({
				id: referral.id,
				event: 'aboutToExpire',
				status: 'New',
				customerName: 'Tailwind Traders',
				expiresInHours: 47,
				expiresAt,
				previousStatus: null,
				previousSubstatus: null,
			}),
		]);
		for (const ms of [MINUTE, HOUR, DAY, 22 * HOUR, 2 * HOUR, DAY])
			expect(await trigger.poll(ms)).toBeNull();
	});

	it('never fires for a referral accepted or declined before its window', async () => {
		const accepted = waiting(4 * DAY);
		const declined = waiting(4 * DAY);
		const trigger = await activate();
		expect(await trigger.poll(DAY)).toBeNull();
		env.session.sandbox.referrals.update(accepted.id, { status: 'Active', substatus: 'Accepted' });
		env.session.sandbox.referrals.update(declined.id, { status: 'Closed', substatus: 'Declined' });
		for (const ms of [HOUR, DAY, DAY, 12 * HOUR, DAY]) expect(await trigger.poll(ms)).toBeNull();
	});

	it('fires at the first poll for a referral already inside the window at activation, once', async () => {
		const inside = waiting(30 * HOUR);
		waiting(-HOUR); // past its expiry, still New (a service that has not closed it yet): not about to expire
		waiting(3 * DAY); // outside the window
		const trigger = await activate();
		expect(json(trigger.first ?? [])).toEqual([
			expect.objectContaining({ id: inside.id, expiresInHours: 30 }),
		]);
		for (const ms of [MINUTE, HOUR, 12 * HOUR]) expect(await trigger.poll(ms)).toBeNull();
	});

	it('fires again, once, for an extended expiry; and when an expiry moves earlier into the window', async () => {
		const extended = waiting(DAY);
		const moved = waiting(10 * DAY);
		const trigger = await activate();
		expect(ids(trigger.first ?? [])).toEqual([extended.id]);

		// Partner Center extends it by 3 days: it is no longer inside the window
		const later = clock.ms + 4 * DAY;
		env.session.sandbox.referrals.update(extended.id, { expirationDateTime: iso(later) });
		expect(await trigger.poll(HOUR)).toBeNull();
		expect(await trigger.poll(DAY)).toBeNull();
		const again = await trigger.poll(DAY); // 1 day and 23 hours left
		expect(json(again ?? [])).toEqual([
			expect.objectContaining({ id: extended.id, expiresAt: iso(later), expiresInHours: 47 }),
		]);
		expect(await trigger.poll(HOUR)).toBeNull();

		// and one moved earlier, into the window, fires at the next poll
		env.session.sandbox.referrals.update(moved.id, {
			expirationDateTime: iso(clock.ms + DAY),
		});
		expect(ids((await trigger.poll()) ?? [])).toEqual([moved.id]);
		for (const ms of [HOUR, DAY, DAY]) expect(await trigger.poll(ms)).toBeNull();
	});

	it('never fires for a referral without an expirationDateTime (it never guesses the 14 days)', async () => {
		const referral = waiting(DAY);
		env.session.sandbox.referrals.update(referral.id, { expirationDateTime: undefined });
		expect(env.session.sandbox.referrals.get(referral.id)).not.toHaveProperty('expirationDateTime');
		const trigger = await activate();
		expect(trigger.first).toBeNull();
		for (let day = 0; day < 20; day++) expect(await trigger.poll(DAY)).toBeNull();
		expect(env.session.sandbox.referrals.get(referral.id)?.status).toBe('New');
	});

	it('applies the filters: Direction Incoming by default, Customer Country; a Status filter has no say', async () => {
		const german = waiting(DAY);
		waiting(DAY, { direction: 'Outgoing' });
		waiting(DAY, {
			customerProfile: { name: 'Contoso US', address: { city: 'Seattle', country: 'US' } },
		});
		const { first } = await activate({
			...EXPIRY,
			filters: { direction: 'Incoming', customerCountry: 'DE', status: ['Active'] },
		});
		expect(ids(first ?? [])).toEqual([german.id]);

		const everyDirection = await activate({ ...EXPIRY, filters: {} });
		expect(ids(everyDirection.first ?? [])).toHaveLength(3);
	});

	it('with Notify Before in hours', async () => {
		const referral = waiting(7 * HOUR);
		const trigger = await activate({ ...EXPIRY, notifyBefore: 6, notifyBeforeUnit: 'hours' });
		expect(trigger.first).toBeNull();
		expect(await trigger.poll(50 * MINUTE)).toBeNull();
		expect(json((await trigger.poll(20 * MINUTE)) ?? [])).toEqual([
			expect.objectContaining({ id: referral.id, expiresInHours: 5 }),
		]);
	});

	it('loses nothing when a poll fails: the next successful poll fires it once', async () => {
		const referral = waiting(2 * DAY + 3 * HOUR);
		const trigger = await activate();
		expect(await trigger.poll(2 * HOUR)).toBeNull();
		const stateBefore: unknown = JSON.parse(JSON.stringify(trigger.staticData));

		env.session.sandbox.faults.failNext(5, 503);
		await expect(trigger.poll(2 * HOUR)).rejects.toThrow(
			'Partner Center is unavailable (503) after 5 attempts',
		);
		expect(JSON.parse(JSON.stringify(trigger.staticData))).toEqual(stateBefore);

		expect(ids((await trigger.poll(5 * MINUTE)) ?? [])).toEqual([referral.id]);
		expect(await trigger.poll()).toBeNull();
	});

	it.each(['Europe/Berlin', 'Asia/Kolkata', 'America/Los_Angeles'])(
		'reads an expiry without a zone as UTC, on a server in %s',
		async (zone) => {
			setProcessTimeZone(zone);
			env.session.sandbox.responses.zonelessTimestamps = true;
			const referral = waiting(2 * DAY + HOUR);
			const trigger = await activate();
			expect(trigger.first).toBeNull();
			expect(await trigger.poll(50 * MINUTE)).toBeNull();
			const fired = await trigger.poll(20 * MINUTE);
			expect(json(fired ?? [])).toEqual([
				expect.objectContaining({
					id: referral.id,
					expiresAt: iso(clock.ms - 70 * MINUTE + 2 * DAY + HOUR),
					expiresInHours: 47,
				}),
			]);
		},
	);

	it.each<[string, INodeParameters]>([
		[
			'text from an expression, in any case',
			{ notifyBefore: '={{ "36" }}', notifyBeforeUnit: '={{ " Hours" }}' },
		],
		['blank (not set: 2 days)', { notifyBefore: '={{ "" }}', notifyBeforeUnit: '={{ "" }}' }],
	])('reads Notify Before given as %s', async (_what, given) => {
		const inside = waiting(35 * HOUR);
		waiting(49 * HOUR);
		const { first } = await activate({ ...EXPIRY, ...given });
		expect(ids(first ?? [])).toEqual([inside.id]);
	});

	it('refuses a Notify Before Unit other than hours or days, and sends nothing', async () => {
		const polled = env.session.poll({ ...EXPIRY, notifyBeforeUnit: '={{ "weeks" }}' }, {});
		await expect(polled).rejects.toThrow('Notify Before Unit must be hours or days');
		expect(env.session.sandbox.counters.requests).toBe(0);
	});

	it.each([0, -1, 'abc', 31])(
		'refuses Notify Before %j (from 0.01, at most 30 days), and sends nothing',
		async (given) => {
			const polled = env.session.poll({ ...EXPIRY, notifyBefore: given }, {});
			await expect(polled).rejects.toThrow(
				'Notify Before must be a number from 0.01 (hours or days) to 30 days',
			);
			expect(env.session.sandbox.counters.requests).toBe(0);
		},
	);
});

describe("Notify Before: the editor's bounds are the rule's", () => {
	const notifyBefore = new PartnerCenterReferralTrigger().description.properties.find(
		(property) => property.name === 'notifyBefore',
	);
	const { minValue, maxValue, numberPrecision } = notifyBefore?.typeOptions ?? {};

	it('the smallest value the editor offers is more than 0, at its precision', () => {
		expect(minValue).toBeGreaterThan(0);
		expect(Number.isInteger(Math.round((minValue ?? 0) * 10 ** (numberPrecision ?? 0)))).toBe(true);
	});

	it.each<[string, number | undefined, string]>([
		['the smallest, in hours', minValue, 'hours'],
		['the smallest, in days', minValue, 'days'],
		['the largest, in hours', maxValue, 'hours'],
	])('the value the editor allows (%s) is accepted at activation', async (_what, given, unit) => {
		await expect(
			env.session.poll({ ...EXPIRY, notifyBefore: given, notifyBeforeUnit: unit }, {}),
		).resolves.toBeDefined();
	});

	it('below the smallest the editor offers is refused, naming the bounds', async () => {
		const polled = env.session.poll({ ...EXPIRY, notifyBefore: (minValue ?? 0) / 2 }, {});
		await expect(polled).rejects.toThrow(`Notify Before must be a number from ${minValue}`);
		expect(env.session.sandbox.counters.requests).toBe(0);
	});
});

describe('Partner Center Referral Trigger: About to Expire, a state of another trigger', () => {
	it('other filters on the same node start over without firing again what fired; another node fires as at activation', async () => {
		const alerted = waiting(DAY);
		const trigger = await activate();
		expect(ids(trigger.first ?? [])).toEqual([alerted.id]);
		const outgoing = waiting(DAY, { direction: 'Outgoing' });

		// the same node, now for every direction: the outgoing one fires, the one that fired does not
		const everyDirection = { ...EXPIRY, filters: {} };
		clock.ms += HOUR;
		const { items } = await env.session.poll(everyDirection, trigger.staticData);
		expect(json(items ?? [])).toEqual([
			expect.objectContaining({
				id: outgoing.id,
				triggerNotice: expect.stringContaining('other filters'),
			}),
		]);

		// another node of the same name: as at activation, both are inside the window
		clock.ms += HOUR;
		const other = await env.session.poll(everyDirection, trigger.staticData, {
			nodeId: 'another-node',
		});
		expect(ids(other.items ?? []).sort()).toEqual([alerted.id, outgoing.id].sort());
		expect(other.items?.[0].json.triggerNotice).toContain('another trigger node');
	});
});

describe('Partner Center Referral Trigger: About to Expire after a damaged state', () => {
	it('starts over as at activation: what is inside the window fires once, with the notice', async () => {
		const inside = waiting(DAY);
		const trigger = await activate(EXPIRY, {
			[STATE_KEY]: { referrals: { version: 3, from: 'yesterday', seen: {} } },
		});
		expect(json(trigger.first ?? [])).toEqual([
			expect.objectContaining({
				id: inside.id,
				triggerNotice: expect.stringContaining('saved state could not be read'),
			}),
		]);
		for (const ms of [MINUTE, HOUR, DAY]) expect(await trigger.poll(ms)).toBeNull();
	});
});

describe('Partner Center Referral Trigger: About to Expire, Fetch Test Event', () => {
	it('shows the referral that expires soonest among those that match, and leaves the state alone', async () => {
		waiting(5 * DAY);
		const soonest = waiting(3 * DAY);
		waiting(DAY, { direction: 'Outgoing' });
		waiting(-HOUR); // expired, not yet closed
		const staticData: IDataObject = {};
		const { items } = await env.session.poll(EXPIRY, staticData, { mode: 'manual' });
		expect(json(items ?? [])).toEqual([
			expect.objectContaining({
				id: soonest.id,
				event: 'aboutToExpire',
				expiresInHours: 72,
				expiresAt: iso(clock.ms + 3 * DAY),
			}),
		]);
		expect(staticData).toEqual({});
	});

	it('says clearly that none is waiting for an answer', async () => {
		const polled = env.session.poll(
			{ ...EXPIRY, filters: { customerCountry: 'ZZ' } },
			{},
			{ mode: 'manual' },
		);
		await expect(polled).rejects.toThrow('No referral is waiting for an answer');
		await expect(polled).rejects.toMatchObject({
			description: expect.stringContaining('no referral in status New that matches the filters'),
		});
	});
});

/**
 * One story as n8n runs it: a poll every 6 hours, the static data saved only when a poll fires
 * and after the first poll of an activation; a restart (after the polls in `restartAfter`)
 * resumes from the state saved last. Returns every fired item as "id expiresAt".
 */
async function story(restartAfter: number[]) {
	const r1 = waiting(DAY); // inside the window at activation
	const r2 = waiting(3 * DAY);
	const r3 = waiting(4 * DAY + 12 * HOUR);
	const r4 = waiting(5 * DAY); // accepted before its window
	const r5 = waiting(2 * DAY + 10 * HOUR); // fires, then is extended by 3 days and fires again
	const start = clock.ms;
	const extendedTo = iso(start + 5 * DAY + 10 * HOUR);
	const steps: Record<number, () => void> = {
		4: () => env.session.sandbox.referrals.update(r5.id, { expirationDateTime: extendedTo }),
		8: () =>
			env.session.sandbox.referrals.update(r4.id, { status: 'Active', substatus: 'Accepted' }),
	};
	let staticData: IDataObject = {};
	let saved = '{}';
	const fired: string[] = [];
	const pollOnce = async (activation: boolean) => {
		const { items } = await env.session.poll(EXPIRY, staticData);
		for (const { json: item } of items ?? [])
			fired.push(`${String(item.id)} ${String(item.expiresAt)}`);
		if (items || activation) saved = JSON.stringify(staticData);
	};
	await pollOnce(true);
	let restarted = false;
	for (let index = 0; index < 24; index++) {
		clock.ms += 6 * HOUR;
		steps[index]?.();
		await pollOnce(restarted);
		restarted = restartAfter.includes(index);
		if (restarted) staticData = JSON.parse(saved) as IDataObject;
	}
	const expected = [
		`${r1.id} ${String(r1.expirationDateTime)}`,
		`${r2.id} ${String(r2.expirationDateTime)}`,
		`${r3.id} ${String(r3.expirationDateTime)}`,
		`${r5.id} ${String(r5.expirationDateTime)}`,
		`${r5.id} ${extendedTo}`,
	];
	return { fired: fired.sort(), expected: expected.sort() };
}

describe('Partner Center Referral Trigger: About to Expire across restarts from the last saved state', () => {
	it.each([
		[[]],
		[[0]],
		[[1, 2, 3]],
		[[5]],
		[[7, 8]],
		[[0, 3, 6, 9, 12, 15]],
		[[10, 11, 13, 17, 20]],
	])(
		'fires every referral and expiry exactly once, restarting after the polls %j',
		async (restartAfter) => {
			const { fired, expected } = await story(restartAfter);
			expect(fired).toEqual(expected);
		},
	);

	it('keeps in static data only what fired and has not expired yet', async () => {
		const referral = waiting(DAY);
		const trigger = await activate();
		const state = () => (trigger.staticData[STATE_KEY] as IDataObject).referrals as IDataObject;
		expect(ids(trigger.first ?? [])).toEqual([referral.id]);
		expect(state().expiry).toEqual({
			polled: clock.ms,
			alerted: { [referral.id.toLowerCase()]: Date.parse(String(referral.expirationDateTime)) },
		});
		await trigger.poll(DAY + MINUTE);
		expect((state().expiry as IDataObject).alerted).toEqual({});
	});
});
