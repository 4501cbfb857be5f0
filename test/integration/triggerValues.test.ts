/**
 * "To Statuses" of the trigger in the shapes an expression or an AI agent gives it (a text, a
 * comma-separated text, a JSON array text, any case), polling the sandbox as an activated
 * workflow does. Before, any text failed every poll with "targets.some is not a function".
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { ids, incomingReferral, useSimulatedClockSandbox } from './helpers';

const MINUTE = 60_000;

const env = useSimulatedClockSandbox(Date.parse('2026-03-02T09:00:00.000Z'), {
	referralCount: 5,
	pageSize: 10,
});
const { clock } = env;

async function activate(parameters: INodeParameters) {
	const staticData: IDataObject = {};
	const poll = async () => {
		clock.ms += MINUTE;
		return (await env.session.poll(parameters, staticData)).items;
	};
	await poll();
	return poll;
}

describe('Trigger "To Statuses" from an expression', () => {
	it.each<[string, string, Array<'won' | 'lost'>]>([
		['a substatus alone as text', '={{ "Won" }}', ['won']],
		['a status/substatus text in lower case', '={{ "closed/won" }}', ['won']],
		['a comma-separated text', '={{ "Won, closed / LOST" }}', ['won', 'lost']],
		['a JSON array as text', '={{ \'["Closed/Lost"]\' }}', ['lost']],
		['a list in any case', '={{ ["CLOSED"] }}', ['won', 'lost']],
	])('reads %s and fires only the moves it names', async (_label, statuses, expected) => {
		const poll = await activate({
			event: 'statusChanged',
			statuses,
			filters: { direction: 'Incoming' },
		});
		const won = env.session.sandbox.referrals.create(
			incomingReferral({ status: 'Active', substatus: 'Accepted' }),
		);
		const lost = env.session.sandbox.referrals.create(
			incomingReferral({ status: 'Active', substatus: 'Accepted' }),
		);
		const stays = env.session.sandbox.referrals.create(incomingReferral());
		expect(await poll()).toBeNull();

		clock.ms += MINUTE;
		env.session.sandbox.referrals.update(won.id, { status: 'Closed', substatus: 'Won' });
		env.session.sandbox.referrals.update(lost.id, { status: 'Closed', substatus: 'Lost' });
		env.session.sandbox.referrals.update(stays.id, { status: 'Active', substatus: 'Accepted' });
		const byName = { won: won.id, lost: lost.id };
		expect(ids((await poll()) ?? []).sort()).toEqual(expected.map((name) => byName[name]).sort());
		expect(await poll()).toBeNull();
	});

	it('refuses a value that is not a status on the first poll, listing the allowed ones, and lists nothing', async () => {
		const failure = await env.session
			.poll({ event: 'statusChanged', statuses: '={{ "Signed" }}', filters: {} }, {})
			.then(
				() => undefined,
				(error: Error & { description?: string }) => error,
			);
		expect(failure?.message).toBe('The field "To Statuses" has an invalid value: "Signed"');
		expect(failure?.description).toContain(
			'Closed/Won, Closed/Lost, Closed/Declined, Closed/Expired (any case; also Pending, Received, Accepted, Won, Lost, Declined, Expired alone)',
		);
		expect(env.session.sandbox.counters.byMethod.GET ?? 0).toBe(0);
	});
});
