/**
 * Get Related: reads the referral, then lists every referral of its engagement.
 */
import nock from 'nock';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { EXAMPLE_ENGAGEMENT_ID as ENGAGEMENT } from '../../dev/sandbox/data';
import {
	API,
	byId,
	EXAMPLE_ID,
	exampleReferral,
	guid,
	REFERRALS,
	referral,
	runReferral,
} from '../fixtures';
import {
	flat,
	idFromItem,
	interceptExact,
	interceptList,
	listPage,
	topIsPageSizeService,
	useNock,
	watchRequests,
} from './helpers';

useNock();

const FILTER = `engagementId eq '${ENGAGEMENT}'`;

const getRelated = (
	id: string | INodeParameters,
	extra: INodeParameters = {},
): INodeParameters => ({
	operation: 'getRelated',
	referralId: typeof id === 'string' ? byId(id) : id,
	...extra,
});

describe('Get related referrals', () => {
	it('reads the referral, then lists its engagement, the referral itself included', async () => {
		const order: string[] = [];
		nock(API)
			.get(`${REFERRALS}/${EXAMPLE_ID}`)
			.reply(200, () => {
				order.push('get');
				return exampleReferral();
			});
		const queries: IDataObject[] = [];
		const { '@odata.context': _context, ...itself } = exampleReferral();
		const partnerCopy = referral(guid(7), {
			engagementId: ENGAGEMENT,
			direction: 'Outgoing',
			type: 'Shared',
		});
		nock(API)
			.get(REFERRALS)
			.query((query) => {
				queries.push({ ...query });
				order.push('list');
				return true;
			})
			.reply(200, listPage([itself, partnerCopy]));
		const { items, error } = await runReferral(getRelated(EXAMPLE_ID));
		expect(error).toBeUndefined();
		expect(order).toEqual(['get', 'list']);
		expect(queries).toEqual([{ $filter: FILTER, $top: '50' }]);
		expect(items.map((item) => item.json)).toEqual([
			{ ...flat(EXAMPLE_ID), eTag: '"2500ec5a-0000-0000-0000-5bf4967d0000"' },
			flat(guid(7), { direction: 'Outgoing', type: 'Shared' }),
		]);
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 0 }]);
	});

	it('pages like Get Many: limit 250 sends no $top, follows nextLink verbatim, stops mid-page', async () => {
		nock(API).get(`${REFERRALS}/${EXAMPLE_ID}`).reply(200, exampleReferral());
		const queries: IDataObject[] = [];
		const requested: string[] = [];
		const page = (from: number, count: number) =>
			Array.from({ length: count }, (_, index) =>
				referral(guid(from + index), { engagementId: ENGAGEMENT }),
			);
		const page2 = `${REFERRALS}?$filter=engagementId%20eq%20%27${ENGAGEMENT}%27&$top=100&$skiptoken=2`;
		const page3 = `${REFERRALS}?$filter=engagementId%20eq%20%27${ENGAGEMENT}%27&$top=100&$skiptoken=3`;
		const itself = referral(EXAMPLE_ID, { engagementId: ENGAGEMENT });
		interceptList(queries, 200, listPage([itself, ...page(1, 99)], `${API}${page2}`));
		interceptExact(requested, page2, listPage(page(101, 100), `${API}${page3}`));
		interceptExact(requested, page3, listPage(page(201, 100), `${API}${REFERRALS}?$skiptoken=4`));
		const { items, error } = await runReferral(getRelated(EXAMPLE_ID, { limit: 250 }));
		expect(error).toBeUndefined();
		expect(queries).toEqual([{ $filter: FILTER }]);
		expect(requested).toEqual([page2, page3]);
		expect(items.map((item) => item.json.id)).toEqual([
			EXAMPLE_ID,
			...Array.from({ length: 99 }, (_, index) => guid(index + 1)),
			...Array.from({ length: 150 }, (_, index) => guid(index + 101)),
		]);
	});

	it('adds the referral itself when the list missed it (a list lagging behind a write)', async () => {
		nock(API).get(`${REFERRALS}/${EXAMPLE_ID}`).reply(200, exampleReferral());
		const queries: IDataObject[] = [];
		interceptList(
			queries,
			200,
			listPage([
				referral(guid(1), { engagementId: ENGAGEMENT }),
				referral(guid(2), { engagementId: ENGAGEMENT }),
			]),
		);
		const { items, error } = await runReferral(getRelated(EXAMPLE_ID, { limit: 2 }));
		expect(error).toBeUndefined();
		expect(items.map((item) => item.json.id)).toEqual([EXAMPLE_ID, guid(1)]);
	});

	it('with Return All sends no $top and returns every page; raw when Simplify is off', async () => {
		nock(API).get(`${REFERRALS}/${EXAMPLE_ID}`).reply(200, exampleReferral());
		const queries: IDataObject[] = [];
		const requested: string[] = [];
		const first = referral(EXAMPLE_ID, { engagementId: ENGAGEMENT, salesStage: 'Develop' });
		const second = referral(guid(2), { engagementId: ENGAGEMENT });
		interceptList(queries, 200, listPage([first], `${API}${REFERRALS}?$skiptoken=two`));
		interceptExact(requested, `${REFERRALS}?$skiptoken=two`, listPage([second]));
		const { items, error } = await runReferral(
			getRelated(EXAMPLE_ID, { returnAll: true, simplify: false }),
		);
		expect(error).toBeUndefined();
		expect(queries).toEqual([{ $filter: FILTER }]);
		expect(requested).toEqual([`${REFERRALS}?$skiptoken=two`]);
		expect(items.map((item) => item.json)).toEqual([first, second]);
	});

	it('with limit 120 returns 120 from a service that reads $top as the page size, sending no $top', async () => {
		nock(API).get(`${REFERRALS}/${EXAMPLE_ID}`).reply(200, exampleReferral());
		const queries: IDataObject[] = [];
		const engagement = Array.from({ length: 130 }, (_, index) =>
			referral(guid(index + 1), { engagementId: ENGAGEMENT }),
		);
		topIsPageSizeService(
			[referral(EXAMPLE_ID, { engagementId: ENGAGEMENT }), ...engagement],
			queries,
		);
		const { items, error } = await runReferral(getRelated(EXAMPLE_ID, { limit: 120 }));
		expect(error).toBeUndefined();
		expect(queries[0]).toEqual({ $filter: FILTER });
		expect(items.map((item) => item.json.id)).toEqual([
			EXAMPLE_ID,
			...engagement.slice(0, 119).map((entry) => entry.id),
		]);
		nock.cleanAll();
	});

	it('stops with an error at a nextLink that leads back to a page already read, instead of looping', async () => {
		nock(API).get(`${REFERRALS}/${EXAMPLE_ID}`).reply(200, exampleReferral());
		const queries: IDataObject[] = [];
		const requested: string[] = [];
		const page2 = `${REFERRALS}?$skiptoken=2`;
		interceptList(
			queries,
			200,
			listPage([referral(EXAMPLE_ID, { engagementId: ENGAGEMENT })], `${API}${page2}`),
		);
		interceptExact(
			requested,
			page2,
			listPage([referral(guid(2), { engagementId: ENGAGEMENT })], `${API}${page2}`),
		);
		const again = nock(API)
			.get(page2)
			.reply(200, listPage([], `${API}${page2}`));
		const { items, error } = await runReferral(getRelated(EXAMPLE_ID, { returnAll: true }));
		expect(requested).toEqual([page2]);
		expect(again.isDone()).toBe(false);
		expect(items).toEqual([]);
		expect(error?.message).toBe(
			'Partner Center returned the same page again (a next-page link it had already given)',
		);
		nock.cleanAll();
	});

	it('refuses a nextLink to another host', async () => {
		nock(API).get(`${REFERRALS}/${EXAMPLE_ID}`).reply(200, exampleReferral());
		const queries: IDataObject[] = [];
		interceptList(
			queries,
			200,
			listPage(
				[referral(guid(1))],
				'https://evil.example.com/v1.0/engagements/referrals?$skiptoken=x',
			),
		);
		const evil = nock('https://evil.example.com').get(/.*/).reply(200, listPage([]));
		const { error } = await runReferral(getRelated(EXAMPLE_ID, { returnAll: true }));
		expect(error?.message).toBe('Partner Center returned a next-page link to another host');
		expect(evil.isDone()).toBe(false);
		nock.cleanAll();
	});

	it.each([
		['no engagementId', undefined],
		['an empty engagementId', ''],
		['an engagementId that is not a string', 42],
	])('fails clearly when the referral has %s, and lists nothing', async (_label, engagementId) => {
		const { engagementId: _omit, ...rest } = referral(EXAMPLE_ID);
		nock(API)
			.get(`${REFERRALS}/${EXAMPLE_ID}`)
			.reply(200, engagementId === undefined ? rest : { ...rest, engagementId });
		const list = nock(API).get(REFERRALS).query(true).reply(200, listPage([]));
		const { items, error } = await runReferral(getRelated(EXAMPLE_ID));
		expect(items).toEqual([]);
		expect(error?.name).toBe('NodeOperationError');
		expect(error?.message).toBe(`Referral ${EXAMPLE_ID} has no engagement ID`);
		expect(error?.description).toContain('without an engagementId');
		expect(list.isDone()).toBe(false);
		nock.cleanAll();
	});

	it('names the referral when it does not exist, and lists nothing', async () => {
		nock(API)
			.get(`${REFERRALS}/${guid(9)}`)
			.reply(404, { error: { code: 'itemNotFound', message: 'Not found' } });
		const list = nock(API).get(REFERRALS).query(true).reply(200, listPage([]));
		const { error } = await runReferral(getRelated(guid(9)));
		expect(error?.message).toBe(`Referral ${guid(9)} was not found`);
		expect(list.isDone()).toBe(false);
		nock.cleanAll();
	});

	it('runs for each input item with its own engagement, results paired with their item', async () => {
		const other = '11111111-2222-4333-8444-555555555555';
		nock(API)
			.get(`${REFERRALS}/${guid(1)}`)
			.reply(200, referral(guid(1), { engagementId: ENGAGEMENT }))
			.get(`${REFERRALS}/${guid(2)}`)
			.reply(200, referral(guid(2), { engagementId: other }));
		nock(API)
			.get(REFERRALS)
			.query({ $filter: FILTER, $top: '50' })
			.delay(20)
			.reply(
				200,
				listPage([
					referral(guid(1), { engagementId: ENGAGEMENT }),
					referral(guid(3), { engagementId: ENGAGEMENT }),
				]),
			)
			.get(REFERRALS)
			.query({ $filter: `engagementId eq '${other}'`, $top: '50' })
			.reply(200, listPage([referral(guid(2), { engagementId: other })]));
		const { items, error } = await runReferral(getRelated(idFromItem()), {
			items: [{ id: guid(1) }, { id: guid(2) }],
		});
		expect(error).toBeUndefined();
		expect(items.map((item) => [item.json.id, item.json.engagementId, item.pairedItem])).toEqual([
			[guid(1), ENGAGEMENT, { item: 0 }],
			[guid(3), ENGAGEMENT, { item: 0 }],
			[guid(2), other, { item: 1 }],
		]);
	});
});

describe('Get related referrals: Limit', () => {
	it('refuses a fractional Limit before reading the referral', async () => {
		const sent = watchRequests();
		const { items, error } = await runReferral(getRelated(EXAMPLE_ID, { limit: '={{ 2.5 }}' }));
		expect(items).toEqual([]);
		expect(error?.message).toBe('The field "Limit" has an invalid value: 2.5');
		expect(sent()).toEqual([]);
	});
});
