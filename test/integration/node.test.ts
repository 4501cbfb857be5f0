/**
 * The Partner Center Referral node against the sandbox over real HTTP: every operation,
 * through n8n's engine and the OAuth2 credential.
 */
import type { IDataObject } from 'n8n-workflow';

import type { Referral } from '../../dev/sandbox';
import { exampleReferral } from '../../dev/sandbox';
import { timing } from '../../nodes/PartnerCenterReferral/shared/timing';
import type { SandboxSession } from './helpers';
import {
	byId,
	EXAMPLE_ID,
	ids,
	incomingReferral,
	json,
	openSandbox,
	patches,
	sortedBy,
} from './helpers';
import { flat } from '../node/helpers';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

let session: SandboxSession;

beforeAll(async () => {
	session = await openSandbox({ pageSize: 10, referralCount: 60 });
});
afterAll(async () => {
	await session.close();
});
beforeEach(() => {
	session.sandbox.resetFaults();
	session.sandbox.resetCounters();
	jest.spyOn(timing, 'sleep').mockResolvedValue();
});
afterEach(() => {
	jest.restoreAllMocks();
});

const stored = (id: string): Referral => {
	const referral = session.sandbox.referrals.get(id);
	if (!referral) throw new Error(`no referral ${id} in the sandbox`);
	return referral;
};

describe('Get', () => {
	it('returns the documented example as a flat item (Simplify on)', async () => {
		const { items, error } = await session.run({ operation: 'get', referralId: byId(EXAMPLE_ID) });
		expect(error).toBeUndefined();
		expect(json(items)).toEqual([
			flat(EXAMPLE_ID, { eTag: '"2500ec5a-0000-0000-0000-5bf4967d0000"' }),
		]);
		expect(session.sandbox.counters.byMethod).toEqual({ GET: 1 });
	});

	it('returns the documented example as Partner Center sends it, without @odata keys (Simplify off)', async () => {
		const { items } = await session.run({
			operation: 'get',
			referralId: byId(EXAMPLE_ID),
			simplify: false,
		});
		expect(items).toHaveLength(1);
		expect(items[0].json).toEqual(exampleReferral());
		expect(Object.keys(items[0].json).some((key) => key.startsWith('@odata'))).toBe(false);
	});

	it('names a referral that does not exist (404 from the sandbox)', async () => {
		const missing = '00000000-0000-4000-8000-000000000001';
		const { error } = await session.run({ operation: 'get', referralId: byId(missing) });
		expect(error?.message).toBe(`Referral ${missing} was not found`);
		expect(error?.description).toContain('itemNotFound');
	});
});

describe('Get Many', () => {
	const newest = (predicate: (referral: Referral) => boolean) =>
		sortedBy(session.sandbox.referrals.all().filter(predicate), 'createdDateTime', true).map(
			(referral) => referral.id,
		);

	it('stops mid-page at the limit: 15 of the filtered referrals over two pages of 10', async () => {
		const expected = newest((referral) => referral.status === 'New');
		expect(expected.length).toBeGreaterThan(15);

		const { items, error } = await session.run({
			operation: 'getMany',
			limit: 15,
			filters: { status: ['New'] },
			options: { sort: 'createdDateTime desc' },
		});

		expect(error).toBeUndefined();
		expect(ids(items)).toEqual(expected.slice(0, 15));
		expect(session.sandbox.counters.byMethod.GET).toBe(2);
	});

	it('returns every match across all pages with Return All, each once', async () => {
		const expected = newest(
			(referral) => referral.status === 'New' || referral.status === 'Active',
		);
		expect(expected.length).toBeGreaterThan(20);

		const { items } = await session.run({
			operation: 'getMany',
			returnAll: true,
			filters: { status: ['New', 'Active'] },
			options: { sort: 'createdDateTime desc' },
		});

		expect(ids(items)).toEqual(expected);
		expect(new Set(ids(items)).size).toBe(expected.length);
		expect(session.sandbox.counters.byMethod.GET).toBe(Math.ceil(expected.length / 10));
	});

	it('combines filters (direction, country, team member email) and returns raw referrals with Simplify off', async () => {
		const email = 'megan.bowen@contoso.com';
		const expected = session.sandbox.referrals
			.all()
			.filter(
				(referral) =>
					referral.direction === 'Incoming' &&
					referral.customerProfile?.address?.country === 'US' &&
					(referral.team ?? []).some((member) => member.email === email),
			)
			.map((referral) => referral.id);
		expect(expected.length).toBeGreaterThan(0);

		const { items } = await session.run({
			operation: 'getMany',
			returnAll: true,
			simplify: false,
			filters: { direction: 'Incoming', customerCountry: 'us', teamMemberEmail: email },
		});

		expect(ids(items).sort()).toEqual([...expected].sort());
		for (const { json: referral } of items) {
			expect(referral.direction).toBe('Incoming');
			expect((referral.team as IDataObject[]).map((member) => member.email)).toContain(email);
		}
	});

	it("quotes a customer name with an apostrophe in a custom filter (O'Brien Consulting)", async () => {
		const { items, error } = await session.run({
			operation: 'getMany',
			returnAll: true,
			filters: { customFilter: "customerProfile/name eq 'O''Brien Consulting'" },
		});
		expect(error).toBeUndefined();
		expect(items.length).toBeGreaterThan(0);
		expect(new Set(json(items).map((item) => item.customerName))).toEqual(
			new Set(["O'Brien Consulting"]),
		);
	});
});

