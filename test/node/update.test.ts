/**
 * Update: the exact JSON Patch per field, the headers, eTag guarding, 204 handling and
 * the transition check of status changes.
 */
import nock from 'nock';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { API, byId, guid, REFERRALS, referral, runReferral } from '../fixtures';
import type { RecordedRequest } from './helpers';
import { flat, idFromItem, recordAndReply, useNock, watchRequests } from './helpers';

const setup = useNock();

const ID = guid(5);
const PATH = `${REFERRALS}/${ID}`;
const CURRENT_ETAG = `"etag-${ID.slice(0, 8)}"`;
const NEW_ETAG = '"etag-after-update"';

const update = (updateFields: INodeParameters, extra: INodeParameters = {}): INodeParameters => ({
	operation: 'update',
	referralId: byId(ID),
	updateFields,
	...extra,
});

const updated = (fields: IDataObject = {}) => referral(ID, { eTag: NEW_ETAG, ...fields });

function interceptPatch(
	requests: RecordedRequest[],
	status = 200,
	response: IDataObject | undefined = updated(),
) {
	return nock(API)
		.patch(PATH)
		.reply(recordAndReply(requests, status, response));
}

describe('Update a referral: JSON Patch per field', () => {
	it.each<[string, INodeParameters, IDataObject[]]>([
		[
			'name (trimmed)',
			{ name: ' Fabrikam rollout ' },
			[{ op: 'replace', path: '/name', value: 'Fabrikam rollout' }],
		],
		[
			'notes',
			{ notes: 'Call back in May' },
			[{ op: 'replace', path: '/details/notes', value: 'Call back in May' }],
		],
		[
			'deal value',
			{ dealValue: 12000.5 },
			[{ op: 'replace', path: '/details/dealValue', value: 12000.5 }],
		],
		['deal value 0', { dealValue: 0 }, [{ op: 'replace', path: '/details/dealValue', value: 0 }]],
		[
			'currency (upper-cased)',
			{ currency: 'gbp' },
			[{ op: 'replace', path: '/details/currency', value: 'GBP' }],
		],
		[
			'closing date (workflow time zone to UTC)',
			{ closingDateTime: '2026-09-30T00:00:00' },
			[{ op: 'replace', path: '/details/closingDateTime', value: '2026-09-30T04:00:00Z' }],
		],
		[
			'closing date (UTC kept)',
			{ closingDateTime: '2026-12-01T00:00:00.000Z' },
			[{ op: 'replace', path: '/details/closingDateTime', value: '2026-12-01T00:00:00Z' }],
		],
		[
			'status reason',
			{ statusReason: 'Budget approved' },
			[{ op: 'replace', path: '/statusReason', value: 'Budget approved' }],
		],
		[
			'external reference ID',
			{ externalReferenceId: 'CRM-7' },
			[{ op: 'replace', path: '/externalReferenceId', value: 'CRM-7' }],
		],
		[
			'qualification',
			{ qualification: 'MarketingQualified' },
			[{ op: 'replace', path: '/qualification', value: 'MarketingQualified' }],
		],
		[
			'team members to add',
			{
				teamMembersToAdd: {
					member: [
						{
							email: 'ann@contoso.com',
							firstName: 'Ann',
							lastName: 'Lee',
							phoneNumber: '+1 555 0100',
							title: 'AE',
						},
						{ email: ' bob@contoso.com ', firstName: '' },
					],
				},
			},
			[
				{
					op: 'add',
					path: '/team/-',
					value: {
						email: 'ann@contoso.com',
						firstName: 'Ann',
						lastName: 'Lee',
						phoneNumber: '+1 555 0100',
						title: 'AE',
					},
				},
				{ op: 'add', path: '/team/-', value: { email: 'bob@contoso.com' } },
			],
		],
		[
			'customer contacts to add',
			{
				customerContactsToAdd: { member: [{ email: "o'brien@fabrikam.com", lastName: "O'Brien" }] },
			},
			[
				{
					op: 'add',
					path: '/customerProfile/team/-',
					value: { email: "o'brien@fabrikam.com", lastName: "O'Brien" },
				},
			],
		],
	])(
		'sends %s as the exact patch, without reading first or If-Match',
		async (_label, updateFields, patch) => {
			const requests: RecordedRequest[] = [];
			interceptPatch(requests);
			const { items, error } = await runReferral(update(updateFields));
			expect(error).toBeUndefined();
			expect(requests.map((request) => request.body)).toEqual([patch]);
			expect(requests[0].headers.prefer).toBe('return=representation');
			expect(requests[0].headers['content-type']).toContain('application/json');
			expect(requests[0].headers['if-match']).toBeUndefined();
			expect(items.map((item) => item.json)).toEqual([flat(ID, { eTag: NEW_ETAG })]);
		},
	);

	it('sends every field in one patch, in a fixed order', async () => {
		const requests: RecordedRequest[] = [];
		interceptPatch(requests);
		const { error } = await runReferral(
			update({
				customerContactsToAdd: { member: [{ email: 'c@fabrikam.com' }] },
				teamMembersToAdd: { member: [{ email: 't@contoso.com' }] },
				closingDateTime: '2026-12-01T00:00:00Z',
				currency: 'usd',
				dealValue: 5,
				notes: 'n',
				statusReason: 'r',
				qualification: 'Direct',
				externalReferenceId: 'x',
				name: 'n2',
			}),
		);
		expect(error).toBeUndefined();
		expect(requests.map((request) => request.body)).toEqual([
			[
				{ op: 'replace', path: '/name', value: 'n2' },
				{ op: 'replace', path: '/externalReferenceId', value: 'x' },
				{ op: 'replace', path: '/qualification', value: 'Direct' },
				{ op: 'replace', path: '/statusReason', value: 'r' },
				{ op: 'replace', path: '/details/notes', value: 'n' },
				{ op: 'replace', path: '/details/dealValue', value: 5 },
				{ op: 'replace', path: '/details/currency', value: 'USD' },
				{ op: 'replace', path: '/details/closingDateTime', value: '2026-12-01T00:00:00Z' },
				{ op: 'add', path: '/team/-', value: { email: 't@contoso.com' } },
				{ op: 'add', path: '/customerProfile/team/-', value: { email: 'c@fabrikam.com' } },
			],
		]);
	});

	it('returns the raw referral when Simplify is off', async () => {
		const requests: RecordedRequest[] = [];
		const answer = { '@odata.context': 'ctx', ...updated({ name: 'x', salesStage: 'Close' }) };
		interceptPatch(requests, 200, answer);
		const { items } = await runReferral(update({ name: 'x' }, { simplify: false }));
		const { '@odata.context': _context, ...raw } = answer;
		expect(items.map((item) => item.json)).toEqual([raw]);
	});
});

