/**
 * Values in the shapes expressions and AI agents give them (docs/value-shapes.md), through
 * n8n's engine: multi-option and enum parameters, switches, the eTag, and a status given
 * without its substatus. Anything refused names the parameter and sends nothing.
 */
import nock from 'nock';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { runPoll } from '../../dev/harness';
import { timing } from '../../nodes/PartnerCenterReferral/shared/timing';
import { API, byId, guid, REFERRALS, referral, runOptions, runReferral } from '../fixtures';
import type { RecordedRequest } from './helpers';
import {
	createParameters,
	flat,
	interceptList,
	listPage,
	recordAndReply,
	useNock,
	watchRequests,
} from './helpers';

useNock();

const getMany = (filters: INodeParameters, extra: INodeParameters = {}): INodeParameters => ({
	operation: 'getMany',
	filters,
	...extra,
});

describe('Multi-option and enum filters of Get Many: a list, a comma-separated text or a JSON array text, any case', () => {
	it.each<[string, INodeParameters, string]>([
		[
			'a status in lower case (what an AI agent sends)',
			{ status: '={{ "active" }}' },
			"status eq 'Active'",
		],
		[
			'a comma-separated text',
			{ status: '={{ "New,Active" }}' },
			"(status eq 'New' or status eq 'Active')",
		],
		[
			'a comma-separated text with spaces and a trailing comma',
			{ status: '={{ " new , ACTIVE, " }}' },
			"(status eq 'New' or status eq 'Active')",
		],
		[
			'a JSON array as text',
			{ substatus: '={{ \'["won", "Lost"]\' }}' },
			"(substatus eq 'Won' or substatus eq 'Lost')",
		],
		[
			'a list from an expression, any case, repeated once',
			{ substatus: '={{ ["WON", "won", "expired"] }}' },
			"(substatus eq 'Won' or substatus eq 'Expired')",
		],
		['a list set in the UI', { status: ['Closed'] }, "status eq 'Closed'"],
		['a type in lower case', { type: '={{ "shared" }}' }, "type eq 'Shared'"],
		[
			'a qualification by its label',
			{ qualification: '={{ "Sales Qualified" }}' },
			"qualification eq 'SalesQualified'",
		],
		['a direction in upper case', { direction: '={{ "OUTGOING" }}' }, "direction eq 'Outgoing'"],
	])('reads %s as the documented value', async (_label, filters, expected) => {
		const queries: IDataObject[] = [];
		interceptList(queries, 200, listPage([referral(guid(1))]));
		const { items, error } = await runReferral(getMany(filters));
		expect(error).toBeUndefined();
		expect(queries).toEqual([{ $filter: expected, $orderby: 'updatedDateTime desc', $top: '50' }]);
		expect(items).toHaveLength(1);
	});

	it.each<[string, INodeParameters, string, string]>([
		[
			'a status that is not one',
			{ status: '={{ "Open" }}' },
			'Status',
			'None, New, Active, Closed',
		],
		[
			'a list with one unknown entry',
			{ status: '={{ "New,Opened" }}' },
			'Status',
			'None, New, Active, Closed',
		],
		[
			'a JSON array text that does not parse',
			{ substatus: '={{ \'["Won",\' }}' },
			'Substatus',
			'None, Pending, Received, Accepted, Won, Lost, Declined, Expired',
		],
		['a JSON array text of numbers', { substatus: '={{ "[1, 2]" }}' }, 'Substatus', 'Won'],
		['an object', { status: '={{ ({ status: "New" }) }}' }, 'Status', 'Active'],
		['a type that is not one', { type: '={{ "Partner" }}' }, 'Type', 'Independent, Shared'],
		[
			'a quote trying to widen the filter',
			{ type: '={{ "Shared\' or type eq \'Independent" }}' },
			'Type',
			'Independent, Shared',
		],
		[
			'a direction that is not one',
			{ direction: '={{ "Inbound" }}' },
			'Direction',
			'Incoming, Outgoing',
		],
	])(
		'refuses %s, naming the filter and the allowed values, and sends nothing',
		async (_label, filters, name, allowed) => {
			const sent = watchRequests();
			const { items, error } = await runReferral(getMany(filters));
			expect(items).toEqual([]);
			expect(error?.name).toBe('NodeOperationError');
			expect(error?.message).toMatch(new RegExp(`^The filter "${name}" has an invalid value: `));
			expect(error?.description).toContain(allowed);
			expect(error?.description).toContain('Nothing was sent to Partner Center.');
			expect(sent()).toEqual([]);
		},
	);

	it('reads the Sort option without case, and refuses a sort that is not one', async () => {
		const queries: IDataObject[] = [];
		interceptList(queries, 200, listPage([]));
		const { error } = await runReferral(
			getMany({}, { options: { sort: '={{ "CreatedDateTime ASC" }}' } }),
		);
		expect(error).toBeUndefined();
		expect(queries).toEqual([{ $orderby: 'createdDateTime asc', $top: '50' }]);

		const sent = watchRequests();
		const refused = await runReferral(getMany({}, { options: { sort: '={{ "name desc" }}' } }));
		expect(refused.error?.message).toBe('The field "Sort" has an invalid value: "name desc"');
		expect(refused.error?.description).toContain('createdDateTime desc');
		expect(sent()).toEqual([]);
	});
});