describe('Get Related', () => {
	it('lists every referral of the engagement, the referral itself included', async () => {
		const [, first] = session.sandbox.referrals.all();
		const expected = session.sandbox.referrals
			.all()
			.filter((referral) => referral.engagementId === first.engagementId)
			.map((referral) => referral.id);
		expect(expected.length).toBeGreaterThanOrEqual(2);

		const { items, error } = await session.run({
			operation: 'getRelated',
			referralId: byId(first.id),
			returnAll: true,
		});

		expect(error).toBeUndefined();
		expect(ids(items).sort()).toEqual([...expected].sort());
		expect(new Set(json(items).map((item) => item.engagementId))).toEqual(
			new Set([first.engagementId]),
		);
	});

	it('returns just the documented example for its own engagement', async () => {
		const { items } = await session.run({
			operation: 'getRelated',
			referralId: byId(EXAMPLE_ID),
			returnAll: true,
		});
		expect(ids(items)).toEqual([EXAMPLE_ID]);
	});
});

describe('Create', () => {
	it('creates a referral the service stores, and Get returns it', async () => {
		const { items, error } = await session.run({
			operation: 'create',
			type: 'Independent',
			customerName: 'Contoso Pharmaceuticals',
			customerCountry: 'gb',
			consentToContact: true,
			consentToShareInfo: false,
			additionalFields: {
				name: 'Dynamics 365 Sales for Contoso Pharmaceuticals',
				dealValue: 25000,
				currency: 'eur',
				closingDateTime: '2026-12-31T00:00:00Z',
				notes: 'Wants a pilot in Q3.',
				city: 'London',
				products: 'Dynamics365, PowerPlatform',
				externalReferenceId: 'CRM-4711',
				teamMembers: {
					member: [{ email: 'adele.vance@contoso.com', firstName: 'Adele', lastName: 'Vance' }],
				},
			},
		});

		expect(error).toBeUndefined();
		expect(session.sandbox.counters.byMethod.POST).toBe(1);
		const created = items[0].json;
		expect(created).toMatchObject({
			name: 'Dynamics 365 Sales for Contoso Pharmaceuticals',
			status: 'New',
			substatus: 'Pending',
			type: 'Independent',
			direction: 'Outgoing',
			customerName: 'Contoso Pharmaceuticals',
			customerCity: 'London',
			customerCountry: 'GB',
			dealValue: 25000,
			currency: 'EUR',
			closingDateTime: '2026-12-31T00:00:00Z',
			externalReferenceId: 'CRM-4711',
		});
		expect(created.id).toMatch(GUID);
		expect(created.eTag).toEqual(expect.any(String));

		const saved = stored(String(created.id));
		expect(saved.consent).toEqual({
			consentToToShareInfoWithOthers: false,
			consentToContact: true,
			consentToShareReferralWithMicrosoftSellers: true,
		});
		expect(saved.details?.requirements?.products).toEqual([
			{ id: 'Dynamics365' },
			{ id: 'PowerPlatform' },
		]);
		expect(saved.team).toEqual([
			{ email: 'adele.vance@contoso.com', firstName: 'Adele', lastName: 'Vance' },
		]);

		const { items: got } = await session.run({
			operation: 'get',
			referralId: byId(String(created.id)),
		});
		expect(got[0].json).toEqual(created);
	});

	it('creates a co-sell referral shared with Microsoft', async () => {
		const { items } = await session.run({
			operation: 'create',
			type: 'Shared',
			customerName: 'Fourth Coffee',
			customerCountry: 'US',
			simplify: false,
			additionalFields: { shareWithMicrosoft: true, solutions: 'SOL-ZeroTrust' },
		});
		expect(items[0].json).toMatchObject({
			type: 'Shared',
			target: [{ type: 'BusinessProfileLocation', id: 'msft' }],
			details: { requirements: { solutions: [{ id: 'SOL-ZeroTrust' }] } },
		});
	});
});