describe('Update a referral: eTag and answers', () => {
	it('sends If-Match with the eTag option (trimmed), without reading first', async () => {
		const requests: RecordedRequest[] = [];
		interceptPatch(requests);
		const { error } = await runReferral(
			update({ notes: 'x' }, { options: { eTag: ` ${CURRENT_ETAG} ` } }),
		);
		expect(error).toBeUndefined();
		expect(requests).toHaveLength(1);
		expect(requests[0].headers['if-match']).toBe(CURRENT_ETAG);
		expect(requests[0].headers.prefer).toBe('return=representation');
	});

	it('says the referral changed since it was read on 412, and does not retry', async () => {
		const requests: RecordedRequest[] = [];
		nock(API)
			.patch(PATH)
			.times(2)
			.reply(
				recordAndReply(requests, 412, {
					error: { code: 'preconditionFailed', message: 'eTag mismatch' },
				}),
			);
		const { items, error } = await runReferral(
			update({ notes: 'x' }, { options: { eTag: '"stale"' } }),
		);
		expect(requests).toHaveLength(1);
		expect(requests[0].headers['if-match']).toBe('"stale"');
		expect(items).toEqual([]);
		expect(error?.message).toBe(
			`The referral ${ID} changed since it was read (eTag mismatch, 412)`,
		);
		expect(error?.description).toContain('preconditionFailed: eTag mismatch');
		expect(setup.sleeps).toEqual([]);
		nock.cleanAll();
	});

	it('reads the referral again when the service answers 204 without a body', async () => {
		const order: string[] = [];
		nock(API)
			.patch(PATH)
			.reply(() => {
				order.push('patch');
				return [204];
			})
			.get(PATH)
			.reply(() => {
				order.push('get');
				return [200, updated({ details: { notes: 'x' } })];
			});
		const { items, error } = await runReferral(update({ name: 'Renamed' }));
		expect(error).toBeUndefined();
		expect(order).toEqual(['patch', 'get']);
		expect(items.map((item) => item.json)).toEqual([
			flat(ID, {
				eTag: NEW_ETAG,
				notes: 'x',
				dealValue: null,
				currency: null,
				closingDateTime: null,
			}),
		]);
	});

	it.each<[string, INodeParameters]>([
		['no field', {}],
		['only empty fields', { name: '  ', notes: '', teamMembersToAdd: { member: [] } }],
	])('refuses an update with %s and sends nothing', async (_label, updateFields) => {
		const sent = watchRequests();
		const { items, error } = await runReferral(update(updateFields));
		expect(items).toEqual([]);
		expect(error?.name).toBe('NodeOperationError');
		expect(error?.message).toBe('The field "Update Fields" has an invalid value: {}');
		expect(error?.description).toContain('at least one field to change');
		expect(sent()).toEqual([]);
	});

	it.each<[string, INodeParameters, string]>([
		[
			'a negative deal value',
			{ dealValue: '={{ -1 }}' },
			'The field "Deal Value" has an invalid value: -1',
		],
		[
			'a bad currency',
			{ currency: 'dollars' },
			'The field "Currency" has an invalid value: "dollars"',
		],
		[
			'a bad closing date',
			{ closingDateTime: '={{ "31/12/2026" }}' },
			'The field "Closing Date" has an invalid value: "31/12/2026"',
		],
		[
			'a member without email',
			{ teamMembersToAdd: { member: [{ firstName: 'Ann' }] } },
			'The field "Team Members to Add" has an invalid value: ""',
		],
	])('refuses %s and sends nothing', async (_label, updateFields, message) => {
		const sent = watchRequests();
		const { error } = await runReferral(update(updateFields));
		expect(error?.message).toBe(message);
		expect(error?.description).toContain('Nothing was sent to Partner Center.');
		expect(sent()).toEqual([]);
	});

	it('refuses an invalid referral ID from an expression before sending anything', async () => {
		const sent = watchRequests();
		const { error } = await runReferral(update({ name: 'x' }, { referralId: idFromItem() }), {
			items: [{ id: 'nope' }],
		});
		expect(error?.message).toBe('The Referral parameter is not a valid referral ID (it is "nope")');
		expect(sent()).toEqual([]);
	});
});

