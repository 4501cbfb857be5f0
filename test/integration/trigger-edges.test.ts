/**
 * @jest-environment ./test/timeZoneEnvironment.js
 *
 * The Partner Center Referral Trigger at the edges a real n8n instance meets: a server in
 * another time zone, a service that writes no status stamps and drops the `Z` of its stamps,
 * restarts from the static data n8n saved at the last poll that fired, damaged static data,
 * two polls at once, an id that comes back in another letter case, and Fetch Test Event with
 * To Statuses. Over real HTTP to the sandbox, through n8n's PollContext, on a simulated clock.
 */
import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { setUpContainer } from '../../dev/harness/container';
import { expiredBetween, ids, incomingReferral, json, useSimulatedClockSandbox } from './helpers';

declare const setProcessTimeZone: (zone: string) => void;

const START = Date.parse('2026-11-30T09:00:00.000Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const STATE_KEY = 'node:Partner Center Referral Trigger';

const env = useSimulatedClockSandbox(START, { referralCount: 30, pageSize: 10 });
const { clock } = env;

afterEach(() => setProcessTimeZone('UTC'));

/** An activated trigger: its static data, and a poll that runs `minutes` later than the last. */
async function activate(parameters: INodeParameters, staticData: IDataObject = {}) {
	const poll = async (minutes = 1) => {
		clock.ms += minutes * MINUTE;
		const { items } = await env.session.poll(parameters, staticData);
		return items;
	};
	const first = await poll(0);
	return { staticData, poll, first };
}

/** A referral that existed a month before activation (without status stamps). */
function existing(fields: IDataObject = {}) {
	const monthAgo = new Date(clock.ms - 30 * DAY).toISOString();
	return env.session.sandbox.referrals.create(
		incomingReferral({ createdDateTime: monthAgo, updatedDateTime: monthAgo, ...fields }),
	);
}

/** Whether a stamp says its own zone (so that no later node reads it as the server's local time). */
const zoned = (value: unknown) => typeof value === 'string' && /(Z|[+-]\d{2}:\d{2})$/.test(value);

describe.each(['Europe/Berlin', 'Asia/Kolkata', 'America/Los_Angeles'])(
	'Partner Center Referral Trigger on a server in %s, with stamps that carry no zone',
	(zone) => {
		beforeEach(() => {
			setProcessTimeZone(zone);
			env.session.sandbox.responses.zonelessTimestamps = true;
			env.session.sandbox.responses.omitStatusStamps = true;
		});

		it('fires a new referral once, and never again over the next ten hours', async () => {
			// the sandbox really answers without a zone, and this process really is in another one
			expect(new Date('2026-12-01T10:00:00').getTime()).not.toBe(Date.UTC(2026, 11, 1, 10));
			const trigger = await activate({
				event: 'referralCreated',
				filters: { direction: 'Incoming' },
			});
			clock.ms += MINUTE;
			const created = env.session.sandbox.referrals.create(
				incomingReferral({ name: 'Created after activation' }),
			);
			const createdAt = clock.ms;

			const fired = await trigger.poll();
			expect(ids(fired ?? [])).toEqual([created.id]);
			// read as UTC, and said so in the item
			expect(zoned(fired?.[0].json.createdDateTime)).toBe(true);
			expect(Date.parse(String(fired?.[0].json.createdDateTime))).toBe(createdAt);
			for (const minutes of [1, 30, ...Array<number>(10).fill(60)])
				expect(await trigger.poll(minutes)).toBeNull();
		});

		it('fires Active/Accepted -> Closed/Won of a referral that existed before activation, once', async () => {
			const active = existing({ status: 'Active', substatus: 'Accepted' });
			const trigger = await activate({ event: 'statusChanged', filters: {} });
			clock.ms += MINUTE;
			env.session.sandbox.referrals.update(active.id, {
				status: 'Closed',
				substatus: 'Won',
				statusReason: 'Signed',
			});

			expect(json((await trigger.poll()) ?? [])).toEqual([
				expect.objectContaining({
					id: active.id,
					status: 'Closed',
					substatus: 'Won',
					previousStatus: 'Active',
					previousSubstatus: 'Accepted',
				}),
			]);
			for (const minutes of [1, 30, ...Array<number>(10).fill(60)])
				expect(await trigger.poll(minutes)).toBeNull();
		});
	},
);

describe('Partner Center Referral Trigger: Status Changed with a service that stamps no acceptedDateTime or closedDateTime', () => {
	beforeEach(() => {
		env.session.sandbox.responses.omitStatusStamps = true;
	});

	it.each([
		['Active', 'Accepted', 'Closed', 'Won'],
		['New', 'Pending', 'Active', 'Accepted'],
		['New', 'Received', 'Closed', 'Declined'],
	])(
		'fires %s/%s -> %s/%s of a referral that existed before activation, once',
		async (status, substatus, toStatus, toSubstatus) => {
			const referral = existing({ status, substatus });
			const trigger = await activate({
				event: 'statusChanged',
				filters: { direction: 'Incoming' },
			});
			clock.ms += MINUTE;
			env.session.sandbox.referrals.update(referral.id, {
				status: toStatus,
				substatus: toSubstatus,
			});

			expect(json((await trigger.poll()) ?? [])).toEqual([
				expect.objectContaining({
					id: referral.id,
					status: toStatus,
					substatus: toSubstatus,
					previousStatus: status,
					previousSubstatus: substatus,
				}),
			]);
			// nothing fires again; only what the sandbox itself expired meanwhile, if anything
			for (const minutes of [1, 10]) {
				const from = clock.ms;
				const fired = await trigger.poll(minutes);
				const expired = expiredBetween(env.session.sandbox, from, clock.ms);
				expect(fired === null ? [] : ids(fired)).toEqual(expired.map((referral) => referral.id));
			}
		},
	);

	it('fires only To Statuses, and a later move of the same referral again', async () => {
		const won = existing({ status: 'Active', substatus: 'Accepted' });
		const lost = existing({ status: 'Active', substatus: 'Accepted' });
		const pending = existing();
		const trigger = await activate({
			event: 'statusChanged',
			statuses: ['Closed/Won', 'Active'],
			filters: {},
		});
		clock.ms += MINUTE;
		env.session.sandbox.referrals.update(won.id, { status: 'Closed', substatus: 'Won' });
		env.session.sandbox.referrals.update(lost.id, { status: 'Closed', substatus: 'Lost' });
		env.session.sandbox.referrals.update(pending.id, { details: { notes: 'Only the notes.' } });
		expect(ids((await trigger.poll()) ?? [])).toEqual([won.id]);

		clock.ms += MINUTE;
		env.session.sandbox.referrals.update(pending.id, { status: 'Active', substatus: 'Accepted' });
		expect(json((await trigger.poll()) ?? [])).toEqual([
			expect.objectContaining({ id: pending.id, previousStatus: 'New' }),
		]);
		expect(await trigger.poll(10)).toBeNull();
	});

	it('keeps its status memory in static data, one short entry per referral that can still move', async () => {
		const trigger = await activate({ event: 'statusChanged', filters: {} });
		const state = (trigger.staticData[STATE_KEY] as IDataObject).referrals as IDataObject;
		const open = Object.values(env.session.sandbox.referrals.all()).filter(
			(referral) => referral.status !== 'Closed',
		);
		expect(Object.keys(state.open as IDataObject).sort()).toEqual(
			open.map((referral) => referral.id.toLowerCase()).sort(),
		);
	});
});

/**
 * One story of changes and polls, run as n8n runs it: the static data is saved only when a
 * poll fires, and after the first poll of an activation (n8n's ActiveWorkflowManager.add()
 * ends with saveStaticData, in 1.123 and 2.41). A restart (after the polls in `restartAfter`)
 * resumes from the last saved state, on a server in another time zone, with an activation.
 * Returns every fired item as "id previous -> status".
 */
async function story(restartAfter: number[]): Promise<{ fired: string[]; expected: string[] }> {
	env.session.sandbox.responses.omitStatusStamps = true;
	env.session.sandbox.responses.zonelessTimestamps = true;
	const p1 = existing({ status: 'Active', substatus: 'Accepted' });
	const p2 = existing();
	const p3 = existing({ status: 'Active', substatus: 'Accepted' });
	const p4 = existing({ status: 'New', substatus: 'Received' });
	const parameters = {
		event: 'statusChanged',
		statuses: ['Closed/Won', 'Active'],
		filters: { direction: 'Incoming' },
	};
	const update = (id: string, changes: IDataObject) =>
		env.session.sandbox.referrals.update(id, changes);
	let created = '';
	const steps: Array<() => void> = [
		() => update(p1.id, { details: { notes: 'Only the notes.' } }),
		() => update(p2.id, { status: 'Active', substatus: 'Accepted' }),
		() => {
			update(p3.id, { status: 'Closed', substatus: 'Lost' });
			update(p2.id, { details: { notes: 'Accepted, now the notes.' } });
		},
		() => update(p1.id, { status: 'Closed', substatus: 'Won' }),
		() => {
			created = env.session.sandbox.referrals.create(
				incomingReferral({ name: 'New in the story' }),
			).id;
		},
		() => update(created, { status: 'Active', substatus: 'Accepted' }),
		() => update(p4.id, { status: 'Closed', substatus: 'Declined' }),
		() => update(p2.id, { status: 'Closed', substatus: 'Won' }),
		() => update(created, { status: 'Closed', substatus: 'Lost' }),
		() => {},
	];
	const expected = () => [
		`${p2.id} New/Pending -> Active/Accepted`,
		`${p1.id} Active/Accepted -> Closed/Won`,
		// created after the state saved last and moved after a restart: its status before is not known
		`${created} ${restartAfter.includes(4) ? 'null/null' : 'New/Pending'} -> Active/Accepted`,
		`${p2.id} Active/Accepted -> Closed/Won`,
	];

	let staticData: IDataObject = {};
	let saved = '{}';
	const fired: string[] = [];
	const pollOnce = async (activation: boolean) => {
		const { items } = await env.session.poll(parameters, staticData);
		for (const { json: item } of items ?? []) {
			fired.push(
				`${String(item.id)} ${String(item.previousStatus)}/${String(item.previousSubstatus)} -> ${String(item.status)}/${String(item.substatus)}`,
			);
		}
		if (items || activation) saved = JSON.stringify(staticData);
	};

	await pollOnce(true);
	let restarted = false;
	let zone = 0;
	for (const [index, step] of steps.entries()) {
		clock.ms += MINUTE;
		step();
		clock.ms += MINUTE;
		await pollOnce(restarted);
		restarted = restartAfter.includes(index);
		if (restarted) {
			// a crash: the next poll runs on the state saved last, on another server
			staticData = JSON.parse(saved) as IDataObject;
			setProcessTimeZone(['Asia/Kolkata', 'America/Los_Angeles'][zone++ % 2]);
		}
	}
	return { fired: fired.sort(), expected: expected().sort() };
}

describe('Partner Center Referral Trigger: restarts from the static data n8n saved at the last poll that fired', () => {
	it.each([
		[[]],
		[[0]],
		[[2]],
		[[3]],
		[[4, 5]],
		[[6]],
		[[8]],
		[[0, 2, 4, 6, 8]],
		[[1, 3, 5, 7, 9]],
	])(
		'fires every change of the story exactly once, restarting after the polls %j',
		async (restartAfter) => {
			const { fired, expected } = await story(restartAfter);
			expect(fired).toEqual(expected);
		},
	);
});

/** The same for New Referral: creations fire, the updates between them fire nothing (and are not saved). */
async function creationStory(
	restartAfter: number[],
): Promise<{ fired: string[]; expected: string[] }> {
	env.session.sandbox.responses.zonelessTimestamps = true;
	const parameters = { event: 'referralCreated', filters: { direction: 'Incoming' } };
	const created: string[] = [];
	const create = () => created.push(env.session.sandbox.referrals.create(incomingReferral()).id);
	const update = (index: number) =>
		env.session.sandbox.referrals.update(created[index], {
			details: { notes: `Edited at ${clock.ms}` },
		});
	const steps: Array<() => void> = [
		create,
		() => update(0),
		() => {
			create();
			update(0);
		},
		() => update(1),
		() => update(1),
		create,
		() => {
			update(2);
			create();
		},
		() => update(3),
	];
	let staticData: IDataObject = {};
	let saved = '{}';
	const fired: string[] = [];
	const pollOnce = async (activation: boolean) => {
		const { items } = await env.session.poll(parameters, staticData);
		fired.push(...ids(items ?? []));
		if (items || activation) saved = JSON.stringify(staticData);
	};
	await pollOnce(true);
	let restarted = false;
	let zone = 0;
	for (const [index, step] of steps.entries()) {
		clock.ms += MINUTE;
		step();
		clock.ms += 2 * MINUTE;
		await pollOnce(restarted);
		restarted = restartAfter.includes(index);
		if (restarted) {
			staticData = JSON.parse(saved) as IDataObject;
			setProcessTimeZone(['Europe/Berlin', 'America/Los_Angeles'][zone++ % 2]);
		}
	}
	return { fired: fired.sort(), expected: [...created].sort() };
}

describe('Partner Center Referral Trigger: New Referral across restarts', () => {
	it.each([[[]], [[1]], [[3, 4]], [[1, 3, 5, 7]], [[0, 2, 4, 6]]])(
		'fires every new referral of the story exactly once, restarting after the polls %j',
		async (restartAfter) => {
			const { fired, expected } = await creationStory(restartAfter);
			expect(fired).toEqual(expected);
		},
	);
});

describe('Partner Center Referral Trigger: damaged or unknown static data', () => {
	const damaged: Array<[string, unknown]> = [
		['an unknown version', { version: 99, from: '2026-01-01T00:00:00Z', seen: {} }],
		['a window start that is not a time', { version: 3, from: 'yesterday', seen: {} }],
		[
			'a truncated entry',
			{ version: 3, from: '2026-01-01T00:00:00Z', seen: { abc: [1767225600000, 'x'] } },
		],
		['seen of the wrong type', { version: 2, from: '2026-01-01T00:00:00Z', seen: 'abc' }],
		[
			'a status memory of the wrong type',
			{ version: 3, from: '2026-01-01T00:00:00Z', seen: {}, open: [1, 2] },
		],
		['a text', 'referrals'],
	];

	it.each(damaged)(
		'with %s, starts over as at activation (nothing old fires), says so once, and in the next fired items',
		async (_what, state) => {
			setUpContainer();
			const warn = jest.spyOn(Container.get(Logger), 'warn');
			const [, old] = env.session.sandbox.referrals.all();
			env.session.sandbox.referrals.update(old.id, {
				details: { notes: 'Changed before the restart.' },
			});
			clock.ms += MINUTE;

			const trigger = await activate(
				{ event: 'referralUpdated', filters: {} },
				{ [STATE_KEY]: { referrals: state } },
			);
			expect(trigger.first).toBeNull();
			expect(warn).toHaveBeenCalledTimes(1);
			expect(warn.mock.calls[0][0]).toContain("The trigger's saved state could not be read");
			expect(await trigger.poll()).toBeNull();

			env.session.sandbox.referrals.update(old.id, {
				details: { notes: 'Changed after the restart.' },
			});
			const fired = await trigger.poll();
			expect(json(fired ?? [])).toEqual([
				expect.objectContaining({
					id: old.id,
					triggerNotice: expect.stringContaining('started over'),
				}),
			]);

			env.session.sandbox.referrals.update(old.id, { details: { notes: 'And again.' } });
			const next = await trigger.poll();
			expect(ids(next ?? [])).toEqual([old.id]);
			expect(next?.[0].json).not.toHaveProperty('triggerNotice');
			expect(warn).toHaveBeenCalledTimes(1);
		},
	);

	it('reads the state of the previous version (2) without a gap, and builds the status memory', async () => {
		const active = existing({ status: 'Active', substatus: 'Accepted' });
		const trigger = await activate({ event: 'statusChanged', filters: {} });
		const state = (trigger.staticData[STATE_KEY] as IDataObject).referrals as IDataObject;
		// as version 2 saved it: no status memory
		(trigger.staticData[STATE_KEY] as IDataObject).referrals = {
			version: 2,
			from: state.from,
			seen: state.seen,
		};
		expect(await trigger.poll()).toBeNull();

		env.session.sandbox.referrals.update(active.id, { status: 'Closed', substatus: 'Won' });
		expect(json((await trigger.poll()) ?? [])).toEqual([
			expect.objectContaining({ id: active.id, previousStatus: 'Active' }),
		]);
	});
});

describe('Partner Center Referral Trigger: two polls at once, ids in another case', () => {
	it('fires a change once when two polls of the same trigger run at once (the second yields)', async () => {
		const trigger = await activate({
			event: 'referralCreated',
			filters: { direction: 'Incoming' },
		});
		clock.ms += MINUTE;
		const created = env.session.sandbox.referrals.create(incomingReferral());
		clock.ms += MINUTE;
		env.session.sandbox.faults.latencyMs = 40;
		const parameters = { event: 'referralCreated', filters: { direction: 'Incoming' } };
		const both = await Promise.all([
			env.session.poll(parameters, trigger.staticData),
			env.session.poll(parameters, trigger.staticData),
		]);
		expect(both.flatMap(({ items }) => ids(items ?? []))).toEqual([created.id]);
		env.session.sandbox.faults.latencyMs = 0;
		expect(await trigger.poll()).toBeNull();
	});

	it('does not fire again for a referral whose id comes back in upper case', async () => {
		const trigger = await activate({
			event: 'referralCreated',
			filters: { direction: 'Incoming' },
		});
		clock.ms += MINUTE;
		const created = env.session.sandbox.referrals.create(incomingReferral());
		expect(ids((await trigger.poll()) ?? [])).toEqual([created.id]);

		env.session.sandbox.responses.upperCaseIds = true;
		expect(await trigger.poll()).toBeNull();
		expect(await trigger.poll(2)).toBeNull();
	});

	it('knows the previous status of a referral whose id comes back in upper case', async () => {
		env.session.sandbox.responses.omitStatusStamps = true;
		const active = existing({ status: 'Active', substatus: 'Accepted' });
		const trigger = await activate({ event: 'statusChanged', filters: {} });
		env.session.sandbox.responses.upperCaseIds = true;
		clock.ms += MINUTE;
		env.session.sandbox.referrals.update(active.id, { status: 'Closed', substatus: 'Won' });
		expect(json((await trigger.poll()) ?? [])).toEqual([
			expect.objectContaining({
				id: active.id.toUpperCase(),
				previousStatus: 'Active',
				previousSubstatus: 'Accepted',
			}),
		]);
		expect(await trigger.poll()).toBeNull();
	});
});

describe('Partner Center Referral Trigger: Fetch Test Event applies the filters of the active trigger', () => {
	it('returns the most recent referral in To Statuses, not the most recent of all', async () => {
		const won = existing({ status: 'Active', substatus: 'Accepted' });
		const other = existing();
		clock.ms += MINUTE;
		env.session.sandbox.referrals.update(won.id, { status: 'Closed', substatus: 'Won' });
		clock.ms += MINUTE;
		env.session.sandbox.referrals.update(other.id, {
			details: { notes: 'The most recent change of all.' },
		});

		const { items } = await env.session.poll(
			{ event: 'statusChanged', statuses: ['Closed/Won'], filters: {} },
			{},
			{ mode: 'manual' },
		);
		expect(json(items ?? [])).toEqual([
			expect.objectContaining({
				id: won.id,
				status: 'Closed',
				substatus: 'Won',
				event: 'statusChanged',
			}),
		]);
	});

	it('says so when no referral is in To Statuses', async () => {
		// a To Status (one of the options) that no referral of the sandbox has
		const target = 'New/Received';
		for (const referral of env.session.sandbox.referrals.all()) {
			if (referral.status === 'New' && referral.substatus === 'Received')
				env.session.sandbox.referrals.update(referral.id, { substatus: 'Pending' });
		}
		const polled = env.session.poll(
			{ event: 'statusChanged', statuses: [target], filters: {} },
			{},
			{ mode: 'manual' },
		);
		await expect(polled).rejects.toThrow('No referral matches this trigger yet');
		await expect(polled).rejects.toMatchObject({
			description: expect.stringContaining(`To Statuses (${target})`),
		});
	});
});
