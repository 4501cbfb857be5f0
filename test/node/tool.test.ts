/**
 * The node as an AI model's tool (AI Agent, MCP Server Trigger), through n8n-core: n8n's tool
 * wrapper of the node, n8n-core's createNodeAsTool and tool invocation (dev/harness runTool).
 * What the model receives: the tools' descriptions and argument schemas, their answers (capped
 * in size), and their errors; and how blank arguments are read.
 */
import nock from 'nock';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { operations } from '../../nodes/PartnerCenterReferral/actions/router';
import { EXAMPLE_REFERRAL_ID } from '../../nodes/PartnerCenterReferral/shared/constants';
import { SIMPLIFIED_FIELDS } from '../../nodes/PartnerCenterReferral/shared/simplify';
import { COMPACT_KEYS, TOOL_MAX_REFERRALS } from '../../nodes/PartnerCenterReferral/shared/tool';
import { runTool } from '../../dev/harness';
import { API, guid, REFERRALS, referral, runOptions } from '../fixtures';
import { flat, listPage, useNock, watchRequests } from './helpers';

useNock();

const fromAI = (key: string, description: string, type = 'string') =>
	`={{ $fromAI('${key}', '${description}', '${type}') }}`;
const referralIdArgument = {
	__rl: true,
	mode: 'id',
	value: fromAI('referralId', 'The referral id'),
};

async function callTool(parameters: INodeParameters, calls: IDataObject[], name = 'Referrals') {
	const { tool } = await runTool(
		{
			type: 'partnerCenterReferral',
			name,
			parameters: { resource: 'referral', ...parameters },
			calls,
		},
		runOptions(),
	);
	return tool;
}

/** Answers every list request with the referrals `from`..`from+count-1`, `$top` at most, recording `$top`. */
function listService(count: number, tops: string[] = []): void {
	const all = Array.from({ length: count }, (_, index) => referral(guid(index + 1)));
	nock(API)
		.persist()
		.get(REFERRALS)
		.query(true)
		.reply((uri) => {
			const top = new URL(uri, API).searchParams.get('$top') ?? '';
			tops.push(top);
			return [200, listPage(all.slice(0, top === '' ? all.length : Number(top)))];
		});
}

const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

describe('Tool descriptions: what the model is told', () => {
	it.each(Object.keys(operations))(
		'%s: the operation’s own text, not n8n’s "<action> in Partner Center Referral"',
		async (operation) => {
			const tool = await callTool({ operation }, []);
			expect(tool.description).toBe(operations[operation].toolDescription);
			expect(tool.description).not.toMatch(/ in Partner Center Referral$/);
			// a model must never see an id it could take for a real one
			expect(tool.description).not.toMatch(GUID);
			expect(tool.description).not.toContain('{{');
		},
	);

	it('Get says what comes back and what an id is', async () => {
		const tool = await callTool({ operation: 'get', referralId: referralIdArgument }, []);
		expect(tool.name).toBe('Referrals');
		expect(tool.description).toContain('by its id');
		expect(tool.description).toContain('A referral id is a GUID: 32 hexadecimal digits');
		expect(tool.description).toContain('"id" of a referral that a Partner Center Referral tool');
		for (const field of ['status', 'dealValue', 'currency', 'eTag'])
			expect(tool.description).toContain(field);
	});

	it('Get Many says the order, the fields, the cap and how to narrow', async () => {
		const tool = await callTool({ operation: 'getMany' }, []);
		expect(tool.description).toContain('most recently updated first');
		expect(tool.description).toContain('dealValue (a number)');
		expect(tool.description).toContain(`at most ${TOOL_MAX_REFERRALS} referrals`);
		expect(tool.description).toContain("narrow the request with this tool's filters");
		expect(tool.description).toContain('Reads only');
	});

	it('the writes say they write, and what cannot be undone', async () => {
		expect((await callTool({ operation: 'create' }, [])).description).toContain('never retried');
		for (const operation of ['accept', 'decline', 'markWon', 'markLost'])
			expect((await callTool({ operation }, [])).description).toContain('Closed is final');
	});

	it('a tool saved before this version: "Set Automatically" gets the text, one written by hand stays', async () => {
		const auto = await callTool({ operation: 'getMany', descriptionType: 'auto' }, []);
		expect(auto.description).toBe(operations.getMany.toolDescription);
		const manual = await callTool(
			{ operation: 'getMany', descriptionType: 'manual', toolDescription: 'My deals' },
			[],
		);
		expect(manual.description).toBe('My deals');
	});

	it('a description the user wrote is what the model gets', async () => {
		const tool = await callTool({ operation: 'get', toolDescription: 'Look up a deal' }, []);
		expect(tool.description).toBe('Look up a deal');
	});

	it('the arguments are the $fromAI keys, with their types and descriptions', async () => {
		const tool = await callTool(
			{
				operation: 'getMany',
				limit: fromAI('limit', 'How many referrals', 'number'),
				filters: { status: fromAI('status', 'Statuses, comma-separated; empty for any') },
			},
			[],
		);
		expect(tool.inputSchema).toEqual({
			type: 'object',
			properties: {
				limit: { type: 'number', description: 'How many referrals' },
				status: { type: 'string', description: 'Statuses, comma-separated; empty for any' },
			},
			required: ['limit', 'status'],
			additionalProperties: true,
			$schema: 'http://json-schema.org/draft-07/schema#',
		});
	});
});