describe('Enum fields of Create and Update match without case', () => {
	it('Create sends the Type and Qualification given in lower case in their documented spelling', async () => {
		const bodies: RecordedRequest[] = [];
		nock(API)
			.post(REFERRALS)
			.reply(recordAndReply(bodies, 201, referral(guid(3))));
		const { error } = await runReferral(
			createParameters(
				{ type: '={{ "independent" }}' },
				{ qualification: '={{ "marketingqualified" }}' },
			),
		);
		expect(error).toBeUndefined();
		expect(bodies[0].body).toMatchObject({
			type: 'Independent',
			qualification: 'MarketingQualified',
		});
	});
});

describe('Id lists of Create (Product IDs, Solution IDs): the same list shapes', () => {
	it.each<[string, string]>([
		['a list', '={{ ["Microsoft365", " Azure "] }}'],
		['a JSON array text', '={{ \'["Microsoft365","Azure"]\' }}'],
		['a comma-separated text', '={{ "Microsoft365, Azure," }}'],
	])('reads Product IDs given as %s', async (_label, products) => {
		const bodies: RecordedRequest[] = [];
		nock(API)
			.post(REFERRALS)
			.reply(recordAndReply(bodies, 201, referral(guid(3))));
		const { error } = await runReferral(createParameters({}, { products }));
		expect(error).toBeUndefined();
		expect(bodies[0].body).toMatchObject({
			details: { requirements: { products: [{ id: 'Microsoft365' }, { id: 'Azure' }] } },
		});
	});

	it('refuses Product IDs given as an object, naming the field, and sends nothing', async () => {
		const sent = watchRequests();
		const { error } = await runReferral(
			createParameters({}, { products: '={{ ({ id: "Azure" }) }}' }),
		);
		expect(error?.message).toBe('The field "Product IDs" has an invalid value: {"id":"Azure"}');
		expect(sent()).toEqual([]);
	});
});

