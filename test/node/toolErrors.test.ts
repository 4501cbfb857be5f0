/**
 * Every kind of error a model can get from the node as its tool (dev/harness runTool, n8n's
 * engine running the node as n8n's AI Agent and MCP Server Trigger do): a value the model
 * sent, a value fixed in the tool, a refused status move and Partner Center's failures. Each
 * says what was wrong in words that stand alone, names the model's argument, and gives no
 * editor advice and no example value a model could take for real data; the last test scans
 * every error text these tests produced for the editor's words.
 */
import nock from 'nock';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import {
	ETAG_CHANGED_FOR_MODEL,
	REFERRAL_ID_FOR_MODEL,
} from '../../nodes/PartnerCenterReferral/shared/tool';
import { runTool } from '../../dev/harness';
import { API, guid, LOGIN, REFERRALS, referral, runOptions, TOKEN_PATH } from '../fixtures';
import { useNock, watchRequests } from './helpers';

useNock();

const fromAI = (key: string, type = 'string') =>
	`={{ $fromAI('${key}', 'The ${key}', '${type}') }}`;
const referralIdArgument = { __rl: true, mode: 'id', value: fromAI('referralId') };

/**
 * Every error text a model got in this file, with the values it sent itself and the ids of the
 * referrals Partner Center answered with (real data, not examples) taken out.
 */
const seen: string[] = [];

/** Calls the tool once with `args` and returns its error text (fails when the call did not fail). */
async function toolError(parameters: INodeParameters, args: IDataObject): Promise<string> {
	const { tool } = await runTool(
		{
			type: 'partnerCenterReferral',
			name: 'Referrals',
			parameters: { resource: 'referral', ...parameters },
			calls: [args],
		},
		runOptions(),
	);
	expect(tool.answers[0].isError).toBe(true);
	const { text } = tool.answers[0];
	const real = [
		...Object.values(args).map(String),
		...Array.from({ length: 9 }, (_, n) => guid(n + 1)),
	];
	seen.push(
		real.reduce((rest, value) => (value === '' ? rest : rest.split(value).join('<sent>')), text),
	);
	return text;
}

describe('a value the model sent: its argument, what it takes, no example to copy', () => {
	it('an eTag that is a header line: what an eTag is and where it comes from, no {{ $json.eTag }}', async () => {
		const sent = watchRequests();
		const text = await toolError(
			{ operation: 'accept', referralId: referralIdArgument, options: { eTag: fromAI('etag') } },
			{ referralId: guid(1), etag: 'If-Match: "etag-1"' },
		);
		expect(sent()).toEqual([]);
		expect(text).toContain('The argument "etag" has an invalid value');
		expect(text).toContain(
			`"etag" expects the referral's eTag exactly as a Partner Center Referral tool returned it in the referral's "eTag" field`,
		);
	});

	it('an empty eTag: refused, in words for the model', async () => {
		const text = await toolError(
			{ operation: 'accept', referralId: referralIdArgument, options: { eTag: fromAI('etag') } },
			{ referralId: guid(1), etag: '' },
		);
		expect(text).toMatch(/^Error: The argument "etag" has an invalid value: ""/);
		expect(text).toContain('Empty, the change would not be guarded');
	});

	it('an engagement id that is not a GUID: what a GUID is, no example GUID', async () => {
		const text = await toolError(
			{ operation: 'getMany', filters: { engagementId: fromAI('engagement') } },
			{ engagement: 'deal-7' },
		);
		expect(text).toContain('"engagement" expects a GUID: 32 hexadecimal digits');
	});

	it('an email address: no example address', async () => {
		const text = await toolError(
			{
				operation: 'update',
				referralId: referralIdArgument,
				updateFields: { teamMembersToAdd: { member: [{ email: fromAI('email') }] } },
			},
			{ referralId: guid(1), email: 'jane' },
		);
		expect(text).toContain('The argument "email" has an invalid value: "jane"');
		expect(text).toContain('an email address for every person (name@domain)');
		expect(text).not.toContain('contoso');
	});

	it('a deal value: no example amount', async () => {
		const text = await toolError(
			{
				operation: 'update',
				referralId: referralIdArgument,
				updateFields: { dealValue: fromAI('value') },
			},
			{ referralId: guid(1), value: '25,000 USD' },
		);
		expect(text).toContain('"value" expects a number of zero or more: digits');
		expect(text).not.toContain('25000');
	});

	it('a switch: true or false, no expression advice', async () => {
		const text = await toolError(
			{ operation: 'getMany', returnAll: fromAI('all') },
			{ all: 'yes' },
		);
		expect(text).toContain('"all" expects true or false (or the text "true" or "false")');
	});

	it('a custom filter: the OData rule, no example', async () => {
		const text = await toolError(
			{ operation: 'getMany', filters: { customFilter: fromAI('filter') } },
			{ filter: "name eq 'x" },
		);
		expect(text).toContain('"filter" expects an OData filter expression');
		expect(text).not.toContain('dealValue ge');
	});

	it('Update with every field empty: what is missing, no "Add Field"', async () => {
		const text = await toolError(
			{
				operation: 'update',
				referralId: referralIdArgument,
				updateFields: { name: fromAI('name') },
			},
			{ referralId: guid(1), name: '' },
		);
		expect(text).toContain('at least one field to change: every value this call gave was empty');
	});

	it('Create shared with Microsoft as a private deal: no setting named by its editor name', async () => {
		const text = await toolError(
			{
				operation: 'create',
				type: 'Shared',
				customerName: 'Fabrikam',
				customerCountry: 'US',
				additionalFields: { shareWithMicrosoft: fromAI('share', 'boolean'), privateDeal: true },
			},
			{ share: true },
		);
		expect(text).toContain('The argument "share" has an invalid value: true');
		expect(text).toContain('expects the referral not to be a private deal');
	});
});