describe('Tool errors: what the model is told', () => {
	it('a referral id that is not a GUID: the argument’s name, what an id is, where to get one; nothing sent', async () => {
		const sent = watchRequests();
		const tool = await callTool({ operation: 'get', referralId: referralIdArgument }, [
			{ referralId: 'referral-42' },
		]);
		expect(sent()).toEqual([]);
		expect(tool.answers).toEqual([
			{
				isError: true,
				text:
					'Error: The argument "referralId" is not a referral id (it is "referral-42")\n\nDetails: ' +
					'A referral id is a GUID: 32 hexadecimal digits in groups of 8, 4, 4, 4 and 12, separated by dashes. ' +
					'Use the "id" of a referral that a Partner Center Referral tool returned (Get Many lists referrals with their ids); ' +
					'never make one up. Nothing was sent to Partner Center.',
			},
		]);
		// no example id to copy, no editor advice
		expect(tool.answers[0].text).not.toContain(EXAMPLE_REFERRAL_ID);
		expect(tool.answers[0].text).not.toMatch(GUID);
		expect(tool.answers[0].text).not.toContain('{{');
		expect(tool.answers[0].text).not.toContain('parameter');
	});

	it('an empty referral id says so in the same words', async () => {
		const tool = await callTool({ operation: 'getRelated', referralId: referralIdArgument }, [
			{ referralId: ' ' },
		]);
		expect(tool.answers[0].text).toMatch(
			/^Error: The argument "referralId" is not a referral id \(it is empty\)\n\nDetails: A referral id is a GUID/,
		);
	});

	it('a Limit of 0: the argument’s name and what it takes, no "Return All"; nothing sent', async () => {
		const sent = watchRequests();
		const tool = await callTool(
			{ operation: 'getMany', limit: fromAI('limit', 'How many referrals', 'number') },
			[{ limit: 0 }],
		);
		expect(sent()).toEqual([]);
		expect(tool.answers).toEqual([
			{
				isError: true,
				text:
					'Error: The argument "limit" has an invalid value: 0\n\nDetails: "limit" expects a whole number of 1 or more, ' +
					`the most referrals to return (one call returns at most ${TOOL_MAX_REFERRALS}; leave it empty for up to ${TOOL_MAX_REFERRALS}). ` +
					'Nothing was sent to Partner Center.',
			},
		]);
	});

	it('a filter value: the argument’s name and the values it takes', async () => {
		const tool = await callTool(
			{ operation: 'getMany', filters: { status: fromAI('statuses', 'Statuses') } },
			[{ statuses: 'Open' }],
		);
		expect(tool.answers[0].text).toMatch(
			/^Error: The argument "statuses" has an invalid value: "Open"\n\nDetails: "statuses" expects one or more of: None, New, Active, Closed/,
		);
	});

	it('a date: what the model can send, no expression advice', async () => {
		const tool = await callTool(
			{ operation: 'getMany', filters: { updatedAfter: fromAI('since', 'Updated since') } },
			[{ since: 'last week' }],
		);
		expect(tool.answers[0].text).toBe(
			'Error: The argument "since" has an invalid value: "last week"\n\nDetails: "since" expects a date and time as ISO 8601 text: ' +
				"a date (YYYY-MM-DD) or a date and time (YYYY-MM-DDThh:mm:ssZ, in UTC with the Z; without it, in the workflow's time zone). " +
				'Nothing was sent to Partner Center.',
		);
	});

	it('a referral that does not exist: Partner Center’s 404, as the node says it', async () => {
		nock(API)
			.get(`${REFERRALS}/${guid(9)}`)
			.reply(404, { message: 'not found' });
		const tool = await callTool({ operation: 'get', referralId: referralIdArgument }, [
			{ referralId: guid(9) },
		]);
		expect(tool.answers[0]).toEqual({
			isError: true,
			text: expect.stringMatching(new RegExp(`^Error: Referral ${guid(9)} was not found`)),
		});
	});
});