describe('Update a referral: status changes', () => {
	function interceptRead(status: string, substatus: string, eTag = CURRENT_ETAG) {
		return nock(API).get(PATH).reply(200, referral(ID, { status, substatus, eTag }));
	}

	it('reads the referral, checks the move, then patches with If-Match set to the eTag read', async () => {
		const order: string[] = [];
		const requests: RecordedRequest[] = [];
		interceptRead('New', 'Pending').on('request', () => order.push('get'));
		interceptPatch(
			requests,
			200,
			updated({ status: 'Active', substatus: 'Accepted', statusReason: 'Fits' }),
		).on('request', () => order.push('patch'));
		const { items, error } = await runReferral(
			update({ status: 'Active', substatus: 'Accepted', statusReason: 'Fits' }),
		);
		expect(error).toBeUndefined();
		expect(order).toEqual(['get', 'patch']);
		expect(requests.map((request) => request.body)).toEqual([
			[
				{ op: 'replace', path: '/status', value: 'Active' },
				{ op: 'replace', path: '/substatus', value: 'Accepted' },
				{ op: 'replace', path: '/statusReason', value: 'Fits' },
			],
		]);
		expect(requests[0].headers['if-match']).toBe(CURRENT_ETAG);
		expect(items.map((item) => item.json)).toEqual([
			flat(ID, { status: 'Active', substatus: 'Accepted', statusReason: 'Fits', eTag: NEW_ETAG }),
		]);
	});

	it('uses the eTag option as If-Match when it matches the referral read', async () => {
		const requests: RecordedRequest[] = [];
		interceptRead('Active', 'Accepted');
		interceptPatch(requests, 200, updated({ status: 'Closed', substatus: 'Won' }));
		const { error } = await runReferral(
			update({ status: 'Closed', substatus: 'Won' }, { options: { eTag: CURRENT_ETAG } }),
		);
		expect(error).toBeUndefined();
		expect(requests[0].headers['if-match']).toBe(CURRENT_ETAG);
	});

	it('fails before the PATCH when the eTag option no longer matches', async () => {
		interceptRead('New', 'Pending', '"changed-meanwhile"');
		const patch = nock(API).patch(PATH).reply(200, updated());
		const { error } = await runReferral(
			update({ substatus: 'Received' }, { options: { eTag: CURRENT_ETAG } }),
		);
		expect(error?.name).toBe('NodeOperationError');
		expect(error?.message).toBe(
			`The referral ${ID} changed since it was read (its eTag is no longer ${CURRENT_ETAG})`,
		);
		expect(error?.description).toContain('Nothing was sent.');
		expect(patch.isDone()).toBe(false);
		nock.cleanAll();
	});

	it.each<[string, string, INodeParameters, string]>([
		[
			'Closed',
			'Won',
			{ status: 'Active', substatus: 'Accepted' },
			'cannot move from Closed/Won to Active/Accepted: Closed is final',
		],
		[
			'Closed',
			'Lost',
			{ substatus: 'Won' },
			'cannot move from Closed/Lost to Closed/Won: Closed is final',
		],
		[
			'Active',
			'Accepted',
			{ status: 'New', substatus: 'Pending' },
			'cannot move from Active/Accepted to New/Pending: Active cannot move back to New',
		],
		[
			'New',
			'Pending',
			{ status: 'Active', substatus: 'Won' },
			'cannot move from New/Pending to Active/Won: substatus Won does not go with status Active (allowed: Accepted)',
		],
		[
			'New',
			'Received',
			{ substatus: 'Accepted' },
			'cannot move from New/Received to New/Accepted: substatus Accepted does not go with status New (allowed: Pending, Received)',
		],
	])(
		'refuses a move from %s/%s that the table does not allow, and sends no PATCH',
		async (status, substatus, fields, message) => {
			interceptRead(status, substatus);
			const patch = nock(API).patch(PATH).reply(200, updated());
			const { items, error } = await runReferral(update({ ...fields, notes: 'also this' }));
			expect(items).toEqual([]);
			expect(error?.name).toBe('NodeOperationError');
			expect(error?.message).toBe(`Referral ${ID} ${message}`);
			expect(error?.description).toContain(
				`Nothing was sent. From ${status}/${substatus} the allowed moves are: `,
			);
			expect(patch.isDone()).toBe(false);
			nock.cleanAll();
		},
	);

	it.each<[string, IDataObject, string]>([
		['no referral ({})', {}, `Partner Center returned no referral for ${ID}`],
		[
			'a referral without a status',
			referral(ID, { status: undefined, substatus: undefined }),
			`Partner Center returned referral ${ID} without a status, so the move cannot be checked`,
		],
	])('sends nothing when the status change reads %s', async (_label, body, message) => {
		nock(API).get(PATH).reply(200, body);
		const patch = nock(API).patch(PATH).reply(200, updated());
		const { items, error } = await runReferral(
			update({ substatus: 'Received', notes: 'also this' }),
		);
		expect(items).toEqual([]);
		expect(error?.message).toBe(message);
		expect(patch.isDone()).toBe(false);
		nock.cleanAll();
	});

	it('does not read the referral when no status or substatus is changed', async () => {
		const requests: RecordedRequest[] = [];
		const read = nock(API).get(PATH).reply(200, referral(ID));
		interceptPatch(requests);
		const { error } = await runReferral(update({ statusReason: 'Still talking' }));
		expect(error).toBeUndefined();
		expect(read.isDone()).toBe(false);
		expect(requests).toHaveLength(1);
		nock.cleanAll();
	});
});