describe('a value fixed in the tool: the model is told it cannot change it', () => {
	it('a Limit of 0 set in the tool: its setting, not an argument; calling again fails the same way', async () => {
		const text = await toolError({ operation: 'getMany', limit: 0 }, {});
		expect(text).toBe(
			`Error: This tool's setting "Limit" has an invalid value: 0\n\nDetails: "Limit" expects a whole number of 1 or more, the most referrals to return (one call returns at most 25; leave it empty for up to 25). It is fixed in this tool, not one of its arguments, so calling again fails the same way until the tool is set up again. Nothing was sent to Partner Center.`,
		);
	});
	it('a referral id set in the tool: its setting, not an argument', async () => {
		const text = await toolError(
			{ operation: 'get', referralId: { __rl: true, mode: 'id', value: 'referral-42' } },
			{},
		);
		expect(text).toMatch(
			/^Error: This tool's setting "Referral" is not a referral id \(it is "referral-42"\)\n\nDetails: A referral id is a GUID/,
		);
		expect(text).toContain('calling again fails the same way');
	});

	it('a Timeout set in the tool: its setting, no "remove the option"', async () => {
		const text = await toolError({ operation: 'getMany', options: { timeout: 0 } }, {});
		expect(text).toBe(
			`Error: This tool's setting "Timeout (Seconds)" has an invalid value: 0\n\nDetails: "Timeout (Seconds)" expects a number of seconds from 1 to 600 (empty for 60). It is fixed in this tool, not one of its arguments, so calling again fails the same way until the tool is set up again. Nothing was sent to Partner Center.`,
		);
	});
});

describe('a refused status move', () => {
	it('the referral changed since its eTag was read: read it again, no option names', async () => {
		nock(API)
			.get(`${REFERRALS}/${guid(1)}`)
			.reply(200, referral(guid(1), { status: 'New', substatus: 'Pending', eTag: '"etag-now"' }));
		const text = await toolError(
			{ operation: 'accept', referralId: referralIdArgument, options: { eTag: fromAI('etag') } },
			{ referralId: guid(1), etag: '"etag-then"' },
		);
		expect(text).toContain(`Nothing was sent. ${ETAG_CHANGED_FOR_MODEL}`);
	});
});