describe('Trigger: multi-option filters and switches from expressions', () => {
	const START = Date.parse('2026-03-02T09:00:00.000Z');

	beforeEach(() => {
		jest.spyOn(timing, 'now').mockReturnValue(START);
	});

	const poll = async (parameters: INodeParameters, staticData: IDataObject = {}) =>
		await runPoll({ type: 'partnerCenterReferralTrigger', parameters, staticData }, runOptions());

	it('sends the Status filter given as lower-case comma-separated text in its documented spelling', async () => {
		const queries: IDataObject[] = [];
		interceptList(queries, 200, listPage([]));
		await poll({
			event: 'referralUpdated',
			filters: { status: '={{ "new, active" }}', type: '={{ "shared" }}' },
		});
		expect(queries[0].$filter).toMatch(
			/ and \(\(status eq 'New' or status eq 'Active'\) and type eq 'Shared'\)$/,
		);
	});

	it.each<[string, INodeParameters, string, string]>([
		[
			'To Statuses that is not a status',
			{ event: 'statusChanged', statuses: '={{ "Victory" }}', filters: {} },
			'To Statuses',
			'Closed/Won',
		],
		[
			'To Statuses with an object in its list',
			{ event: 'statusChanged', statuses: '={{ [{ a: 1 }] }}', filters: {} },
			'To Statuses',
			'Closed/Won',
		],
		[
			'a Status filter that is not one',
			{ event: 'referralUpdated', filters: { status: '={{ "Open" }}' } },
			'Status',
			'None, New, Active, Closed',
		],
		[
			'Simplify that is not a switch',
			{ event: 'referralUpdated', filters: {}, simplify: '={{ "no" }}' },
			'Simplify',
			'true or false',
		],
	])('refuses %s before listing anything, naming it', async (_label, parameters, name, allowed) => {
		const sent = watchRequests();
		const failure = await poll(parameters).then(
			() => undefined,
			(error: Error & { description?: string }) => error,
		);
		expect(failure?.message).toMatch(
			new RegExp(`^The (field|filter) "${name}" has an invalid value: `),
		);
		expect(failure?.description).toContain(allowed);
		expect(sent()).toEqual([]);
	});

	it('reads Simplify given as the text "false" as off', async () => {
		const changed = referral(guid(4), {
			updatedDateTime: '2026-03-01T12:00:00Z',
			salesStage: 'Close',
		});
		interceptList([], 200, listPage([changed]));
		const { items } = await poll({
			event: 'referralUpdated',
			filters: {},
			simplify: '={{ "false" }}',
			options: { lookbackDays: 1 },
		});
		expect(items).toHaveLength(1);
		expect(items?.[0].json).toMatchObject({
			salesStage: 'Close',
			customerProfile: expect.any(Object),
			event: 'referralUpdated',
		});
	});
});

describe('Switches: true, false or the text "true"/"false" (any case, trimmed); anything else refused', () => {
	const ID = guid(6);

	it.each(['={{ "false" }}', '={{ " FALSE " }}', '={{ false }}'])(
		'Get with Simplify %s returns the raw referral',
		async (simplify) => {
			nock(API)
				.get(`${REFERRALS}/${ID}`)
				.reply(200, referral(ID, { salesStage: 'Close' }));
			const { items, error } = await runReferral({
				operation: 'get',
				referralId: byId(ID),
				simplify,
			});
			expect(error).toBeUndefined();
			expect(items[0].json).toMatchObject({
				salesStage: 'Close',
				customerProfile: expect.any(Object),
			});
		},
	);

	it.each(['={{ "True" }}', '={{ true }}'])(
		'Get with Simplify %s returns the flat referral',
		async (simplify) => {
			nock(API).get(`${REFERRALS}/${ID}`).reply(200, referral(ID));
			const { items, error } = await runReferral({
				operation: 'get',
				referralId: byId(ID),
				simplify,
			});
			expect(error).toBeUndefined();
			expect(items[0].json).toEqual(flat(ID));
		},
	);

	it.each(['get', 'getMany', 'getRelated', 'markWon', 'update'])(
		'%s with Simplify "false" (text) returns raw referrals',
		async (operation) => {
			const raw = referral(ID, { status: 'Closed', substatus: 'Won', salesStage: 'Close' });
			// the read of Get, Get Related and Mark as Won's transition check
			nock(API)
				.get(`${REFERRALS}/${ID}`)
				.reply(200, referral(ID, { status: 'Active', substatus: 'Accepted', salesStage: 'Close' }));
			nock(API)
				.get(REFERRALS)
				.query(true)
				.reply(200, listPage([raw]));
			nock(API).patch(`${REFERRALS}/${ID}`).reply(200, raw);
			const { items, error } = await runReferral({
				operation,
				referralId: byId(ID),
				simplify: '={{ "false" }}',
				updateFields: { notes: 'x' },
			});
			nock.cleanAll();
			expect(error).toBeUndefined();
			expect(items[0].json).toMatchObject({ salesStage: 'Close' });
		},
	);

	it.each<[string, INodeParameters, string]>([
		[
			'Simplify "no"',
			{ operation: 'get', referralId: byId(ID), simplify: '={{ "no" }}' },
			'Simplify',
		],
		['Simplify 0', { operation: 'get', referralId: byId(ID), simplify: '={{ 0 }}' }, 'Simplify'],
		[
			'Simplify from a missing field',
			{ operation: 'get', referralId: byId(ID), simplify: '={{ $json.missing }}' },
			'Simplify',
		],
		['Return All "yes"', { operation: 'getMany', returnAll: '={{ "yes" }}' }, 'Return All'],
		[
			'Return All from a missing field',
			{ operation: 'getMany', returnAll: '={{ $json.missing }}' },
			'Return All',
		],
		[
			'Share with Microsoft "1"',
			createParameters({ type: 'Shared' }, { shareWithMicrosoft: '={{ "1" }}' }),
			'Share with Microsoft (Co-Sell)',
		],
	])('refuses %s, naming the switch, and sends nothing', async (_label, parameters, name) => {
		const sent = watchRequests();
		const { items, error } = await runReferral(parameters);
		expect(items).toEqual([]);
		expect(error?.message).toMatch(
			new RegExp(`^The field "${name.replace(/[()]/g, '\\$&')}" has an invalid value: `),
		);
		expect(error?.description).toContain('true or false');
		expect(sent()).toEqual([]);
	});

	it('Create reads its switches from the texts "TRUE" and " false "', async () => {
		const bodies: RecordedRequest[] = [];
		nock(API)
			.post(REFERRALS)
			.reply(recordAndReply(bodies, 201, referral(guid(3))));
		const { error } = await runReferral(
			createParameters(
				{
					type: 'Shared',
					consentToContact: '={{ " false " }}',
					consentToShareInfo: '={{ "TRUE" }}',
				},
				{ shareWithMicrosoft: '={{ "True" }}', privateDeal: '={{ "false" }}' },
			),
		);
		expect(error).toBeUndefined();
		expect(bodies[0].body).toMatchObject({
			consent: {
				consentToContact: false,
				consentToToShareInfoWithOthers: true,
				consentToShareReferralWithMicrosoftSellers: true,
			},
			target: [{ type: 'BusinessProfileLocation', id: 'msft' }],
		});
	});
});

