/**
 * Get Many: through n8n's engine, nock standing in for Partner Center. Every test asserts
 * the exact query string sent and the exact output.
 */
import nock from 'nock';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { MAX_EMPTY_PAGES_IN_A_ROW } from '../../nodes/PartnerCenterReferral/transport';
import { API, guid, REFERRALS, referral, runReferral } from '../fixtures';
import {
	flat,
	interceptExact,
	interceptList,
	listPage,
	topIsPageSizeService,
	useNock,
	watchRequests,
} from './helpers';

useNock();

const getMany = (extra: INodeParameters = {}): INodeParameters => ({
	operation: 'getMany',
	...extra,
});
const referrals = (from: number, count: number) =>
	Array.from({ length: count }, (_, index) => referral(guid(from + index)));
const ids = (from: number, count: number) =>
	Array.from({ length: count }, (_, index) => guid(from + index));

describe('Get many referrals: filters', () => {
	it.each<[string, INodeParameters, string]>([
		['one status', { status: ['New'] }, "status eq 'New'"],
		['several statuses', { status: ['New', 'Active'] }, "(status eq 'New' or status eq 'Active')"],
		['one substatus', { substatus: ['Pending'] }, "substatus eq 'Pending'"],
		[
			'several substatuses',
			{ substatus: ['Won', 'Lost'] },
			"(substatus eq 'Won' or substatus eq 'Lost')",
		],
		['type', { type: 'Shared' }, "type eq 'Shared'"],
		['qualification', { qualification: 'SalesQualified' }, "qualification eq 'SalesQualified'"],
		['direction', { direction: 'Outgoing' }, "direction eq 'Outgoing'"],
		[
			'customer country (upper-cased)',
			{ customerCountry: ' de ' },
			"customerProfile/address/country eq 'DE'",
		],
		[
			'engagement ID',
			{ engagementId: '65edc0b5-3485-41b7-a17e-dfa9ef4706e2' },
			"engagementId eq '65edc0b5-3485-41b7-a17e-dfa9ef4706e2'",
		],
		// no zone: the workflow's time zone (n8n's default America/New_York, UTC-5 in January)
		[
			'created after (workflow time zone)',
			{ createdAfter: '2026-01-15T10:00:00' },
			'createdDateTime ge 2026-01-15T15:00:00Z',
		],
		// summer time in New York is UTC-4
		[
			'updated after (summer time)',
			{ updatedAfter: '2026-07-01T10:00:00' },
			'updatedDateTime ge 2026-07-01T14:00:00Z',
		],
		[
			'updated after (explicit offset)',
			{ updatedAfter: '2026-07-01T10:00:00+02:00' },
			'updatedDateTime ge 2026-07-01T08:00:00Z',
		],
		[
			'updated before (UTC)',
			{ updatedBefore: '2026-03-01T00:00:00.000Z' },
			'updatedDateTime lt 2026-03-01T00:00:00Z',
		],
		[
			'team member email',
			{ teamMemberEmail: 'someone@contoso.com' },
			"team/any(t:t/email eq 'someone@contoso.com')",
		],
		[
			'team member email with a quote',
			{ teamMemberEmail: "O'Brien@contoso.com" },
			"team/any(t:t/email eq 'O''Brien@contoso.com')",
		],
		[
			'custom filter alone (not wrapped)',
			{ customFilter: 'details/dealValue ge 10000' },
			'details/dealValue ge 10000',
		],
		[
			'custom filter with an escaped quote (verbatim)',
			{ customFilter: "customerProfile/name eq 'O''Brien Ltd'" },
			"customerProfile/name eq 'O''Brien Ltd'",
		],
	])('sends %s as the exact $filter', async (_label, filters, expected) => {
		const queries: IDataObject[] = [];
		interceptList(queries, 200, listPage([referral(guid(1))]));
		const { items, error } = await runReferral(getMany({ filters }));
		expect(error).toBeUndefined();
		expect(queries).toEqual([{ $filter: expected, $orderby: 'updatedDateTime desc', $top: '50' }]);
		expect(items.map((item) => item.json)).toEqual([flat(guid(1))]);
		expect(items[0].pairedItem).toEqual({ item: 0 });
	});

	it('joins every filter with "and" in a fixed order, the custom filter in parentheses', async () => {
		const queries: IDataObject[] = [];
		interceptList(queries, 200, listPage([]));
		const { error } = await runReferral(
			getMany({
				filters: {
					status: ['New', 'Active'],
					substatus: ['Pending'],
					type: 'Shared',
					qualification: 'Direct',
					direction: 'Incoming',
					customerCountry: 'us',
					engagementId: '65edc0b5-3485-41b7-a17e-dfa9ef4706e2',
					createdAfter: '2026-01-01T00:00:00Z',
					updatedAfter: '2026-02-01T00:00:00Z',
					updatedBefore: '2026-03-01T00:00:00Z',
					teamMemberEmail: "o'brien@contoso.com",
					customFilter: "customerProfile/name eq 'O''Brien' or details/dealValue ge 1",
				},
			}),
		);
		expect(error).toBeUndefined();
		expect(queries).toEqual([
			{
				$filter:
					"(status eq 'New' or status eq 'Active') and substatus eq 'Pending' and type eq 'Shared' and qualification eq 'Direct'" +
					" and direction eq 'Incoming' and customerProfile/address/country eq 'US'" +
					" and engagementId eq '65edc0b5-3485-41b7-a17e-dfa9ef4706e2'" +
					' and createdDateTime ge 2026-01-01T00:00:00Z and updatedDateTime ge 2026-02-01T00:00:00Z' +
					' and updatedDateTime lt 2026-03-01T00:00:00Z' +
					" and team/any(t:t/email eq 'o''brien@contoso.com')" +
					" and (customerProfile/name eq 'O''Brien' or details/dealValue ge 1)",
				$orderby: 'updatedDateTime desc',
				$top: '50',
			},
		]);
	});

	// (an enum filter such as Type takes only its documented values: see valueShapes.test.ts)
	it('quotes values from expressions too, so they cannot change the meaning of the filter', async () => {
		const queries: IDataObject[] = [];
		interceptList(queries, 200, listPage([]));
		const { error } = await runReferral(
			getMany({ filters: { type: '={{ $json.type }}', teamMemberEmail: '={{ $json.email }}' } }),
			{ items: [{ type: 'Shared', email: "a'+or+'1@x.com" }] },
		);
		expect(error).toBeUndefined();
		expect(queries).toEqual([
			{
				$filter: "type eq 'Shared' and team/any(t:t/email eq 'a''+or+''1@x.com')",
				$orderby: 'updatedDateTime desc',
				$top: '50',
			},
		]);
	});

	it('sends no $filter when no filter is set', async () => {
		const queries: IDataObject[] = [];
		interceptList(queries, 200, listPage([]));
		const { error } = await runReferral(
			getMany({ filters: { status: [], customerCountry: '  ', customFilter: '' } }),
		);
		expect(error).toBeUndefined();
		expect(queries).toEqual([{ $orderby: 'updatedDateTime desc', $top: '50' }]);
	});

	it.each<[string, INodeParameters, IDataObject, string]>([
		[
			'a three-letter country',
			{ customerCountry: '={{ $json.v }}' },
			{ v: 'USA' },
			'The filter "Customer Country" has an invalid value: "USA"',
		],
		[
			'an engagement ID that is not a GUID',
			{ engagementId: '={{ $json.v }}' },
			{ v: 'abc' },
			'The filter "Engagement ID" has an invalid value: "abc"',
		],
		[
			'an engagement ID with OData in it',
			{ engagementId: '={{ $json.v }}' },
			{ v: "65edc0b5-3485-41b7-a17e-dfa9ef4706e2' or 1 eq 1" },
			'The filter "Engagement ID" has an invalid value',
		],
		[
			'a date that is not one',
			{ updatedAfter: '={{ $json.v }}' },
			{ v: 'yesterday' },
			'The filter "Updated After" has an invalid value: "yesterday"',
		],
		[
			'an email without @',
			{ teamMemberEmail: '={{ $json.v }}' },
			{ v: 'nobody' },
			'The filter "Team Member Email" has an invalid value: "nobody"',
		],
	])(
		'refuses %s, naming the filter, and sends nothing',
		async (_label, filters, input, message) => {
			const api = nock(API).get(/.*/).reply(200, listPage([]));
			const { items, error } = await runReferral(getMany({ filters }), { items: [input] });
			expect(items).toEqual([]);
			expect(error?.name).toBe('NodeOperationError');
			expect(error?.message).toContain(message);
			expect(error?.description).toContain('Nothing was sent to Partner Center');
			expect(api.isDone()).toBe(false);
			nock.cleanAll();
		},
	);
});

