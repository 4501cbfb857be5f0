/**
 * The Partner Center Referral Trigger against the sandbox over real HTTP, poll after poll
 * with one static-data object, as an activated workflow runs it. One clock drives both the
 * sandbox's timestamps and the trigger's `timing.now()`.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { FaultState } from '../../dev/sandbox';
import { timing } from '../../nodes/PartnerCenterReferral/shared/timing';
import {
	expiredBetween,
	ids,
	incomingReferral,
	json,
	sortedBy,
	useSimulatedClockSandbox,
} from './helpers';

const START = Date.parse('2026-03-02T09:00:00.000Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const env = useSimulatedClockSandbox(START, { referralCount: 60, pageSize: 10 });
const { clock } = env;

/** An activated trigger: its static data, and a poll that runs `minutes` later than the last. */
async function activate(parameters: INodeParameters) {
	const staticData: IDataObject = {};
	const poll = async (minutes = 1) => {
		clock.ms += minutes * MINUTE;
		const { items } = await env.session.poll(parameters, staticData);
		return items;
	};
	const first = await poll(0);
	return { staticData, poll, first };
}

describe('Partner Center Referral Trigger (polling the sandbox)', () => {
	it('the first poll fires nothing: it remembers what changed in the last minutes, and fires the next change', async () => {
		const [, recent] = env.session.sandbox.referrals.all();
		env.session.sandbox.referrals.update(recent.id, {
			details: { notes: 'Changed a minute before activation.' },
		});
		clock.ms += MINUTE;

		const trigger = await activate({ event: 'referralUpdated', filters: {} });
		expect(trigger.first).toBeNull();
		expect(env.session.sandbox.counters.byMethod.GET).toBe(1);
		// listed again by the next poll (inside its overlap), but it changed before activation
		expect(await trigger.poll()).toBeNull();

		env.session.sandbox.referrals.update(recent.id, {
			details: { notes: 'Changed after activation.' },
		});
		expect(ids((await trigger.poll()) ?? [])).toEqual([recent.id]);
	});

	it('with "Include Changes From the Last (Days)", the first poll also fires what changed that many days before', async () => {
		const [, earlier, later] = env.session.sandbox.referrals.all();
		env.session.sandbox.referrals.update(earlier.id, {
			details: { notes: 'Changed two days before.' },
		});
		clock.ms += 2 * 24 * 60 * MINUTE;
		env.session.sandbox.referrals.update(later.id, {
			details: { notes: 'Changed an hour before.' },
		});
		clock.ms += 60 * MINUTE;

		const { first } = await activate({
			event: 'referralUpdated',
			filters: {},
			options: { lookbackDays: 1 },
		});
		// the update two days and an hour ago is outside the day looked back at; what the sandbox
		// expired in that day fires too (oldest first, before the update an hour ago)
		const expired = expiredBetween(env.session.sandbox, clock.ms - DAY, clock.ms);
		expect(ids(first ?? [])).toEqual([...expired.map((referral) => referral.id), later.id]);
		expect(env.session.sandbox.counters.byMethod.GET).toBe(1);
	});

	it('fires each new incoming referral once for referralCreated, across pages, and nothing twice', async () => {
		const trigger = await activate({
			event: 'referralCreated',
			filters: { direction: 'Incoming' },
		});

		clock.ms += MINUTE;
		const created = Array.from({ length: 12 }, (_, n) =>
			env.session.sandbox.referrals.create(incomingReferral({ name: `Lead ${n}` })),
		);
		env.session.sandbox.referrals.create(
			incomingReferral({ direction: 'Outgoing', name: 'Sent by us' }),
		);

		env.session.sandbox.resetCounters(); // the activation poll listed once
		const fired = await trigger.poll();
		// all created at the same instant: the service orders them by id, so compare as sets
		expect(ids(fired ?? []).sort()).toEqual(created.map((referral) => referral.id).sort());
		expect(new Set(json(fired ?? []).map((item) => item.event))).toEqual(
			new Set(['referralCreated']),
		);
		expect(fired?.[0].json).toMatchObject({
			customerName: 'Tailwind Traders',
			status: 'New',
			substatus: 'Pending',
			previousStatus: null,
			previousSubstatus: null,
		});
		expect(env.session.sandbox.counters.byMethod.GET).toBe(2); // 12 matches, pages of 10

		// still inside the look-back overlap: listed again, not fired again
		expect(await trigger.poll()).toBeNull();
		// an update of one of them is not a creation
		env.session.sandbox.referrals.update(created[0].id, {
			details: { notes: 'Called the customer.' },
		});
		expect(await trigger.poll()).toBeNull();

		clock.ms += MINUTE;
		const later = env.session.sandbox.referrals.create(incomingReferral({ name: 'Lead 12' }));
		expect(ids((await trigger.poll()) ?? [])).toEqual([later.id]);
		expect(await trigger.poll(10)).toBeNull();
	});

	it('fires an update once for referralUpdated, and not a creation', async () => {
		const [, existing] = env.session.sandbox.referrals.all();
		const trigger = await activate({ event: 'referralUpdated', filters: {} });

		clock.ms += MINUTE;
		env.session.sandbox.referrals.update(existing.id, {
			details: { notes: 'New requirements from the customer.' },
		});
		env.session.sandbox.referrals.create(incomingReferral());

		const fired = await trigger.poll();
		expect(ids(fired ?? [])).toEqual([existing.id]);
		expect(fired?.[0].json).toMatchObject({
			event: 'referralUpdated',
			notes: 'New requirements from the customer.',
			previousStatus: null,
		});
		expect(await trigger.poll()).toBeNull();

		clock.ms += MINUTE;
		env.session.sandbox.referrals.update(existing.id, { details: { dealValue: 99000 } });
		const again = await trigger.poll();
		expect(ids(again ?? [])).toEqual([existing.id]);
		expect(again?.[0].json.dealValue).toBe(99000);
		expect(await trigger.poll()).toBeNull();
	});

	it('fires a status change with the previous status for statusChanged, and ignores other updates', async () => {
		const trigger = await activate({ event: 'statusChanged', filters: { direction: 'Incoming' } });

		clock.ms += MINUTE;
		const referral = env.session.sandbox.referrals.create(incomingReferral());
		expect(await trigger.poll()).toBeNull(); // a creation is not a status change; now it is known as New/Pending

		clock.ms += MINUTE;
		env.session.sandbox.referrals.update(referral.id, { details: { notes: 'Still thinking.' } });
		expect(await trigger.poll()).toBeNull();

		clock.ms += MINUTE;
		env.session.sandbox.referrals.update(referral.id, {
			status: 'Active',
			substatus: 'Accepted',
			acceptedDateTime: new Date(clock.ms).toISOString(),
		});
		const fired = await trigger.poll();
		expect(json(fired ?? [])).toEqual([
			expect.objectContaining({
				id: referral.id,
				event: 'statusChanged',
				status: 'Active',
				substatus: 'Accepted',
				previousStatus: 'New',
				previousSubstatus: 'Pending',
			}),
		]);
		expect(await trigger.poll()).toBeNull();

		clock.ms += MINUTE;
		env.session.sandbox.referrals.update(referral.id, {
			status: 'Closed',
			substatus: 'Won',
			statusReason: 'Signed',
		});
		expect(json((await trigger.poll()) ?? [])).toEqual([
			expect.objectContaining({
				id: referral.id,
				status: 'Closed',
				substatus: 'Won',
				previousStatus: 'Active',
				previousSubstatus: 'Accepted',
			}),
		]);
	});

	it('fires only the target statuses chosen in "To Statuses"', async () => {
		const trigger = await activate({
			event: 'statusChanged',
			statuses: ['Closed/Won'],
			filters: { direction: 'Incoming' },
		});
		clock.ms += MINUTE;
		const won = env.session.sandbox.referrals.create(
			incomingReferral({ status: 'Active', substatus: 'Accepted' }),
		);
		const lost = env.session.sandbox.referrals.create(
			incomingReferral({ status: 'Active', substatus: 'Accepted' }),
		);
		expect(await trigger.poll()).toBeNull();

		clock.ms += MINUTE;
		env.session.sandbox.referrals.update(won.id, { status: 'Closed', substatus: 'Won' });
		env.session.sandbox.referrals.update(lost.id, { status: 'Closed', substatus: 'Lost' });
		expect(ids((await trigger.poll()) ?? [])).toEqual([won.id]);
		expect(await trigger.poll()).toBeNull();
	});

	it('loses nothing when a poll fails: the next successful poll delivers the change', async () => {
		const trigger = await activate({
			event: 'referralCreated',
			filters: { direction: 'Incoming' },
		});
		const stateBefore: unknown = JSON.parse(JSON.stringify(trigger.staticData));

		clock.ms += MINUTE;
		const referral = env.session.sandbox.referrals.create(incomingReferral());
		env.session.sandbox.faults.failNext(5, 503);
		await expect(trigger.poll()).rejects.toThrow(
			'Partner Center is unavailable (503) after 5 attempts',
		);
		expect(JSON.parse(JSON.stringify(trigger.staticData))).toEqual(stateBefore);

		expect(ids((await trigger.poll(5)) ?? [])).toEqual([referral.id]);
		expect(await trigger.poll()).toBeNull();
	});

	it('keeps polling through an access-token expiry: n8n refreshes the token and the change arrives', async () => {
		const trigger = await activate({
			event: 'referralCreated',
			filters: { direction: 'Incoming' },
		});
		clock.ms += MINUTE;
		const referral = env.session.sandbox.referrals.create(incomingReferral());
		env.session.sandbox.expireAccessTokens();
		const oldToken = env.session.accessToken;

		expect(ids((await trigger.poll()) ?? [])).toEqual([referral.id]);
		expect(env.session.sandbox.counters.tokenRequests).toBe(1);
		expect(env.session.accessToken).not.toBe(oldToken);
		expect(await trigger.poll()).toBeNull();
		expect(env.session.sandbox.counters.tokenRequests).toBe(1);
	});

	it('in manual mode ("Fetch Test Event") returns the most recent matching referral and leaves the state alone', async () => {
		const staticData: IDataObject = {};
		const newestIncoming = sortedBy(
			env.session.sandbox.referrals.all().filter((referral) => referral.direction === 'Incoming'),
			'createdDateTime',
			true,
		)[0];

		const { items } = await env.session.poll(
			{ event: 'referralCreated', filters: { direction: 'Incoming' } },
			staticData,
			{
				mode: 'manual',
			},
		);

		expect(json(items ?? [])).toEqual([
			expect.objectContaining({
				id: newestIncoming.id,
				event: 'referralCreated',
				previousStatus: null,
			}),
		]);
		expect(staticData).toEqual({});
	});

	it('in manual mode fails clearly when nothing matches', async () => {
		await expect(
			env.session.poll(
				{ event: 'referralUpdated', filters: { customerCountry: 'ZZ' } },
				{},
				{ mode: 'manual' },
			),
		).rejects.toThrow('No referral matches this trigger yet');
	});
});

