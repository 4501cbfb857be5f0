/**
 * The Partner Center Referral Trigger against bulk changes: thousands of referrals inside one
 * poll window, poll after poll with one static-data object, as an activated workflow runs it
 * (through n8n's PollContext, over real HTTP to the sandbox, 100 referrals a page).
 */
import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { MAX_REMEMBERED, MAX_WINDOW } from '../../nodes/PartnerCenterReferral/trigger/changes';
import { setUpContainer } from '../../dev/harness/container';
import { ids, incomingReferral, useSimulatedClockSandbox } from './helpers';

const START = Date.parse('2026-04-06T09:00:00.000Z');
const MINUTE = 60_000;
const STATE_KEY = 'node:Partner Center Referral Trigger';
/** Listing 10,000 referrals a few times takes seconds, more on a busy machine. */
const BURST_TEST_TIMEOUT_MS = 120_000;

const env = useSimulatedClockSandbox(START, { referralCount: 20, pageSize: 100 });
const { clock } = env;

async function activate(parameters: INodeParameters) {
	const staticData: IDataObject = {};
	const poll = async (minutes: number) => {
		clock.ms += minutes * MINUTE;
		return (await env.session.poll(parameters, staticData)).items ?? [];
	};
	await poll(0);
	const seen = () =>
		Object.keys(
			((staticData[STATE_KEY] as IDataObject).referrals as IDataObject).seen as IDataObject,
		).length;
	return { poll, seen };
}

/** `count` incoming referrals created within one minute; their ids. */
function burst(count: number): string[] {
	const created: string[] = [];
	const started = clock.ms;
	for (let n = 0; n < count; n++) {
		clock.ms = started + Math.floor((n * MINUTE) / count);
		created.push(env.session.sandbox.referrals.create(incomingReferral({ name: `Bulk ${n}` })).id);
	}
	clock.ms = started + MINUTE;
	return created;
}

/** What each poll fires, for polls `minutes` apart. */
async function firedOver(
	poll: (minutes: number) => Promise<Array<{ json: IDataObject }>>,
	minutes: number[],
) {
	const perPoll: string[][] = [];
	for (const gap of minutes) perPoll.push(ids(await poll(gap)));
	return perPoll;
}

describe('Partner Center Referral Trigger: bulk changes', () => {
	it.each([2_100, 10_000])(
		'fires a burst of %i new referrals exactly once over the next polls, then lists nothing more',
		async (count) => {
			const trigger = await activate({ event: 'referralCreated', filters: {} });
			clock.ms += MINUTE;
			const created = burst(count);

			// the next polls list the burst again (it is inside their window) and fire none of it
			const gaps = count > MAX_REMEMBERED * 2 ? [1, 2, 10] : [1, 1, 1, 2, 5, 10];
			const perPoll = await firedOver(trigger.poll, gaps);
			const fired = perPoll.flat();
			expect(perPoll.map((poll) => poll.length)).toEqual([count, ...gaps.slice(1).map(() => 0)]);
			expect(new Set(fired)).toEqual(new Set(created));

			// the window has passed: a quiet poll is one request, and the state is back to its bound
			env.session.sandbox.resetCounters();
			expect(await trigger.poll(1)).toEqual([]);
			expect(env.session.sandbox.counters.byMethod.GET).toBe(1);
			expect(trigger.seen()).toBeLessThanOrEqual(MAX_REMEMBERED);
		},
		BURST_TEST_TIMEOUT_MS,
	);

	it(
		'says so in the log when more changes are inside the window than it remembers, and fires none twice',
		async () => {
			setUpContainer();
			const warn = jest.spyOn(Container.get(Logger), 'warn');
			const trigger = await activate({ event: 'referralCreated', filters: {} });
			clock.ms += MINUTE;
			const count = MAX_WINDOW + 150;
			const created = burst(count);

			const perPoll = await firedOver(trigger.poll, [1, 10]);
			expect(perPoll.map((poll) => poll.length)).toEqual([count, 0]);
			expect(new Set(perPoll.flat())).toEqual(new Set(created));
			expect(trigger.seen()).toBeLessThanOrEqual(MAX_WINDOW);
			expect(warn).toHaveBeenCalledTimes(1);
			expect(warn.mock.calls[0][0]).toContain(
				`${count} referral changes are inside the poll window, more than the ${MAX_WINDOW} it remembers`,
			);
		},
		BURST_TEST_TIMEOUT_MS,
	);
});