describe("Partner Center's failures: advice a model can act on", () => {
	it('404: no referral with this id, what an id is; no "Check the referral ID"', async () => {
		nock(API)
			.get(`${REFERRALS}/${guid(9)}`)
			.reply(404, { message: 'not found' });
		const text = await toolError(
			{ operation: 'get', referralId: referralIdArgument },
			{ referralId: guid(9) },
		);
		expect(text).toBe(
			`Error: Referral ${guid(9)} was not found\n\nDetails: No referral with this id is visible to this tool: it does not exist, or the signed-in user may not see it. ${REFERRAL_ID_FOR_MODEL}`,
		);
	});

	it('412 on Update: read the referral again; no "Only Update If Unchanged"', async () => {
		nock(API)
			.patch(`${REFERRALS}/${guid(1)}`)
			.reply(412, { error: { code: 'PreconditionFailed' } });
		const text = await toolError(
			{
				operation: 'update',
				referralId: referralIdArgument,
				updateFields: { notes: fromAI('notes') },
				options: { eTag: fromAI('etag') },
			},
			{ referralId: guid(1), notes: 'Called the customer', etag: '"etag-then"' },
		);
		expect(text).toContain('(eTag mismatch, 412)');
		expect(text).toContain(
			`The referral changed since its eTag was read. ${ETAG_CHANGED_FOR_MODEL}`,
		);
		expect(text).not.toContain('Only Update If Unchanged');
	});

	it('403: the person who set up the tool must fix it; no credential screen', async () => {
		nock(API)
			.get(`${REFERRALS}/${guid(1)}`)
			.reply(403, {});
		const text = await toolError(
			{ operation: 'get', referralId: referralIdArgument },
			{ referralId: guid(1) },
		);
		expect(text).toContain('must be fixed by the person who set up the tool');
		expect(text).not.toContain('User management');
		expect(text).not.toContain('API permissions');
	});

	it("401 after a renewed sign-in: the same, no app registration's screen", async () => {
		nock(API)
			.get(`${REFERRALS}/${guid(1)}`)
			.reply(401, {});
		const refresh = nock(LOGIN).post(TOKEN_PATH).reply(200, {
			token_type: 'Bearer',
			access_token: 'fresh',
			refresh_token: 'r2',
			expires_in: 3600,
		});
		nock(API)
			.get(`${REFERRALS}/${guid(1)}`)
			.reply(401, {});
		const text = await toolError(
			{ operation: 'get', referralId: referralIdArgument },
			{ referralId: guid(1) },
		);
		expect(refresh.isDone()).toBe(true);
		expect(text).toContain('Partner Center refused the access token (401)');
		expect(text).toContain('must be fixed by the person who set up the tool');
		expect(text).not.toContain('App registrations');
	});

	it('400: what Partner Center said, no "node\'s parameters"', async () => {
		nock(API)
			.patch(`${REFERRALS}/${guid(1)}`)
			.reply(400, { error: { code: 'InvalidInput', message: 'Notes are too long' } });
		const text = await toolError(
			{
				operation: 'update',
				referralId: referralIdArgument,
				updateFields: { notes: fromAI('notes') },
			},
			{ referralId: guid(1), notes: 'Long notes' },
		);
		expect(text).toContain('Partner Center refused the values this call sent as invalid');
		expect(text).toContain('Partner Center said: InvalidInput: Notes are too long.');
	});

	it('a Get that times out or fails on the service side: try again later, no options to raise', async () => {
		nock(API)
			.persist()
			.get(`${REFERRALS}/${guid(1)}`)
			.reply(503, {});
		const text = await toolError(
			{ operation: 'get', referralId: referralIdArgument, options: { timeout: 1 } },
			{ referralId: guid(1) },
		);
		expect(text).toContain('this is not caused by the arguments. Try again later');
		expect(text).not.toContain('Timeout (Seconds)');
	});

	it('a create that may have happened: never "try again"; check first', async () => {
		nock(API).post(REFERRALS).reply(500, {});
		const text = await toolError(
			{
				operation: 'create',
				type: 'Independent',
				customerName: fromAI('customer'),
				customerCountry: 'US',
			},
			{ customer: 'Fabrikam' },
		);
		expect(text).toContain('The change may or may not have been made');
		expect(text).toContain('Do not call again before checking');
		expect(text).not.toMatch(/try again|re-running|Custom Filter/i);
	});
});

describe("Partner Center's answers that cannot be used: not the arguments' fault", () => {
	it('Get answered with another referral: try again later, no API Base URL', async () => {
		nock(API)
			.get(`${REFERRALS}/${guid(1)}`)
			.reply(200, referral(guid(2)));
		const text = await toolError(
			{ operation: 'get', referralId: referralIdArgument },
			{ referralId: guid(1) },
		);
		expect(text).toContain(`Partner Center returned referral ${guid(2)} when asked for ${guid(1)}`);
		expect(text).toContain("Partner Center's answer could not be used");
		expect(text).not.toContain('API Base URL');
	});

	it('an update made whose referral could not be read afterwards: made, do not call again', async () => {
		nock(API)
			.patch(`${REFERRALS}/${guid(1)}`)
			.reply(204);
		nock(API)
			.persist()
			.get(`${REFERRALS}/${guid(1)}`)
			.reply(503, {});
		const text = await toolError(
			{
				operation: 'update',
				referralId: referralIdArgument,
				updateFields: { notes: fromAI('notes') },
			},
			{ referralId: guid(1), notes: 'Called the customer' },
		);
		expect(text).toContain('The change was made (Partner Center accepted it)');
		expect(text).toContain('Do not call again');
		expect(text).not.toMatch(/try again/i);
	});

	it('a create answered without the referral: it was created, do not call again', async () => {
		nock(API).post(REFERRALS).reply(201, {});
		const text = await toolError(
			{
				operation: 'create',
				type: 'Independent',
				customerName: fromAI('customer'),
				customerCountry: 'US',
			},
			{ customer: 'Fabrikam' },
		);
		expect(text).toContain('The change was made, but its answer was lost: do not call again');
		expect(text).toContain('after a create, list the newest referrals');
		expect(text).not.toMatch(/may or may not|re-running|Custom Filter|Get Many/i);
	});
});

describe('the guard', () => {
	it('no tool error above has editor advice or an id-shaped example', () => {
		expect(seen.length).toBeGreaterThanOrEqual(20);
		for (const text of seen) {
			expect(text).not.toContain('{{');
			expect(text).not.toContain('$json');
			expect(text).not.toMatch(/parameter/i);
			expect(text).not.toMatch(/turn on/i);
			expect(text).not.toMatch(/Continue On Fail/i);
			expect(text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i);
		}
	});
});