describe('Get many referrals: sort, limit and paging', () => {
	it('sends the sort option as $orderby', async () => {
		const queries: IDataObject[] = [];
		interceptList(queries, 200, listPage([]));
		const { error } = await runReferral(
			getMany({
				options: { sort: 'createdDateTime asc' },
				filters: { status: ['Active'] },
				limit: 5,
			}),
		);
		expect(error).toBeUndefined();
		expect(queries).toEqual([
			{ $filter: "status eq 'Active'", $orderby: 'createdDateTime asc', $top: '5' },
		]);
	});

	it('asks for no more than the limit and stops there even when more pages exist', async () => {
		const queries: IDataObject[] = [];
		interceptList(
			queries,
			200,
			listPage(referrals(1, 30), `${API}${REFERRALS}?$top=30&$skiptoken=never-followed`),
		);
		const { items, error } = await runReferral(getMany({ limit: 30 }));
		expect(error).toBeUndefined();
		expect(queries).toEqual([{ $orderby: 'updatedDateTime desc', $top: '30' }]);
		expect(items.map((item) => item.json.id)).toEqual(ids(1, 30));
	});

	it('keeps to the limit when the service sends more than asked for', async () => {
		const queries: IDataObject[] = [];
		interceptList(queries, 200, listPage(referrals(1, 12)));
		const { items } = await runReferral(getMany({ limit: 7 }));
		expect(queries).toEqual([{ $orderby: 'updatedDateTime desc', $top: '7' }]);
		expect(items.map((item) => item.json.id)).toEqual(ids(1, 7));
	});

	it('with limit 250 sends no $top (it may mean the whole answer), follows nextLink verbatim and stops mid-page on the third', async () => {
		const queries: IDataObject[] = [];
		const requested: string[] = [];
		const page2 = `${REFERRALS}?$top=100&$skiptoken=cGFnZTI%3D`;
		const page3 = `${REFERRALS}?$top=100&$skiptoken=cGFnZTM%3D`;
		interceptList(queries, 200, listPage(referrals(1, 100), `${API}${page2}`));
		interceptExact(requested, page2, listPage(referrals(101, 100), `${API}${page3}`));
		interceptExact(
			requested,
			page3,
			listPage(referrals(201, 100), `${API}${REFERRALS}?$top=100&$skiptoken=cGFnZTQ%3D`),
		);
		const { items, error } = await runReferral(
			getMany({ limit: 250, filters: { status: ['New'] } }),
		);
		expect(error).toBeUndefined();
		expect(queries).toEqual([{ $filter: "status eq 'New'", $orderby: 'updatedDateTime desc' }]);
		expect(requested).toEqual([page2, page3]);
		expect(items).toHaveLength(250);
		expect(items.map((item) => item.json.id)).toEqual(ids(1, 250));
		expect(items.every((item) => JSON.stringify(item.pairedItem) === '{"item":0}')).toBe(true);
	});

	it('with Return All sends no $top, follows every nextLink verbatim (even to another path) and returns all pages', async () => {
		const queries: IDataObject[] = [];
		const requested: string[] = [];
		// the docs' own nextLink example points at another path on the same host
		const page2 = '/v1.0/referrals?$skiptoken=YWJj%2BZA%3D%3D';
		const page3 = `${REFERRALS}?$filter=status%20eq%20%27New%27&$skiptoken=3`;
		interceptList(queries, 200, listPage(referrals(1, 100), `${API}${page2}`));
		interceptExact(requested, page2, listPage(referrals(101, 100), `${API}${page3}`));
		interceptExact(requested, page3, listPage(referrals(201, 42)));
		const { items, error } = await runReferral(
			getMany({
				returnAll: true,
				filters: { status: ['New'] },
				options: { sort: 'updatedDateTime desc' },
			}),
		);
		expect(error).toBeUndefined();
		expect(queries).toEqual([{ $filter: "status eq 'New'", $orderby: 'updatedDateTime desc' }]);
		expect(requested).toEqual([page2, page3]);
		expect(items.map((item) => item.json.id)).toEqual(ids(1, 242));
	});

	it('follows an empty page that carries a nextLink (the service may page past nothing)', async () => {
		const queries: IDataObject[] = [];
		const requested: string[] = [];
		interceptList(queries, 200, listPage([], `${API}${REFERRALS}?$skiptoken=2`));
		interceptExact(
			requested,
			`${REFERRALS}?$skiptoken=2`,
			listPage([], `${API}${REFERRALS}?$skiptoken=3`),
		);
		interceptExact(requested, `${REFERRALS}?$skiptoken=3`, listPage(referrals(1, 2)));
		const { items, error } = await runReferral(getMany({ returnAll: true }));
		expect(error).toBeUndefined();
		expect(queries).toEqual([{ $orderby: 'updatedDateTime desc' }]);
		expect(requested).toEqual([`${REFERRALS}?$skiptoken=2`, `${REFERRALS}?$skiptoken=3`]);
		expect(items.map((item) => item.json.id)).toEqual(ids(1, 2));
	});

	it(`stops with an error after ${MAX_EMPTY_PAGES_IN_A_ROW} empty pages in a row that each link to another`, async () => {
		const queries: IDataObject[] = [];
		const requested: string[] = [];
		const link = (n: number) => `${REFERRALS}?$skiptoken=${n}`;
		interceptList(queries, 200, listPage([], `${API}${link(2)}`));
		for (let n = 2; n <= MAX_EMPTY_PAGES_IN_A_ROW; n++)
			interceptExact(requested, link(n), listPage([], `${API}${link(n + 1)}`));
		const beyond = nock(API)
			.get(link(MAX_EMPTY_PAGES_IN_A_ROW + 1))
			.reply(200, listPage(referrals(1, 1)));
		const { items, error } = await runReferral(getMany({ returnAll: true }));
		expect(requested).toHaveLength(MAX_EMPTY_PAGES_IN_A_ROW - 1);
		expect(beyond.isDone()).toBe(false);
		expect(items).toEqual([]);
		expect(error?.message).toBe(
			`Partner Center returned ${MAX_EMPTY_PAGES_IN_A_ROW} empty pages in a row, each with a link to another`,
		);
		expect(error?.description).toContain('so that it cannot run on forever');
		nock.cleanAll();
	});

	it.each([
		[120, 2],
		[250, 3],
		[100, 1],
	])(
		'with limit %s returns exactly that many from a service that reads $top as the page size (%s requests)',
		async (limit, requests) => {
			const queries: IDataObject[] = [];
			topIsPageSizeService(referrals(1, 300), queries);
			const { items, error } = await runReferral(getMany({ limit }));
			expect(error).toBeUndefined();
			expect(items.map((item) => item.json.id)).toEqual(ids(1, limit));
			expect(queries).toHaveLength(requests);
			expect(queries[0]).toEqual(
				limit <= 100
					? { $orderby: 'updatedDateTime desc', $top: String(limit) }
					: { $orderby: 'updatedDateTime desc' },
			);
			nock.cleanAll();
		},
	);

	it('follows a relative nextLink, resolved against the page that carried it', async () => {
		const queries: IDataObject[] = [];
		const requested: string[] = [];
		interceptList(queries, 200, listPage(referrals(1, 1), `${REFERRALS}?$skiptoken=2`));
		interceptExact(
			requested,
			`${REFERRALS}?$skiptoken=2`,
			listPage(referrals(2, 1), '?$skiptoken=3'),
		);
		interceptExact(requested, `${REFERRALS}?$skiptoken=3`, listPage(referrals(3, 1)));
		const { items, error } = await runReferral(getMany({ returnAll: true }));
		expect(error).toBeUndefined();
		expect(requested).toEqual([`${REFERRALS}?$skiptoken=2`, `${REFERRALS}?$skiptoken=3`]);
		expect(items.map((item) => item.json.id)).toEqual(ids(1, 3));
	});

	it('follows a plain-http nextLink to the same host over https, never sending the token over http', async () => {
		const queries: IDataObject[] = [];
		const requested: string[] = [];
		// the docs' own example: http, another path
		interceptList(
			queries,
			200,
			listPage(referrals(1, 1), 'http://api.partner.microsoft.com/v1.0/referrals?$skiptoken=YWJj'),
		);
		const plain = nock('http://api.partner.microsoft.com').get(/.*/).reply(200, listPage([]));
		interceptExact(requested, '/v1.0/referrals?$skiptoken=YWJj', listPage(referrals(2, 1)));
		const { items, error } = await runReferral(getMany({ returnAll: true }));
		expect(error).toBeUndefined();
		expect(plain.isDone()).toBe(false);
		expect(requested).toEqual(['/v1.0/referrals?$skiptoken=YWJj']);
		expect(items.map((item) => item.json.id)).toEqual(ids(1, 2));
		nock.cleanAll();
	});

	it('follows a nextLink that spells out the default https port', async () => {
		const queries: IDataObject[] = [];
		const requested: string[] = [];
		interceptList(
			queries,
			200,
			listPage(referrals(1, 1), `https://api.partner.microsoft.com:443${REFERRALS}?$skiptoken=2`),
		);
		interceptExact(requested, `${REFERRALS}?$skiptoken=2`, listPage(referrals(2, 1)));
		const { items, error } = await runReferral(getMany({ returnAll: true }));
		expect(error).toBeUndefined();
		expect(requested).toEqual([`${REFERRALS}?$skiptoken=2`]);
		expect(items.map((item) => item.json.id)).toEqual([guid(1), guid(2)]);
	});

	it.each([
		['another host', 'https://evil.example.com', 'https://evil.example.com'],
		[
			'the same host on another port',
			'https://api.partner.microsoft.com:8443',
			'https://api.partner.microsoft.com:8443',
		],
		[
			'the same host over http on another port',
			'http://api.partner.microsoft.com:8080',
			'http://api.partner.microsoft.com:8080',
		],
	])('refuses a nextLink to %s and sends nothing there', async (_label, origin, shown) => {
		const queries: IDataObject[] = [];
		interceptList(
			queries,
			200,
			listPage(referrals(1, 100), `${origin}${REFERRALS}?$skiptoken=steal`),
		);
		const elsewhere = nock(origin)
			.get(/.*/)
			.reply(200, listPage(referrals(101, 1)));
		const { items, error } = await runReferral(getMany({ returnAll: true }));
		expect(queries).toEqual([{ $orderby: 'updatedDateTime desc' }]);
		expect(elsewhere.isDone()).toBe(false);
		expect(items).toEqual([]);
		expect(error?.message).toBe('Partner Center returned a next-page link to another host');
		expect(error?.description).toContain(
			`The link points at ${shown}, not at the credential's API Base URL (${API})`,
		);
		nock.cleanAll();
	});
});