describe('Update a referral: blank means not set, anything else must be what it says', () => {
	it.each<[string, string | null]>([
		['a space', ' '],
		['an empty text', ''],
		['null', null],
	])('leaves Deal Value out of the patch when its expression yields %s', async (_label, value) => {
		const requests: RecordedRequest[] = [];
		interceptPatch(requests);
		const { error } = await runReferral(update({ dealValue: '={{ $json.v }}', notes: 'x' }), {
			items: [{ v: value }],
		});
		expect(error).toBeUndefined();
		expect(requests.map((request) => request.body)).toEqual([
			[{ op: 'replace', path: '/details/notes', value: 'x' }],
		]);
	});

	it('reads a deal value given as plain decimal text', async () => {
		const requests: RecordedRequest[] = [];
		interceptPatch(requests);
		const { error } = await runReferral(update({ dealValue: '={{ $json.v }}' }), {
			items: [{ v: ' 48000.50 ' }],
		});
		expect(error).toBeUndefined();
		expect(requests.map((request) => request.body)).toEqual([
			[{ op: 'replace', path: '/details/dealValue', value: 48000.5 }],
		]);
	});

	it.each<[string, string, string]>([
		['an empty list', '[]', '[]'],
		['hex text', '"0x10"', '"0x10"'],
		['text with an exponent', '"1e3"', '"1e3"'],
		['text with a thousands separator', '"48,000"', '"48,000"'],
		['a negative number as text', '"-5"', '"-5"'],
		['a boolean', 'true', 'true'],
		['an object', '({ amount: 5 })', '{"amount":5}'],
		['not a number', 'NaN', 'NaN'],
	])('refuses a deal value that is %s and sends nothing', async (_label, expression, shown) => {
		const sent = watchRequests();
		const { items, error } = await runReferral(update({ dealValue: `={{ ${expression} }}` }));
		expect(items).toEqual([]);
		expect(error?.message).toBe(`The field "Deal Value" has an invalid value: ${shown}`);
		expect(error?.description).toContain('"Deal Value" expects a number of zero or more');
		expect(error?.description).toContain('Nothing was sent to Partner Center.');
		expect(sent()).toEqual([]);
	});

	it.each<[string, string]>([
		['epoch milliseconds', '={{ 1790164800000 }}'],
		['a luxon date', "={{ DateTime.fromISO('2026-09-23T12:00:00Z') }}"],
		['a JS date', "={{ new Date('2026-09-23T12:00:00Z') }}"],
	])('reads a closing date given as %s', async (_label, expression) => {
		const requests: RecordedRequest[] = [];
		interceptPatch(requests);
		const { error } = await runReferral(update({ closingDateTime: expression }));
		expect(error).toBeUndefined();
		expect(requests.map((request) => request.body)).toEqual([
			[{ op: 'replace', path: '/details/closingDateTime', value: '2026-09-23T12:00:00Z' }],
		]);
	});

	it.each<[string, string, string]>([
		['a boolean', '={{ true }}', 'true'],
		['an object', '={{ ({ day: 1 }) }}', '{"day":1}'],
		['epoch seconds (would be 1970 as milliseconds)', '={{ 1790164800 }}', '1790164800'],
	])('refuses a closing date that is %s and sends nothing', async (_label, expression, shown) => {
		const sent = watchRequests();
		const { error } = await runReferral(update({ closingDateTime: expression }));
		expect(error?.message).toBe(`The field "Closing Date" has an invalid value: ${shown}`);
		expect(error?.description).toContain('epoch milliseconds');
		expect(sent()).toEqual([]);
	});

	it.each<[string, INodeParameters, string, string]>([
		['a status that is not one', { status: '={{ "Open" }}' }, 'Status', '"Open"'],
		['a substatus that is not one', { substatus: '={{ "Done" }}' }, 'Substatus', '"Done"'],
		[
			'a qualification that is not one',
			{ qualification: '={{ "Hot" }}' },
			'Qualification',
			'"Hot"',
		],
	])('refuses %s before reading or sending anything', async (_label, updateFields, name, shown) => {
		const sent = watchRequests();
		const { error } = await runReferral(update(updateFields));
		expect(error?.message).toBe(`The field "${name}" has an invalid value: ${shown}`);
		expect(error?.description).toContain(`"${name}" expects one of: `);
		expect(sent()).toEqual([]);
	});
});

