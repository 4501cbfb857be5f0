/**
 * The Partner Center Referral Trigger against the sandbox over real HTTP, poll after poll
 * with one static-data object, as an activated workflow runs it. One clock drives both the
 * sandbox's timestamps and the trigger's `timing.now()`.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { timing } from '../../nodes/PartnerCenterReferral/transport';
import type { SandboxSession } from './helpers';
import { ids, incomingReferral, json, openSandbox, sortedBy } from './helpers';

const START = Date.parse('2026-03-02T09:00:00.000Z');
const MINUTE = 60_000;

let clock = START;
let session: SandboxSession;

beforeAll(async () => {
	// tokens outlive the simulated days the tests run over; expiry is tested on purpose below
	session = await openSandbox({ referralCount: 60, pageSize: 10, now: () => new Date(clock), tokenLifetimeSeconds: 90 * 86_400 });
});
afterAll(async () => {
	await session.close();
});
beforeEach(() => {
	session.sandbox.resetFaults();
	session.sandbox.resetCounters();
	jest.spyOn(timing, 'now').mockImplementation(() => clock);
	jest.spyOn(timing, 'sleep').mockResolvedValue();
	// every test starts on its own stretch of time, after everything earlier tests wrote
	clock += 24 * 60 * MINUTE;
});
afterEach(() => {
	jest.restoreAllMocks();
});

const STATE_KEY = 'node:Partner Center Referral Trigger';

/** An activated trigger: its static data, and a poll that runs `minutes` later than the last. */
async function activate(parameters: INodeParameters) {
	const staticData: IDataObject = {};
	const poll = async (minutes = 1) => {
		clock += minutes * MINUTE;
		const { items } = await session.poll(parameters, staticData);
		return items;
	};
	const first = await poll(0);
	return { staticData, poll, first };
}

