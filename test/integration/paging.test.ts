/**
 * Limits above one page against the sandbox over real HTTP. The sandbox reads `$top` as
 * standard OData does, as the size of the whole answer (pages of 100 within it), so asking
 * `$top=100` for "the first 120" would get 100. The nock tests (test/node) cover the other
 * reading, `$top` as the page size.
 */
import type { Referral } from '../../dev/sandbox';
import { timing } from '../../nodes/PartnerCenterReferral/shared/timing';
import type { SandboxSession } from './helpers';
import { byId, ids, incomingReferral, openSandbox, sortedBy } from './helpers';

const ENGAGEMENT = '0f1e2d3c-4b5a-4697-8877-665544332211';

let session: SandboxSession;
let related: Referral[];

beforeAll(async () => {
	session = await openSandbox({ referralCount: 300 });
	related = Array.from({ length: 130 }, (_, index) =>
		session.sandbox.referrals.create(
			incomingReferral({ name: `Related ${index}`, engagementId: ENGAGEMENT }),
		),
	);
});
afterAll(async () => {
	await session.close();
});
beforeEach(() => {
	session.sandbox.resetCounters();
	jest.spyOn(timing, 'sleep').mockResolvedValue();
});
afterEach(() => {
	jest.restoreAllMocks();
});

describe('Limits above one page (sandbox: $top is the whole answer)', () => {
	it.each([
		[120, 2],
		[250, 3],
	])(
		'Get Many with limit %s returns that many, newest first, in %s requests',
		async (limit, requests) => {
			const expected = sortedBy(session.sandbox.referrals.all(), 'createdDateTime', true).map(
				(referral) => referral.id,
			);
			const { items, error } = await session.run({
				operation: 'getMany',
				limit,
				options: { sort: 'createdDateTime desc' },
			});
			expect(error).toBeUndefined();
			expect(ids(items)).toEqual(expected.slice(0, limit));
			expect(session.sandbox.counters.byMethod.GET).toBe(requests);
		},
	);

	it('Get Related with limit 120 returns 120 of an engagement of 130', async () => {
		const { items, error } = await session.run({
			operation: 'getRelated',
			referralId: byId(related[0].id),
			limit: 120,
		});
		expect(error).toBeUndefined();
		expect(items).toHaveLength(120);
		expect(new Set(ids(items)).size).toBe(120);
		expect(ids(items).every((id) => related.some((referral) => referral.id === id))).toBe(true);
		expect(ids(items)).toContain(related[0].id);
	});
});