describe('Update a referral: "Only Update If Unchanged" never silently drops the guard', () => {
	it.each<[string, INodeParameters, IDataObject]>([
		['an expression naming a missing field', { eTag: '={{ $json.etag }}' }, { eTag: CURRENT_ETAG }],
		['an empty text', { eTag: '' }, {}],
		['spaces', { eTag: '={{ "  " }}' }, {}],
		['a number', { eTag: '={{ 5 }}' }, {}],
	])(
		'fails, sending nothing, when the option is added but is %s',
		async (_label, options, input) => {
			const sent = watchRequests();
			const { items, error } = await runReferral(update({ notes: 'x' }, { options }), {
				items: [input],
			});
			expect(items).toEqual([]);
			expect(error?.message).toMatch(
				/^The field "Only Update If Unchanged \(ETag\)" has an invalid value: /,
			);
			expect(error?.description).toContain('the update would not be guarded');
			expect(error?.description).toContain('Nothing was sent to Partner Center.');
			expect(sent()).toEqual([]);
		},
	);

	it('fails for a status change too, before reading the referral', async () => {
		const sent = watchRequests();
		const { error } = await runReferral(
			update({ status: 'Closed', substatus: 'Won' }, { options: { eTag: '={{ $json.etag }}' } }),
		);
		expect(error?.message).toBe(
			'The field "Only Update If Unchanged (ETag)" has an invalid value: ""',
		);
		expect(sent()).toEqual([]);
	});
});