describe('Partner Center Referral Trigger (polling the sandbox)', () => {
	it('starts from now: the first poll fires nothing and remembers where it is', async () => {
		const { first, staticData } = await activate({ event: 'referralUpdated', filters: {} });
		expect(first).toBeNull();
		expect(staticData[STATE_KEY]).toEqual({ referrals: { from: new Date(clock).toISOString(), seen: {} } });
		expect(session.sandbox.counters.requests).toBe(0);
	});

	it('with "Include Changes From the Last (Days)", the first poll also fires what changed that many days before', async () => {
		const [, earlier, later] = session.sandbox.referrals.all();
		session.sandbox.referrals.update(earlier.id, { details: { notes: 'Changed two days before.' } });
		clock += 2 * 24 * 60 * MINUTE;
		session.sandbox.referrals.update(later.id, { details: { notes: 'Changed an hour before.' } });
		clock += 60 * MINUTE;

		const { first } = await activate({ event: 'referralUpdated', filters: {}, options: { lookbackDays: 1 } });
		// the update two days and an hour ago is outside the day looked back at
		expect(ids(first ?? [])).toEqual([later.id]);
		expect(session.sandbox.counters.byMethod.GET).toBe(1);
	});

	it('fires each new incoming referral once for referralCreated, across pages, and nothing twice', async () => {
		const trigger = await activate({ event: 'referralCreated', filters: { direction: 'Incoming' } });

		clock += MINUTE;
		const created = Array.from({ length: 12 }, (_, n) =>
			session.sandbox.referrals.create(incomingReferral({ name: `Lead ${n}` })),
		);
		session.sandbox.referrals.create(incomingReferral({ direction: 'Outgoing', name: 'Sent by us' }));

		const fired = await trigger.poll();
		// all created at the same instant: the service orders them by id, so compare as sets
		expect(ids(fired ?? []).sort()).toEqual(created.map((referral) => referral.id).sort());
		expect(new Set(json(fired ?? []).map((item) => item.event))).toEqual(new Set(['referralCreated']));
		expect(fired?.[0].json).toMatchObject({
			customerName: 'Tailwind Traders',
			status: 'New',
			substatus: 'Pending',
			previousStatus: null,
			previousSubstatus: null,
		});
		expect(session.sandbox.counters.byMethod.GET).toBe(2); // 12 matches, pages of 10

		// still inside the look-back overlap: listed again, not fired again
		expect(await trigger.poll()).toBeNull();
		// an update of one of them is not a creation
		session.sandbox.referrals.update(created[0].id, { details: { notes: 'Called the customer.' } });
		expect(await trigger.poll()).toBeNull();

		clock += MINUTE;
		const later = session.sandbox.referrals.create(incomingReferral({ name: 'Lead 12' }));
		expect(ids((await trigger.poll()) ?? [])).toEqual([later.id]);
		expect(await trigger.poll(10)).toBeNull();
	});

	it('fires an update once for referralUpdated, and not a creation', async () => {
		const [, existing] = session.sandbox.referrals.all();
		const trigger = await activate({ event: 'referralUpdated', filters: {} });

		clock += MINUTE;
		session.sandbox.referrals.update(existing.id, { details: { notes: 'New requirements from the customer.' } });
		session.sandbox.referrals.create(incomingReferral());

		const fired = await trigger.poll();
		expect(ids(fired ?? [])).toEqual([existing.id]);
		expect(fired?.[0].json).toMatchObject({
			event: 'referralUpdated',
			notes: 'New requirements from the customer.',
			previousStatus: null,
		});
		expect(await trigger.poll()).toBeNull();

		clock += MINUTE;
		session.sandbox.referrals.update(existing.id, { details: { dealValue: 99000 } });
		const again = await trigger.poll();
		expect(ids(again ?? [])).toEqual([existing.id]);
		expect(again?.[0].json.dealValue).toBe(99000);
		expect(await trigger.poll()).toBeNull();
	});

	it('fires a status change with the previous status for statusChanged, and ignores other updates', async () => {
		const trigger = await activate({ event: 'statusChanged', filters: { direction: 'Incoming' } });

		clock += MINUTE;
		const referral = session.sandbox.referrals.create(incomingReferral());
		expect(await trigger.poll()).toBeNull(); // a creation is not a status change; now it is known as New/Pending

		clock += MINUTE;
		session.sandbox.referrals.update(referral.id, { details: { notes: 'Still thinking.' } });
		expect(await trigger.poll()).toBeNull();

		clock += MINUTE;
		session.sandbox.referrals.update(referral.id, {
			status: 'Active',
			substatus: 'Accepted',
			acceptedDateTime: new Date(clock).toISOString(),
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

		clock += MINUTE;
		session.sandbox.referrals.update(referral.id, { status: 'Closed', substatus: 'Won', statusReason: 'Signed' });
		expect(json((await trigger.poll()) ?? [])).toEqual([
			expect.objectContaining({ id: referral.id, status: 'Closed', substatus: 'Won', previousStatus: 'Active', previousSubstatus: 'Accepted' }),
		]);
	});

	it('fires only the target statuses chosen in "To Statuses"', async () => {
		const trigger = await activate({ event: 'statusChanged', statuses: ['Closed/Won'], filters: { direction: 'Incoming' } });
		clock += MINUTE;
		const won = session.sandbox.referrals.create(incomingReferral({ status: 'Active', substatus: 'Accepted' }));
		const lost = session.sandbox.referrals.create(incomingReferral({ status: 'Active', substatus: 'Accepted' }));
		expect(await trigger.poll()).toBeNull();

		clock += MINUTE;
		session.sandbox.referrals.update(won.id, { status: 'Closed', substatus: 'Won' });
		session.sandbox.referrals.update(lost.id, { status: 'Closed', substatus: 'Lost' });
		expect(ids((await trigger.poll()) ?? [])).toEqual([won.id]);
		expect(await trigger.poll()).toBeNull();
	});

	it('loses nothing when a poll fails: the next successful poll delivers the change', async () => {
		const trigger = await activate({ event: 'referralCreated', filters: { direction: 'Incoming' } });
		const stateBefore: unknown = JSON.parse(JSON.stringify(trigger.staticData));

		clock += MINUTE;
		const referral = session.sandbox.referrals.create(incomingReferral());
		session.sandbox.faults.failNext(5, 503);
		await expect(trigger.poll()).rejects.toThrow('Partner Center is unavailable (503) after 5 attempts');
		expect(JSON.parse(JSON.stringify(trigger.staticData))).toEqual(stateBefore);

		expect(ids((await trigger.poll(5)) ?? [])).toEqual([referral.id]);
		expect(await trigger.poll()).toBeNull();
	});

	it('keeps polling through an access-token expiry: n8n refreshes the token and the change arrives', async () => {
		const trigger = await activate({ event: 'referralCreated', filters: { direction: 'Incoming' } });
		clock += MINUTE;
		const referral = session.sandbox.referrals.create(incomingReferral());
		session.sandbox.expireAccessTokens();
		const oldToken = session.accessToken;

		expect(ids((await trigger.poll()) ?? [])).toEqual([referral.id]);
		expect(session.sandbox.counters.tokenRequests).toBe(1);
		expect(session.accessToken).not.toBe(oldToken);
		expect(await trigger.poll()).toBeNull();
		expect(session.sandbox.counters.tokenRequests).toBe(1);
	});

	it('in manual mode ("Fetch Test Event") returns the most recent matching referral and leaves the state alone', async () => {
		const staticData: IDataObject = {};
		const newestIncoming = sortedBy(
			session.sandbox.referrals.all().filter((referral) => referral.direction === 'Incoming'),
			'createdDateTime',
			true,
		)[0];

		const { items } = await session.poll({ event: 'referralCreated', filters: { direction: 'Incoming' } }, staticData, {
			mode: 'manual',
		});

		expect(json(items ?? [])).toEqual([
			expect.objectContaining({ id: newestIncoming.id, event: 'referralCreated', previousStatus: null }),
		]);
		expect(staticData).toEqual({});
	});

	it('in manual mode fails clearly when nothing matches', async () => {
		await expect(
			session.poll({ event: 'referralUpdated', filters: { customerCountry: 'ZZ' } }, {}, { mode: 'manual' }),
		).rejects.toThrow('No referral matches this trigger yet');
	});
});