describe('Get many referrals: a service that pages in circles', () => {
	const SAME_LINK =
		'Partner Center returned the same page again (a next-page link it had already given)';
	const SAME_IDS =
		'Partner Center returned the same page again (every referral on it was already listed)';

	it('stops with an error at a nextLink that points at its own page, instead of looping', async () => {
		const queries: IDataObject[] = [];
		const requested: string[] = [];
		const page2 = `${REFERRALS}?$skiptoken=2`;
		interceptList(queries, 200, listPage(referrals(1, 100), `${API}${page2}`));
		interceptExact(requested, page2, listPage(referrals(101, 100), `${API}${page2}`));
		const again = nock(API)
			.get(page2)
			.reply(200, listPage(referrals(101, 100), `${API}${page2}`));
		const { items, error } = await runReferral(getMany({ returnAll: true }));
		expect(requested).toEqual([page2]);
		expect(again.isDone()).toBe(false);
		expect(items).toEqual([]);
		expect(error?.message).toBe(SAME_LINK);
		expect(error?.description).toContain('cannot loop forever');
		expect(error?.description).toContain('Run again; if it persists');
		nock.cleanAll();
	});

	it('stops with an error when links go round in a circle (page 3 links back to page 2)', async () => {
		const queries: IDataObject[] = [];
		const requested: string[] = [];
		const page2 = `${REFERRALS}?$skiptoken=2`;
		const page3 = `${REFERRALS}?$skiptoken=3`;
		interceptList(queries, 200, listPage(referrals(1, 10), `${API}${page2}`));
		interceptExact(requested, page2, listPage(referrals(11, 10), `${API}${page3}`));
		interceptExact(requested, page3, listPage(referrals(21, 10), `${API}${page2}`));
		const again = nock(API)
			.get(page2)
			.reply(200, listPage(referrals(11, 10), `${API}${page3}`));
		const { error } = await runReferral(getMany({ returnAll: true }));
		expect(requested).toEqual([page2, page3]);
		expect(again.isDone()).toBe(false);
		expect(error?.message).toBe(SAME_LINK);
		nock.cleanAll();
	});

	it('with a limit, stops with an error at a new link that brings back the same referrals, instead of repeating them', async () => {
		const queries: IDataObject[] = [];
		const requested: string[] = [];
		interceptList(queries, 200, listPage(referrals(1, 100), `${API}${REFERRALS}?$skiptoken=a`));
		interceptExact(
			requested,
			`${REFERRALS}?$skiptoken=a`,
			listPage(referrals(1, 100), `${API}${REFERRALS}?$skiptoken=b`),
		);
		const more = nock(API)
			.get(`${REFERRALS}?$skiptoken=b`)
			.reply(200, listPage(referrals(1, 100)));
		const { items, error } = await runReferral(getMany({ limit: 250 }));
		expect(requested).toEqual([`${REFERRALS}?$skiptoken=a`]);
		expect(more.isDone()).toBe(false);
		expect(items).toEqual([]);
		expect(error?.message).toBe(SAME_IDS);
		expect(error?.description).toContain('no referral is output twice');
		nock.cleanAll();
	});

	it('drops referrals a page repeats from an earlier one, and outputs each referral once', async () => {
		const queries: IDataObject[] = [];
		const requested: string[] = [];
		interceptList(queries, 200, listPage(referrals(1, 100), `${API}${REFERRALS}?$skiptoken=2`));
		// page 2 starts with the last 50 of page 1 (an offset that slipped), then 50 new ones
		interceptExact(requested, `${REFERRALS}?$skiptoken=2`, listPage(referrals(51, 100)));
		const { items, error } = await runReferral(getMany({ returnAll: true }));
		expect(error).toBeUndefined();
		expect(items.map((item) => item.json.id)).toEqual(ids(1, 150));
	});
});

