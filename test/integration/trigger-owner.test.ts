/**
 * The trigger knows whose state it holds (issue 25, point 10). n8n keeps a node's static data
 * under the node's name, also after the node is deleted: a new trigger given the same name
 * finds the old state. It must start over as at activation (nothing old fires, one log line,
 * `triggerNotice` on the next fired items), while a re-activation of the same node keeps the
 * catch-up of what changed while it was inactive. Through n8n's PollContext, against the
 * sandbox on a simulated clock.
 */
import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { setUpContainer } from '../../dev/harness/container';
import { ids, json, useSimulatedClockSandbox } from './helpers';

const START = Date.parse('2026-10-05T09:00:00.000Z');
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const STATE_KEY = 'node:Partner Center Referral Trigger';

const env = useSimulatedClockSandbox(START, { referralCount: 30, pageSize: 10 });
const { clock } = env;

const UPDATED: INodeParameters = { event: 'referralUpdated', filters: {} };

/** One poll `minutes` after the last, of the trigger node `nodeId`, on `staticData`. */
async function poll(
	nodeId: string,
	staticData: IDataObject,
	parameters: INodeParameters = UPDATED,
	minutes = 1,
) {
	clock.ms += minutes * MINUTE;
	const { items } = await env.session.poll(parameters, staticData, { nodeId });
	return items;
}

/** A trigger that ran a while, then stopped (deleted or deactivated); `count` referrals then changed over 20 days. */
async function leftBehind(count: number, parameters: INodeParameters = UPDATED) {
	const staticData: IDataObject = {};
	expect(await poll('node-a', staticData, parameters, 0)).toBeNull();
	expect(await poll('node-a', staticData, parameters)).toBeNull();
	const changed = env.session.sandbox.referrals
		.all()
		.slice(1, 1 + count)
		.map((referral) => {
			clock.ms += 4 * DAY;
			return env.session.sandbox.referrals.update(referral.id, {
				details: { notes: 'Changed while the trigger was gone.' },
			}).id;
		});
	return { staticData, changed };
}

function logWarnings() {
	setUpContainer();
	return jest.spyOn(Container.get(Logger), 'warn');
}

describe('Partner Center Referral Trigger: a state left by another trigger node of the same name', () => {
	it('a new trigger given the same name fires nothing old, says so once, and in the next fired items', async () => {
		const { staticData, changed } = await leftBehind(5);
		const warn = logWarnings();

		// the new node (another id, the same name) finds the old state: no flood of the 5 changes
		expect(await poll('node-b', staticData)).toBeNull();
		expect(warn).toHaveBeenCalledTimes(1);
		expect(warn.mock.calls[0][0]).toContain('made for another trigger node of the same name');
		expect(await poll('node-b', staticData)).toBeNull();

		env.session.sandbox.referrals.update(changed[0], { details: { notes: 'After the new one.' } });
		const fired = await poll('node-b', staticData);
		expect(json(fired ?? [])).toEqual([
			expect.objectContaining({
				id: changed[0],
				triggerNotice: expect.stringContaining('another trigger node of the same name'),
			}),
		]);
		env.session.sandbox.referrals.update(changed[0], { details: { notes: 'And again.' } });
		const next = await poll('node-b', staticData);
		expect(ids(next ?? [])).toEqual([changed[0]]);
		expect(next?.[0].json).not.toHaveProperty('triggerNotice');
		expect(warn).toHaveBeenCalledTimes(1);
	});

	it('a re-activation of the same node keeps the catch-up: what changed while it was inactive fires once', async () => {
		const { staticData, changed } = await leftBehind(3);
		const warn = logWarnings();
		expect(ids((await poll('node-a', staticData)) ?? []).sort()).toEqual([...changed].sort());
		expect(await poll('node-a', staticData)).toBeNull();
		expect(warn).not.toHaveBeenCalled();
	});

	it('a state saved before states knew their node counts as this node once, and is then stamped', async () => {
		const { staticData, changed } = await leftBehind(2);
		const state = (staticData[STATE_KEY] as IDataObject).referrals as IDataObject;
		delete state.owner; // as saved by the previous version
		const warn = logWarnings();
		expect(ids((await poll('node-b', staticData)) ?? []).sort()).toEqual([...changed].sort());
		expect(warn).not.toHaveBeenCalled();
		// now it is node-b's: another node of the same name starts over
		clock.ms += 10 * DAY;
		env.session.sandbox.referrals.update(changed[0], { details: { notes: 'Later.' } });
		expect(await poll('node-c', staticData)).toBeNull();
		expect(warn).toHaveBeenCalledTimes(1);
	});

	it.each<[string, INodeParameters, string]>([
		[
			'another event',
			{ event: 'statusChanged', filters: {} },
			'Trigger On "Referral Updated", not "Status Changed"',
		],
		[
			'other filters',
			{ event: 'referralUpdated', filters: { direction: 'Incoming' } },
			'other filters',
		],
	])(
		'the same node with %s starts over as at activation (no catch-up of the old settings)',
		async (_what, parameters, why) => {
			const { staticData } = await leftBehind(3);
			const warn = logWarnings();
			expect(await poll('node-a', staticData, parameters)).toBeNull();
			expect(warn).toHaveBeenCalledTimes(1);
			expect(warn.mock.calls[0][0]).toContain(why);
			expect(await poll('node-a', staticData, parameters)).toBeNull();
			expect(warn).toHaveBeenCalledTimes(1);
		},
	);
});