describe('Partner Center Referral Trigger: clocks, previous status, failures', () => {
	it.each([2, 10])(
		'with the service clock %i minutes behind n8n, fires what is created after activation and nothing from before',
		async (behind) => {
			jest.spyOn(timing, 'now').mockImplementation(() => clock.ms + behind * MINUTE);
			env.session.sandbox.referrals.create(
				incomingReferral({ name: 'Created a minute before activation' }),
			);
			clock.ms += MINUTE;
			const trigger = await activate({
				event: 'referralCreated',
				filters: { direction: 'Incoming' },
			});

			clock.ms += MINUTE;
			const after = env.session.sandbox.referrals.create(
				incomingReferral({ name: 'Created a minute after activation' }),
			);
			expect(ids((await trigger.poll()) ?? [])).toEqual([after.id]);
			expect(await trigger.poll()).toBeNull();
			expect(await trigger.poll(10)).toBeNull();
		},
	);

	it("misses nothing after one poll on which n8n's clock ran an hour ahead (the Date header tells the real time)", async () => {
		const [, changed] = env.session.sandbox.referrals.all();
		const trigger = await activate({ event: 'referralUpdated', filters: {} });
		expect(await trigger.poll()).toBeNull();

		// one poll with n8n's clock an hour ahead of the service's (which stays right)
		const ahead = jest.spyOn(timing, 'now').mockImplementation(() => clock.ms + HOUR);
		expect(await trigger.poll()).toBeNull();
		ahead.mockImplementation(() => clock.ms);

		clock.ms += 30_000;
		env.session.sandbox.referrals.update(changed.id, {
			details: { notes: 'Changed after the clock came back.' },
		});
		expect(ids((await trigger.poll()) ?? [])).toEqual([changed.id]);
	});

	it('fires a referral stamped an hour ahead once, and still fires the ordinary changes after it', async () => {
		const [, glitched, ordinary] = env.session.sandbox.referrals.all();
		const trigger = await activate({ event: 'referralUpdated', filters: {} });

		env.session.sandbox.referrals.update(glitched.id, {
			details: { notes: 'Written by a server whose clock is an hour ahead.' },
			updatedDateTime: new Date(clock.ms + HOUR).toISOString(),
		});
		expect(ids((await trigger.poll()) ?? [])).toEqual([glitched.id]);

		env.session.sandbox.referrals.update(ordinary.id, {
			details: { notes: 'An ordinary update a minute later.' },
		});
		expect(ids((await trigger.poll()) ?? [])).toEqual([ordinary.id]);
		// listed again while its stamp is inside the window (the next hour), never fired again
		for (const minutes of [1, 30, 30, 10]) expect(await trigger.poll(minutes)).toBeNull();

		env.session.sandbox.referrals.update(ordinary.id, { details: { notes: 'And another one.' } });
		expect(ids((await trigger.poll()) ?? [])).toEqual([ordinary.id]);
	});

	it('Status Changed fires a move of a referral that existed before activation with its previous status, and not a notes edit', async () => {
		const monthAgo = new Date(clock.ms - 30 * DAY).toISOString();
		// acceptedDateTime and closedDateTime are optional: these old referrals carry none
		const old = (fields: IDataObject) =>
			env.session.sandbox.referrals.create(
				incomingReferral({ createdDateTime: monthAgo, updatedDateTime: monthAgo, ...fields }),
			);
		const lost = old({ status: 'Closed', substatus: 'Lost' });
		const active = old({ status: 'Active', substatus: 'Accepted' });
		const pending = old({});
		const trigger = await activate({ event: 'statusChanged', filters: {} });

		// only the notes changed: nothing fires, and both are remembered with their status
		env.session.sandbox.referrals.update(lost.id, {
			details: { notes: 'Notes edited after activation.' },
		});
		env.session.sandbox.referrals.update(active.id, {
			details: { notes: 'Notes edited after activation.' },
		});
		expect(await trigger.poll()).toBeNull();

		clock.ms += MINUTE;
		// accepted after activation; its status before is known from the status memory built at activation
		env.session.sandbox.referrals.update(pending.id, {
			status: 'Active',
			substatus: 'Accepted',
			acceptedDateTime: new Date(clock.ms).toISOString(),
		});
		clock.ms += MINUTE;
		env.session.sandbox.referrals.update(active.id, { status: 'Closed', substatus: 'Won' });
		expect(json((await trigger.poll()) ?? [])).toEqual([
			expect.objectContaining({
				id: pending.id,
				status: 'Active',
				previousStatus: 'New',
				previousSubstatus: 'Pending',
			}),
			expect.objectContaining({
				id: active.id,
				substatus: 'Won',
				previousStatus: 'Active',
				previousSubstatus: 'Accepted',
			}),
		]);
		expect(await trigger.poll()).toBeNull();
	});

	it.each([true, false])(
		'Fetch Test Event shows the shape every fired item has (Simplify %s)',
		async (simplify) => {
			const [, referral] = env.session.sandbox.referrals.all();
			const parameters = { event: 'referralUpdated', filters: {}, simplify };
			const trigger = await activate(parameters);
			env.session.sandbox.referrals.update(referral.id, {
				details: { notes: 'Changed after activation.' },
			});

			const { items: testEvent } = await env.session.poll(parameters, {}, { mode: 'manual' });
			const fired = await trigger.poll();
			expect(ids(testEvent ?? [])).toEqual([referral.id]);
			expect(ids(fired ?? [])).toEqual([referral.id]);
			expect(Object.keys(fired?.[0].json ?? {})).toEqual(Object.keys(testEvent?.[0].json ?? {}));
			expect(testEvent?.[0].json).toMatchObject({
				event: 'referralUpdated',
				previousStatus: null,
				previousSubstatus: null,
			});
		},
	);

	it('a poll that fails on page 2 of 3 leaves the state untouched, and the next poll fires every change once', async () => {
		const trigger = await activate({
			event: 'referralCreated',
			filters: { direction: 'Incoming' },
		});
		const stateBefore: unknown = JSON.parse(JSON.stringify(trigger.staticData));
		clock.ms += MINUTE;
		const created = Array.from(
			{ length: 25 },
			(_, n) => env.session.sandbox.referrals.create(incomingReferral({ name: `Lead ${n}` })).id,
		);

		env.session.sandbox.resetCounters();
		// page 1 answers, then page 2 fails every attempt
		const take = jest
			.spyOn(env.session.sandbox.faults as FaultState, 'take')
			.mockImplementationOnce(() => undefined);
		env.session.sandbox.faults.failNext(5, 503);
		await expect(trigger.poll()).rejects.toThrow(
			'Partner Center is unavailable (503) after 5 attempts',
		);
		expect(env.session.sandbox.counters.byMethod.GET).toBe(6);
		expect(JSON.parse(JSON.stringify(trigger.staticData))).toEqual(stateBefore);

		take.mockRestore();
		expect(ids((await trigger.poll()) ?? []).sort()).toEqual(created.sort());
		expect(await trigger.poll()).toBeNull();
	});

	it.each(['abc', '0x10', '1e1', '-1', '91'])(
		'refuses a look-back of %j (not a plain number of days up to 90), and sends nothing',
		async (given) => {
			const parameters = {
				event: 'referralUpdated',
				filters: {},
				options: { lookbackDays: `={{ ${JSON.stringify(given)} }}` },
			};
			const polled = env.session.poll(parameters, {});
			await expect(polled).rejects.toThrow(
				'Include Changes From the Last (Days) must be a number of days from 0 to 90',
			);
			await expect(polled).rejects.toMatchObject({
				description: expect.stringContaining(JSON.stringify(given)),
			});
			expect(env.session.sandbox.counters.requests).toBe(0);
		},
	);
});