describe('Get many referrals: output', () => {
	it('outputs nothing, without an error, when nothing matches', async () => {
		const queries: IDataObject[] = [];
		interceptList(queries, 200, listPage([]));
		const { items, error, run } = await runReferral(getMany({ filters: { status: ['Closed'] } }));
		expect(error).toBeUndefined();
		expect(items).toEqual([]);
		expect(run.data.resultData.runData['Partner Center Referral']).toHaveLength(1);
	});

	it('outputs one empty item when nothing matches and Always Output Data is on (n8n behaviour)', async () => {
		const queries: IDataObject[] = [];
		interceptList(queries, 200, listPage([]));
		const { items, error } = await runReferral(getMany(), { alwaysOutputData: true });
		expect(error).toBeUndefined();
		expect(items.map((item) => item.json)).toEqual([{}]);
	});

	it.each<[string, IDataObject, string]>([
		[
			'without a value array',
			{ '@odata.count': 0 },
			'Partner Center returned a list page with no list of referrals ("value")',
		],
		[
			'whose value is not an array',
			{ value: { id: guid(1) } },
			'Partner Center returned a list page with no list of referrals ("value")',
		],
		[
			'with an entry that has no id',
			listPage([referral(guid(1)), {}]),
			'Partner Center returned a list page with an entry that is not a referral (no id)',
		],
	])(
		'fails clearly on a page %s instead of reading it as no referrals',
		async (_label, body, message) => {
			const queries: IDataObject[] = [];
			interceptList(queries, 200, body);
			const { items, error } = await runReferral(getMany());
			expect(items).toEqual([]);
			expect(error?.message).toBe(message);
			expect(error?.description).toContain('an empty result is "value": []');
		},
	);

	it('returns the raw referrals, unknown fields kept and @odata keys dropped, when Simplify is off', async () => {
		const queries: IDataObject[] = [];
		const first = {
			...referral(guid(1)),
			salesStage: 'Qualify',
			tags: ['a'],
			'@odata.etag': 'W/"x"',
		};
		const second = referral(guid(2), { details: { dealValue: '5' } });
		interceptList(queries, 200, listPage([first, second]));
		const { items } = await runReferral(getMany({ simplify: false }));
		const { '@odata.etag': _etag, ...firstRaw } = first;
		expect(items.map((item) => item.json)).toEqual([firstRaw, second]);
	});

	it('runs its own query for each input item and pairs every result with its item', async () => {
		const answer = (country: string, body: IDataObject) =>
			nock(API)
				.get(REFERRALS)
				.query({
					$filter: `customerProfile/address/country eq '${country}'`,
					$orderby: 'updatedDateTime desc',
					$top: '50',
				})
				.delay(country === 'US' ? 30 : 0)
				.reply(200, body);
		answer('US', listPage([referral(guid(1)), referral(guid(2))]));
		answer('DE', listPage([]));
		answer('FR', listPage([referral(guid(3))]));
		const { items, error } = await runReferral(
			getMany({ filters: { customerCountry: '={{ $json.country }}' } }),
			{
				items: [{ country: 'US' }, { country: 'de' }, { country: 'FR' }],
			},
		);
		expect(error).toBeUndefined();
		expect(items.map((item) => [item.json.id, item.pairedItem])).toEqual([
			[guid(1), { item: 0 }],
			[guid(2), { item: 0 }],
			[guid(3), { item: 2 }],
		]);
	});

	it('with Continue On Fail, an invalid filter of one item fails only that item', async () => {
		nock(API)
			.get(REFERRALS)
			.query({
				$filter: "customerProfile/address/country eq 'US'",
				$orderby: 'updatedDateTime desc',
				$top: '50',
			})
			.reply(200, listPage([referral(guid(1))]));
		const { items, error } = await runReferral(
			getMany({ filters: { customerCountry: '={{ $json.country }}' } }),
			{
				items: [{ country: 'USA' }, { country: 'US' }],
				continueOnFail: true,
			},
		);
		expect(error).toBeUndefined();
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		// n8n-core replaces the json of an item that carries an error with { error: message }
		expect(items[0].json).toEqual({
			error: 'The filter "Customer Country" has an invalid value: "USA"',
		});
		expect(items[0].error?.description).toBe(
			'"Customer Country" expects a two-letter ISO 3166 country code such as US or DE. Nothing was sent to Partner Center.',
		);
		expect(items[1].json).toEqual(flat(guid(1)));
	});
});