describe('Only Update If Unchanged: an eTag that would not be sent byte for byte is refused', () => {
	const ID = guid(7);

	it.each<[string, string]>([
		['a pasted header line (CR/LF inside)', '"abc"\r\nX-Injected: yes'],
		['a line break at the end', '"abc"\n'],
		['a carriage return at the end', '"abc"\r'],
		['a tab inside', '"ab\tc"'],
		['a character outside ASCII', '"abé"'],
		['a control character', '"ab\u0000c"'],
		['the header name pasted with it', 'If-Match: "abc"'],
	])(
		'refuses %s for Update and Mark as Won, naming the field, sending nothing',
		async (_label, eTag) => {
			for (const parameters of [
				{
					operation: 'update',
					referralId: byId(ID),
					updateFields: { notes: 'x' },
					options: { eTag: '={{ $json.eTag }}' },
				},
				{ operation: 'markWon', referralId: byId(ID), options: { eTag: '={{ $json.eTag }}' } },
			]) {
				const sent = watchRequests();
				const { items, error } = await runReferral(parameters, { items: [{ eTag }] });
				expect(items).toEqual([]);
				expect(error?.name).toBe('NodeOperationError');
				expect(error?.message).toMatch(
					/^The field "Only Update If Unchanged \(ETag\)" has an invalid value: /,
				);
				expect(error?.description).toContain('sent exactly as it is');
				expect(sent()).toEqual([]);
			}
		},
	);

	it('sends a weak eTag and one with a quote inside byte for byte', async () => {
		for (const eTag of ['W/"2500ec5a-0000"', '"\\"2500ec5a-0000-0000-0000-5bf4967d0000\\""']) {
			const requests: RecordedRequest[] = [];
			nock(API)
				.patch(`${REFERRALS}/${ID}`)
				.reply(recordAndReply(requests, 200, referral(ID)));
			const { error } = await runReferral(
				{
					operation: 'update',
					referralId: byId(ID),
					updateFields: { notes: 'x' },
					options: { eTag: '={{ $json.eTag }}' },
				},
				{ items: [{ eTag }] },
			);
			expect(error).toBeUndefined();
			expect(requests[0].headers['if-match']).toBe(eTag);
		}
	});
});

