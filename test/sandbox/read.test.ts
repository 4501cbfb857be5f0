import {
	EXAMPLE_REFERRAL_ID,
	exampleReferral,
	REFERENCE_DATE,
	startSandbox,
	type Referral,
	type Sandbox,
} from '../../dev/sandbox';
import { ANY_GUID_RE, Client, REFERRALS_PATH } from './helpers';

const ENTITY_CONTEXT =
	'https://api.partner.microsoft.com/v1.0/engagments/referrals/$metadata#Referrals/$entity';

describe('sandbox: reading referrals over HTTP', () => {
	let sandbox: Sandbox;
	let client: Client;
	let all: Referral[];

	beforeAll(async () => {
		// the data is dated relative to the sandbox's clock: a fixed one, for the date filters below
		sandbox = await startSandbox({ referralCount: 300, now: () => new Date(REFERENCE_DATE) });
		client = new Client(sandbox);
		all = sandbox.referrals.all();
	});

	afterAll(async () => {
		await sandbox.close();
	});

	const idsWhere = (predicate: (r: Referral) => boolean): string[] =>
		all.filter(predicate).map((r) => r.id);

	describe('get one', () => {
		it('returns the documented example with @odata.context, ETag, request-id and echoed client-request-id', async () => {
			const response = await client.json(`${REFERRALS_PATH}/${EXAMPLE_REFERRAL_ID}`, {
				headers: {
					'client-request-id': 'b0b1a1e2-0000-4000-8000-000000000001',
					Accept: 'application/json',
				},
			});
			expect(response.status).toBe(200);
			expect(response.body).toEqual({ '@odata.context': ENTITY_CONTEXT, ...exampleReferral() });
			expect(response.headers.get('etag')).toBe('"2500ec5a-0000-0000-0000-5bf4967d0000"');
			expect(response.headers.get('etag')).toBe(response.body.eTag);
			expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
			expect(response.headers.get('request-id')).toMatch(ANY_GUID_RE);
			expect(response.headers.get('client-request-id')).toBe(
				'b0b1a1e2-0000-4000-8000-000000000001',
			);
		});

		it('compares ids case-insensitively', async () => {
			const response = await client.json(`${REFERRALS_PATH}/${EXAMPLE_REFERRAL_ID.toUpperCase()}`);
			expect(response.status).toBe(200);
			expect(response.body.id).toBe(EXAMPLE_REFERRAL_ID);
		});

		it('answers in the shapes the docs allow beyond their examples: no zone, no status stamps, ids in upper case', async () => {
			const own = await startSandbox({ referralCount: 0 });
			try {
				const ownClient = new Client(own);
				const won = own.referrals.create({
					status: 'Closed',
					substatus: 'Won',
					closedDateTime: '2026-02-01T10:00:00.0000000Z',
					acceptedDateTime: '2026-01-20T10:00:00.0000000Z',
				});
				Object.assign(own.responses, {
					zonelessTimestamps: true,
					omitStatusStamps: true,
					upperCaseIds: true,
				});
				const one = await ownClient.json(`${REFERRALS_PATH}/${won.id}`);
				const listed = await ownClient.json(
					`${REFERRALS_PATH}?$filter=${encodeURIComponent("status eq 'Closed'")}`,
				);
				for (const body of [one.body, (listed.body.value as Array<Record<string, unknown>>)[0]]) {
					expect(body.id).toBe(won.id.toUpperCase());
					expect(body.updatedDateTime).toBe(String(won.updatedDateTime).replace(/Z$/, ''));
					expect(body).not.toHaveProperty('closedDateTime');
					expect(body).not.toHaveProperty('acceptedDateTime');
				}
				own.resetFaults();
				expect((await ownClient.json(`${REFERRALS_PATH}/${won.id}`)).body).toMatchObject({
					id: won.id,
					closedDateTime: won.closedDateTime,
				});
			} finally {
				await own.close();
			}
		});

		it('answers 404 itemNotFound for an unknown id', async () => {
			const response = await client.json(`${REFERRALS_PATH}/00000000-0000-4000-8000-000000000000`);
			expect(response.status).toBe(404);
			expect(response.body).toEqual({
				error: { code: 'itemNotFound', message: expect.any(String), target: 'id' },
			});
			expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
		});

		it('answers 404 for unknown routes and 405 for wrong methods', async () => {
			const unknown = await client.json('/v1.0/engagements/widgets');
			expect(unknown.status).toBe(404);
			expect((unknown.body.error as { code: string }).code).toBe('itemNotFound');
			expect((await client.json('/nothing/here')).status).toBe(404);
			const wrong = await client.json(`${REFERRALS_PATH}/${EXAMPLE_REFERRAL_ID}`, {
				method: 'DELETE',
			});
			expect(wrong.status).toBe(405);
			expect(wrong.headers.get('allow')).toBe('GET, PATCH, PUT');
			expect((await client.json(REFERRALS_PATH, { method: 'PUT', body: '{}' })).status).toBe(405);
		});

		it('supports $select', async () => {
			const response = await client.json(
				`${REFERRALS_PATH}/${EXAMPLE_REFERRAL_ID}?$select=id,status,customerProfile`,
			);
			expect(Object.keys(response.body).sort()).toEqual([
				'@odata.context',
				'customerProfile',
				'id',
				'status',
			]);
		});
	});

	describe('$filter', () => {
		const activeOrNewOutgoing = (r: Referral): boolean =>
			r.status === 'New' || (r.status === 'Active' && r.direction === 'Outgoing');

		it.each<[string, (r: Referral) => boolean]>([
			["status eq 'Active'", (r) => r.status === 'Active'],
			["status eq 'active'", (r) => r.status === 'Active'],
			["status ne 'New'", (r) => r.status !== 'New'],
			['details/dealValue gt 100000', (r) => Number(r.details?.dealValue) > 100000],
			['details/dealValue ge 250000', (r) => Number(r.details?.dealValue) >= 250000],
			['details/dealValue lt 50000', (r) => Number(r.details?.dealValue) < 50000],
			['details/dealValue le 50000', (r) => Number(r.details?.dealValue) <= 50000],
			["status eq 'New' or status eq 'Active' and direction eq 'Outgoing'", activeOrNewOutgoing],
			[
				"(status eq 'New' or status eq 'Active') and direction eq 'Outgoing'",
				(r) => (r.status === 'New' || r.status === 'Active') && r.direction === 'Outgoing',
			],
			["not (status eq 'Closed')", (r) => r.status !== 'Closed'],
			[
				"customerProfile/address/country eq 'US'",
				(r) => r.customerProfile?.address?.country === 'US',
			],
			[
				"team/any(t:t/email eq 'megan.bowen@contoso.com')",
				(r) => (r.team ?? []).some((m) => m.email === 'megan.bowen@contoso.com'),
			],
			[
				"customerProfile/name eq 'O''Brien Consulting'",
				(r) => r.customerProfile?.name === "O'Brien Consulting",
			],
			[
				'updatedDateTime ge 2025-06-01T00:00:00Z and updatedDateTime lt 2025-07-01T00:00:00.000Z',
				(r) => r.updatedDateTime! >= '2025-06-01' && r.updatedDateTime! < '2025-07-01',
			],
			[
				"createdDateTime ge '2025-10-01T00:00:00Z' and direction eq 'Incoming'",
				(r) => r.createdDateTime! >= '2025-10-01' && r.direction === 'Incoming',
			],
			["tags/any(x: x eq 'priority')", (r) => Array.isArray(r.tags) && r.tags.includes('priority')],
			["salesStage eq 'Qualify'", (r) => r.salesStage === 'Qualify'],
			[
				"qualification eq 'SalesQualified' and type eq 'Shared'",
				(r) => r.qualification === 'SalesQualified' && r.type === 'Shared',
			],
		])('%s', async (filter, predicate) => {
			const expected = idsWhere(predicate);
			expect(expected.length).toBeGreaterThan(0);
			const { ids, pages } = await client.listAll({ $filter: filter });
			expect(ids).toEqual(expected);
			expect(pages[0]['@odata.count']).toBe(expected.length);
		});

		it('finds the related referrals of an engagement with a quoted or an unquoted GUID', async () => {
			const engagementId = all[1].engagementId as string;
			const expected = idsWhere((r) => r.engagementId === engagementId);
			expect(expected.length).toBeGreaterThanOrEqual(2);
			expect((await client.listAll({ $filter: `engagementId eq '${engagementId}'` })).ids).toEqual(
				expected,
			);
			expect((await client.listAll({ $filter: `engagementId eq ${engagementId}` })).ids).toEqual(
				expected,
			);
			expect(
				(await client.listAll({ $filter: `engagementId eq ${engagementId.toUpperCase()}` })).ids,
			).toEqual(expected);
		});

		it('decodes + and %20 as spaces and %24 as $', async () => {
			const expected = idsWhere((r) => r.status === 'Closed' && r.substatus === 'Won');
			const plus = await client.json<{ value: Referral[] }>(
				`${REFERRALS_PATH}?$filter=status+eq+'Closed'+and+substatus+eq+'Won'&$top=500`,
			);
			expect(plus.body.value.map((r) => r.id)).toEqual(expected.slice(0, 100));
			const encoded = await client.json<{ value: Referral[] }>(
				`${REFERRALS_PATH}?%24filter=status%20eq%20%27Closed%27%20and%20substatus%20eq%20%27Won%27`,
			);
			expect(encoded.body.value.map((r) => r.id)).toEqual(expected.slice(0, 100));
		});

		it.each([
			["status eq 'New' and", /end of expression/],
			["status eq 'New", /Unterminated/],
			["(status eq 'New'", /Expected '\)'/],
			['status equals 1', /equals/],
			["customerProfile.name eq 'x'", /'\.'/],
		])('answers 400 invalidRequest for %j', async (filter, message) => {
			const response = await client.list({ $filter: filter });
			expect(response.status).toBe(400);
			const error = (
				response.body as unknown as { error: { code: string; message: string; target: string } }
			).error;
			expect(error.code).toBe('invalidRequest');
			expect(error.message).toMatch(/\$filter/);
			expect(error.message).toMatch(message);
		});
	});

	describe('$orderby, $top, paging', () => {
		it('orders by updatedDateTime desc and createdDateTime asc, ties broken by id', async () => {
			const desc = await client.listAll({ $orderby: 'updatedDateTime desc' });
			const expectedDesc = [...all]
				.sort(
					(a, b) =>
						Date.parse(b.updatedDateTime!) - Date.parse(a.updatedDateTime!) ||
						(a.id < b.id ? -1 : 1),
				)
				.map((r) => r.id);
			expect(desc.ids).toEqual(expectedDesc);
			const asc = await client.listAll({ $orderby: 'createdDateTime', $filter: "status eq 'New'" });
			const expectedAsc = all
				.filter((r) => r.status === 'New')
				.sort(
					(a, b) =>
						Date.parse(a.createdDateTime!) - Date.parse(b.createdDateTime!) ||
						(a.id < b.id ? -1 : 1),
				)
				.map((r) => r.id);
			expect(asc.ids).toEqual(expectedAsc);
		});

		it('rejects unknown $orderby fields and directions', async () => {
			const field = await client.list({ $orderby: 'dealValue desc' });
			expect(field.status).toBe(400);
			expect(JSON.stringify(field.body)).toMatch(/dealValue/);
			expect((await client.list({ $orderby: 'createdDateTime sideways' })).status).toBe(400);
		});

		it('visits every item exactly once following absolute nextLinks (pageSize 100, 301 items)', async () => {
			const { ids, pages } = await client.listAll();
			expect(pages.map((page) => page.value.length)).toEqual([100, 100, 100, 1]);
			expect(ids).toEqual(all.map((r) => r.id));
			expect(new Set(ids).size).toBe(301);
			for (const page of pages.slice(0, -1)) {
				expect(page['@odata.nextLink']).toMatch(
					new RegExp(
						`^${sandbox.url.replace(/\./g, '\\.')}/v1\\.0/engagements/referrals\\?.*\\$skiptoken=`,
					),
				);
			}
			expect(pages[pages.length - 1]['@odata.nextLink']).toBeUndefined();
		});

		it('keeps the original query in nextLink', async () => {
			const first = await client.list({
				$filter: "direction eq 'Incoming'",
				$orderby: 'updatedDateTime desc',
			});
			const next = new URL(first.body['@odata.nextLink'] as string);
			expect(next.searchParams.get('$filter')).toBe("direction eq 'Incoming'");
			expect(next.searchParams.get('$orderby')).toBe('updatedDateTime desc');
			expect(next.searchParams.get('$skiptoken')).toBeTruthy();
			const expected = idsWhere((r) => r.direction === 'Incoming').length;
			const { ids } = await client.listAll({
				$filter: "direction eq 'Incoming'",
				$orderby: 'updatedDateTime desc',
			});
			expect(new Set(ids).size).toBe(expected);
		});

		it('$top caps the total number of results across pages', async () => {
			const { pages, ids } = await client.listAll({ $top: 150 });
			expect(pages.map((page) => page.value.length)).toEqual([100, 50]);
			expect(ids).toEqual(all.slice(0, 150).map((r) => r.id));
			const small = await client.list({ $top: 5 });
			expect(small.body.value).toHaveLength(5);
			expect(small.body['@odata.nextLink']).toBeUndefined();
			expect(small.body['@odata.count']).toBe(301);
			const exact = await client.listAll({ $top: 200 });
			expect(exact.pages.map((page) => page.value.length)).toEqual([100, 100]);
			expect((await client.list({ $top: 0 })).body.value).toEqual([]);
			expect((await client.list({ $top: 'ten' })).status).toBe(400);
		});

		it('supports $skip and $select on lists', async () => {
			const response = await client.list({ $skip: 295, $select: 'id,status' });
			expect(response.body.value.map((r) => r.id)).toEqual(all.slice(295).map((r) => r.id));
			expect(Object.keys(response.body.value[0]).sort()).toEqual(['id', 'status']);
		});

		it('rejects a forged $skiptoken', async () => {
			const response = await client.json(`${REFERRALS_PATH}?$skiptoken=not-a-token`);
			expect(response.status).toBe(400);
			expect(JSON.stringify(response.body)).toMatch(/skiptoken/);
		});

		it('pages stably over identical timestamps (id tie-break)', async () => {
			const tied = await startSandbox({
				referralCount: 0,
				pageSize: 3,
				now: () => new Date('2026-02-02T02:02:02Z'),
			});
			try {
				for (let i = 0; i < 10; i++) tied.referrals.create({ name: `tie ${i}` });
				const tiedClient = new Client(tied);
				const { ids, pages } = await tiedClient.listAll({ $orderby: 'createdDateTime desc' });
				expect(pages).toHaveLength(4);
				const expected = tied.referrals
					.all()
					.filter((r) => r.createdDateTime === '2026-02-02T02:02:02.0000000Z')
					.map((r) => r.id)
					.sort();
				expect(ids.slice(0, 10)).toEqual(expected);
				expect(new Set(ids).size).toBe(11);
			} finally {
				await tied.close();
			}
		});
	});
});