describe('Get many referrals: dates, custom filters and limits are what they say, or refused', () => {
	it.each<[string, string, IDataObject, string]>([
		[
			'epoch milliseconds',
			'={{ $json.v }}',
			{ v: Date.UTC(2026, 6, 1, 10) },
			'updatedDateTime ge 2026-07-01T10:00:00Z',
		],
		[
			'a luxon date',
			"={{ DateTime.fromISO('2026-07-01T10:00:00Z').minus({ days: 1 }) }}",
			{},
			'updatedDateTime ge 2026-06-30T10:00:00Z',
		],
		[
			'a JS date',
			"={{ new Date('2026-07-01T10:00:00Z') }}",
			{},
			'updatedDateTime ge 2026-07-01T10:00:00Z',
		],
	])('sends Updated After given as %s', async (_label, expression, input, expected) => {
		const queries: IDataObject[] = [];
		interceptList(queries, 200, listPage([]));
		const { error } = await runReferral(getMany({ filters: { updatedAfter: expression } }), {
			items: [input],
		});
		expect(error).toBeUndefined();
		expect(queries).toEqual([{ $filter: expected, $orderby: 'updatedDateTime desc', $top: '50' }]);
	});

	it.each<[string, string, string]>([
		['a boolean', '={{ true }}', 'true'],
		['an object', '={{ ({ days: 1 }) }}', '{"days":1}'],
		['epoch seconds', '={{ 1782900000 }}', '1782900000'],
		['a fractional number', '={{ 1782900000000.5 }}', '1782900000000.5'],
	])(
		'refuses Updated After given as %s, sending nothing (not a list of everything)',
		async (_label, expression, shown) => {
			const sent = watchRequests();
			const { items, error } = await runReferral(
				getMany({ filters: { updatedAfter: expression } }),
			);
			expect(items).toEqual([]);
			expect(error?.message).toBe(`The filter "Updated After" has an invalid value: ${shown}`);
			expect(error?.description).toContain('epoch milliseconds');
			expect(sent()).toEqual([]);
		},
	);

	it.each<[string, string]>([
		[
			'a closing parenthesis that breaks out of the "and"',
			"details/dealValue ge 0) or (status eq 'Closed'",
		],
		['an unclosed parenthesis', "(status eq 'New'"],
		['an unclosed quote', "customerProfile/name eq 'O'Brien'"],
	])('refuses a custom filter with %s, sending nothing', async (_label, customFilter) => {
		const sent = watchRequests();
		const { items, error } = await runReferral(
			getMany({ filters: { customerCountry: 'US', customFilter } }),
		);
		expect(items).toEqual([]);
		expect(error?.message).toBe(
			`The filter "Custom Filter (OData)" has an invalid value: ${JSON.stringify(customFilter)}`,
		);
		expect(error?.description).toContain('parentheses balance');
		expect(sent()).toEqual([]);
	});

	it('keeps parentheses and doubled quotes inside quoted texts out of the count', async () => {
		const queries: IDataObject[] = [];
		interceptList(queries, 200, listPage([]));
		const customFilter = "customerProfile/name eq 'Fabrikam (O''Brien'')' or (notes eq ')')";
		const { error } = await runReferral(
			getMany({ filters: { customerCountry: 'US', customFilter } }),
		);
		expect(error).toBeUndefined();
		expect(queries).toEqual([
			{
				$filter: `customerProfile/address/country eq 'US' and (${customFilter})`,
				$orderby: 'updatedDateTime desc',
				$top: '50',
			},
		]);
	});

	it.each<[string, string, string]>([
		['negative', '={{ -1 }}', '-1'],
		['zero', '={{ 0 }}', '0'],
		['fractional', '={{ 2.5 }}', '2.5'],
		['not a number', '={{ "lots" }}', '"lots"'],
		['NaN', '={{ NaN }}', 'NaN'],
		['blank', '={{ "" }}', '""'],
	])('refuses a Limit that is %s, sending nothing', async (_label, limit, shown) => {
		const sent = watchRequests();
		const { items, error } = await runReferral(getMany({ limit }));
		expect(items).toEqual([]);
		expect(error?.message).toBe(`The field "Limit" has an invalid value: ${shown}`);
		expect(error?.description).toContain('"Limit" expects a whole number of 1 or more');
		expect(sent()).toEqual([]);
	});

	it('does not check Limit when Return All is on', async () => {
		const queries: IDataObject[] = [];
		interceptList(queries, 200, listPage([]));
		const { error } = await runReferral(getMany({ returnAll: true, limit: '={{ -1 }}' }));
		expect(error).toBeUndefined();
		expect(queries).toEqual([{ $orderby: 'updatedDateTime desc' }]);
	});
});