describe('Update with a Status and no Substatus goes through the transition check', () => {
	const ID = guid(8);
	const PATH = `${REFERRALS}/${ID}`;

	const readAs = (status: string, substatus: string) =>
		nock(API)
			.get(PATH)
			.reply(200, referral(ID, { status, substatus, eTag: '"read"' }));

	it.each<[string, string, string, string]>([
		[
			'New',
			'Pending',
			'Closed',
			'a move to Closed needs a substatus: one of Won, Lost, Declined, Expired',
		],
		[
			'Active',
			'Accepted',
			'Closed',
			'a move to Closed needs a substatus: one of Won, Lost, Declined, Expired',
		],
		['None', 'None', 'New', 'a move to New needs a substatus: one of Pending, Received'],
	])(
		'refuses %s/%s to %s alone, listing the allowed moves, with no PATCH',
		async (status, substatus, to, reason) => {
			readAs(status, substatus);
			const patch = nock(API).patch(PATH).reply(200, referral(ID));
			const { items, error } = await runReferral({
				operation: 'update',
				referralId: byId(ID),
				updateFields: { status: to },
			});
			expect(items).toEqual([]);
			expect(error?.name).toBe('NodeOperationError');
			expect(error?.message).toBe(
				`Referral ${ID} cannot move from ${status}/${substatus} to ${to}: ${reason}`,
			);
			expect(error?.description).toContain(
				`Nothing was sent. From ${status}/${substatus} the allowed moves are: `,
			);
			expect(error?.description).toContain('Closed/Won');
			expect(patch.isDone()).toBe(false);
			nock.cleanAll();
		},
	);

	it('fills the one substatus a move to Active allows (Accepted), sends it, and says so once in a hint', async () => {
		const OTHER = guid(9);
		readAs('New', 'Pending');
		nock(API)
			.get(`${REFERRALS}/${OTHER}`)
			.reply(200, referral(OTHER, { status: 'New', substatus: 'Received', eTag: '"read"' }));
		const requests: RecordedRequest[] = [];
		nock(API)
			.patch(PATH)
			.reply(
				recordAndReply(requests, 200, referral(ID, { status: 'Active', substatus: 'Accepted' })),
			);
		nock(API)
			.patch(`${REFERRALS}/${OTHER}`)
			.reply(
				recordAndReply(requests, 200, referral(OTHER, { status: 'Active', substatus: 'Accepted' })),
			);
		const { items, error, run } = await runReferral(
			{
				operation: 'update',
				referralId: { __rl: true, mode: 'id', value: '={{ $json.id }}' },
				updateFields: { status: '={{ "active" }}', statusReason: 'Fits' },
			},
			{ items: [{ id: ID }, { id: OTHER }] },
		);
		expect(error).toBeUndefined();
		expect(requests.map((request) => request.body)).toEqual([
			[
				{ op: 'replace', path: '/status', value: 'Active' },
				{ op: 'replace', path: '/substatus', value: 'Accepted' },
				{ op: 'replace', path: '/statusReason', value: 'Fits' },
			],
			[
				{ op: 'replace', path: '/status', value: 'Active' },
				{ op: 'replace', path: '/substatus', value: 'Accepted' },
				{ op: 'replace', path: '/statusReason', value: 'Fits' },
			],
		]);
		expect(requests.map((request) => request.headers['if-match'])).toEqual(['"read"', '"read"']);
		expect(items.map((item) => item.json)).toEqual([
			flat(ID, { status: 'Active', substatus: 'Accepted' }),
			flat(OTHER, { status: 'Active', substatus: 'Accepted' }),
		]);
		const hints = run.data.resultData.runData['Partner Center Referral'][0].hints ?? [];
		expect(hints.map((hint) => hint.message)).toEqual([
			'Substatus set to Accepted, the only substatus of Active, where Update Fields had Status Active and no Substatus',
		]);
	});

	it('keeps the substatus when the Status given is the one the referral already has', async () => {
		readAs('New', 'Received');
		const requests: RecordedRequest[] = [];
		nock(API)
			.patch(PATH)
			.reply(recordAndReply(requests, 200, referral(ID, { status: 'New', substatus: 'Received' })));
		const { error } = await runReferral({
			operation: 'update',
			referralId: byId(ID),
			updateFields: { status: 'New', notes: 'x' },
		});
		expect(error).toBeUndefined();
		expect(requests.map((request) => request.body)).toEqual([
			[
				{ op: 'replace', path: '/status', value: 'New' },
				{ op: 'replace', path: '/details/notes', value: 'x' },
			],
		]);
	});
});