describe('Update', () => {
	it('updates with the current eTag, then refuses a stale one with the 412 error', async () => {
		const referral = session.sandbox.referrals.create(incomingReferral());
		const staleETag = String(referral.eTag);

		const first = await session.run({
			operation: 'update',
			referralId: byId(referral.id),
			updateFields: {
				dealValue: 52000,
				notes: 'Budget approved.',
				closingDateTime: '2026-10-15T00:00:00Z',
			},
			options: { eTag: staleETag },
		});
		expect(first.error).toBeUndefined();
		expect(first.items[0].json).toMatchObject({
			dealValue: 52000,
			notes: 'Budget approved.',
			closingDateTime: '2026-10-15T00:00:00Z',
		});
		expect(first.items[0].json.eTag).not.toBe(staleETag);
		expect(patches(session.sandbox)).toBe(1);

		const second = await session.run({
			operation: 'update',
			referralId: byId(referral.id),
			updateFields: { dealValue: 1 },
			options: { eTag: staleETag },
		});
		expect(second.error?.message).toBe(
			`The referral ${referral.id} changed since it was read (eTag mismatch, 412)`,
		);
		expect(second.error?.description).toContain('preconditionFailed');
		expect(second.error?.description).toContain('new eTag');
		expect(patches(session.sandbox)).toBe(2);
		expect(stored(referral.id).details?.dealValue).toBe(52000);
	});

	it('refuses a stale eTag before sending anything when the update moves the status', async () => {
		const referral = session.sandbox.referrals.create(incomingReferral());
		session.sandbox.referrals.update(referral.id, {
			details: { notes: 'changed by someone else' },
		});

		const { error } = await session.run({
			operation: 'update',
			referralId: byId(referral.id),
			updateFields: { status: 'Active', substatus: 'Accepted' },
			options: { eTag: String(referral.eTag) },
		});
		expect(error?.message).toContain('changed since it was read');
		expect(error?.description).toContain('Nothing was sent');
		expect(patches(session.sandbox)).toBe(0);
	});
});

describe('Status actions', () => {
	it.each([
		['accept', 'New', 'Pending', 'Active', 'Accepted'],
		['decline', 'New', 'Received', 'Closed', 'Declined'],
		['markWon', 'Active', 'Accepted', 'Closed', 'Won'],
		['markLost', 'Active', 'Accepted', 'Closed', 'Lost'],
		['markLost', 'New', 'Pending', 'Closed', 'Lost'],
	])(
		'%s moves %s/%s to %s/%s with the reason, in one PATCH',
		async (operation, status, substatus, toStatus, toSubstatus) => {
			const referral = session.sandbox.referrals.create(incomingReferral({ status, substatus }));

			const { items, error } = await session.run(
				{
					operation,
					referralId: byId(referral.id),
					options: { reason: `Reason for ${operation}`, eTag: '={{ $json.eTag }}' },
				},
				{ items: [{ eTag: referral.eTag }] },
			);

			expect(error).toBeUndefined();
			expect(items[0].json).toMatchObject({
				id: referral.id,
				status: toStatus,
				substatus: toSubstatus,
				statusReason: `Reason for ${operation}`,
			});
			expect(patches(session.sandbox)).toBe(1);
			expect(stored(referral.id)).toMatchObject({
				status: toStatus,
				substatus: toSubstatus,
				statusReason: `Reason for ${operation}`,
			});
		},
	);

	it.each([
		['accept', 'Closed', 'Expired'],
		['accept', 'Closed', 'Declined'],
		['decline', 'Closed', 'Won'],
		['markWon', 'Closed', 'Lost'],
		['markLost', 'Closed', 'Won'],
	])(
		'%s of a %s/%s referral fails with the allowed moves and sends no PATCH',
		async (operation, status, substatus) => {
			const referral = session.sandbox.referrals.create(incomingReferral({ status, substatus }));

			const { items, error } = await session.run({ operation, referralId: byId(referral.id) });

			expect(items).toEqual([]);
			expect(error?.message).toContain(
				`Referral ${referral.id} cannot move from ${status}/${substatus}`,
			);
			expect(error?.description).toContain('Nothing was sent');
			expect(patches(session.sandbox)).toBe(0);
			expect(session.sandbox.counters.byMethod.GET).toBe(1);
			expect(stored(referral.id)).toMatchObject({ status, substatus });
		},
	);

	it('turns an illegal move into an error item with Continue On Fail, the legal ones still go through', async () => {
		const open = session.sandbox.referrals.create(incomingReferral());
		const closed = session.sandbox.referrals.create(
			incomingReferral({ status: 'Closed', substatus: 'Won' }),
		);

		const { items, error } = await session.run(
			{ operation: 'accept', referralId: { __rl: true, mode: 'id', value: '={{ $json.id }}' } },
			{ items: [{ id: open.id }, { id: closed.id }], continueOnFail: true },
		);

		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ id: open.id, status: 'Active', substatus: 'Accepted' });
		expect(items[1].json.error).toContain('cannot move from Closed/Won');
		expect(patches(session.sandbox)).toBe(1);
	});
});