describe('Tool answers: sized for a model', () => {
	it(`Get Many without a limit of its own: at most ${TOOL_MAX_REFERRALS}, compact, then a note that more exist`, async () => {
		const tops: string[] = [];
		listService(60, tops);
		const tool = await callTool({ operation: 'getMany', returnAll: true }, [{}]);
		const answer = JSON.parse(tool.answers[0].text) as IDataObject[];
		expect(answer).toHaveLength(TOOL_MAX_REFERRALS + 1);
		expect(answer.slice(0, -1).map((entry) => entry.id)).toEqual(
			Array.from({ length: TOOL_MAX_REFERRALS }, (_, index) => guid(index + 1)),
		);
		for (const entry of answer.slice(0, -1)) expect(Object.keys(entry)).toEqual([...COMPACT_KEYS]);
		expect(answer.at(-1)).toEqual({
			note: expect.stringContaining(
				`More referrals match than this answer holds: it lists the first ${TOOL_MAX_REFERRALS}`,
			),
		});
		// one more than it answers with is asked for, to know whether more exist
		expect(tops).toEqual([String(TOOL_MAX_REFERRALS + 1)]);
	});

	it('a Limit above the cap: capped the same way', async () => {
		listService(60);
		const tool = await callTool(
			{ operation: 'getMany', limit: fromAI('limit', 'How many', 'number') },
			[{ limit: 500 }],
		);
		const answer = JSON.parse(tool.answers[0].text) as IDataObject[];
		expect(answer).toHaveLength(TOOL_MAX_REFERRALS + 1);
		expect(answer.at(-1)).toHaveProperty('note');
	});

	it('a Limit within the cap: that many, no note', async () => {
		const tops: string[] = [];
		listService(60, tops);
		const tool = await callTool(
			{ operation: 'getMany', limit: fromAI('limit', 'How many', 'number') },
			[{ limit: 3 }],
		);
		const answer = JSON.parse(tool.answers[0].text) as IDataObject[];
		expect(answer.map((entry) => entry.id)).toEqual([guid(1), guid(2), guid(3)]);
		expect(tops).toEqual(['3']);
	});

	it(`exactly ${TOOL_MAX_REFERRALS} referrals: all of them, no note`, async () => {
		listService(TOOL_MAX_REFERRALS);
		const tool = await callTool({ operation: 'getMany', returnAll: true }, [{}]);
		expect(JSON.parse(tool.answers[0].text)).toHaveLength(TOOL_MAX_REFERRALS);
	});

	it('Fields for the Model "All": every simplified field', async () => {
		listService(2);
		const tool = await callTool({ operation: 'getMany', toolFields: 'all', limit: 2 }, [{}]);
		expect(JSON.parse(tool.answers[0].text)).toEqual([flat(guid(1)), flat(guid(2))]);
	});

	it('Get answers every simplified field by default', async () => {
		nock(API)
			.get(`${REFERRALS}/${guid(1)}`)
			.reply(200, referral(guid(1)));
		const tool = await callTool({ operation: 'get', referralId: referralIdArgument }, [
			{ referralId: guid(1) },
		]);
		expect(tool.answers).toEqual([{ isError: false, text: JSON.stringify([flat(guid(1))]) }]);
	});

	it('the compact fields are simplified fields, about a third of the text', () => {
		const keys = SIMPLIFIED_FIELDS.map((field) => field.key);
		for (const key of COMPACT_KEYS) expect(keys).toContain(key);
		const full = JSON.stringify(flat(guid(1))).length;
		const compact = JSON.stringify(
			Object.fromEntries(COMPACT_KEYS.map((key) => [key, flat(guid(1))[key]])),
		).length;
		expect(compact / full).toBeLessThan(0.5);
	});
});

describe('Blank arguments: "not set"', () => {
	it('Get Many with empty filter arguments and an empty Limit: no filter, up to the cap', async () => {
		const queries: IDataObject[] = [];
		nock(API)
			.get(REFERRALS)
			.query((query) => {
				queries.push({ ...query });
				return true;
			})
			.reply(200, listPage([referral(guid(1))]));
		const tool = await callTool(
			{
				operation: 'getMany',
				returnAll: fromAI('all', 'Whether to list all', 'string'),
				limit: '',
				filters: {
					status: fromAI('status', 'Statuses; empty for any'),
					customerCountry: fromAI('country', 'Two-letter country; empty for any'),
				},
			},
			[{ all: '', status: '', country: ' ' }],
		);
		expect(tool.answers[0].isError).toBe(false);
		expect(queries).toEqual([
			{ $orderby: 'updatedDateTime desc', $top: String(TOOL_MAX_REFERRALS + 1) },
		]);
	});
});
