import {
	APOSTROPHE_CUSTOMER,
	COUNTRIES,
	EXAMPLE_REFERRAL_ID,
	REFERENCE_DATE,
	STATUS_PAIRS,
	exampleReferral,
	formatTimestamp,
	generateDataset,
	generateReferrals,
	type Referral,
} from '../../dev/sandbox';
import { ETAG_RE, GUID_RE, TIMESTAMP_RE } from './helpers';

describe('sandbox seeded data', () => {
	const data = generateDataset(50, 1);
	const generated = data.slice(1);

	it('is deterministic per seed', () => {
		expect(JSON.stringify(generateDataset(50, 1))).toBe(JSON.stringify(data));
		expect(JSON.stringify(generateDataset(50, 2))).not.toBe(JSON.stringify(data));
	});

	it('starts with the documented example referral, exactly as the docs show it (plus eTag)', () => {
		expect(data[0]).toEqual(exampleReferral());
		expect(data[0]).toEqual({
			id: EXAMPLE_REFERRAL_ID,
			engagementId: '65edc0b5-3485-41b7-a17e-dfa9ef4706e2',
			organizationId: '7d23e5ca-19dc-4eaa-aac8-5e6b559f0d1d',
			organizationName: 'Contoso Company',
			createdDateTime: '2020-10-30T21:03:00.0000000Z',
			updatedDateTime: '2020-10-30T21:03:00.0000000Z',
			status: 'New',
			substatus: 'Pending',
			qualification: 'Direct',
			type: 'Independent',
			direction: 'Incoming',
			customerProfile: {
				name: 'Fabrikam Customer Inc',
				address: {
					addressLine1: 'One Microsoft Way',
					addressLine2: '',
					city: 'Redmond',
					state: 'WA',
					postalCode: '98052',
					country: 'US',
				},
			},
			details: {
				notes:
					'We are interested in deploying Microsoft 365 and are looking forsupport in training our employees. Can you help?',
				dealValue: 10000,
				currency: 'USD',
				closingDateTime: '2020-12-01T00:00:00Z',
				requirements: {
					industries: [{ id: 'Education' }],
					products: [{ id: 'Microsoft365' }],
					services: [{ id: 'LearningAndCertification' }],
					solutions: [{ id: 'SOL-Microsoft365', name: 'Microsoft365' }],
				},
			},
			links: {
				relatedReferrals: {
					uri: "https://api.partner.microsoft.com/v1.0/engagements/referrals$filter=engagementId eq '65edc0b5-3485-41b7-a17e-dfa9ef4706e2'",
					method: 'GET',
				},
				self: {
					uri: 'https://api.partner.microsoft.com/v1.0/engagements/referralsc5fbb3b6-be74-4795-9fb5-4324c73fed37',
					method: 'GET',
				},
			},
			eTag: '"2500ec5a-0000-0000-0000-5bf4967d0000"',
		});
	});

	it('covers every status/substatus pair, type, qualification, direction and country', () => {
		const pairs = new Set(generated.map((r) => `${r.status}/${r.substatus}`));
		for (const [status, substatus] of STATUS_PAIRS)
			expect(pairs).toContain(`${status}/${substatus}`);
		expect(new Set(generated.map((r) => r.type))).toEqual(new Set(['Independent', 'Shared']));
		expect(new Set(generated.map((r) => r.qualification))).toEqual(
			new Set(['None', 'Direct', 'MarketingQualified', 'SalesQualified']),
		);
		const incoming = generated.filter((r) => r.direction === 'Incoming').length;
		const outgoing = generated.filter((r) => r.direction === 'Outgoing').length;
		expect(outgoing).toBeGreaterThan(0);
		expect(incoming).toBeGreaterThan(outgoing);
		expect(new Set(generated.map((r) => r.customerProfile?.address?.country))).toEqual(
			new Set(COUNTRIES),
		);
		expect(new Set(generated.map((r) => r.details?.currency)).size).toBeGreaterThanOrEqual(5);
	});

	it('has the awkward cases: apostrophes, string deal values, unknown fields, shared engagements', () => {
		expect(generated.some((r) => r.customerProfile?.name === APOSTROPHE_CUSTOMER)).toBe(true);
		expect(generated.some((r) => typeof r.details?.dealValue === 'string')).toBe(true);
		expect(generated.some((r) => typeof r.salesStage === 'string')).toBe(true);
		expect(generated.some((r) => Array.isArray(r.tags))).toBe(true);
		// the newer API versions' fields: some referrals carry each, some do not
		for (const key of [
			'salesStage',
			'referralSource',
			'callToAction',
			'customerMarketplaceIntent',
			'registrationStatus',
			'campaignId',
			'closedDateTime',
		]) {
			const carried = generated.filter((r) => typeof r[key] === 'string').length;
			expect({ key, carried: carried > 0, missing: carried < generated.length }).toEqual({
				key,
				carried: true,
				missing: true,
			});
		}
		expect(
			generated
				.filter((r) => r.closedDateTime !== undefined)
				.every((r) => r.status === 'Closed' && r.closedDateTime === r.updatedDateTime),
		).toBe(true);
		expect(generateReferrals(11, 1)[7]).toHaveProperty('referralSource');
		expect(generateReferrals(11, 1)[9]).toHaveProperty('campaignId');
		const groups = new Map<string, Referral[]>();
		for (const r of generateReferrals(500, 1))
			groups.set(r.engagementId as string, [...(groups.get(r.engagementId as string) ?? []), r]);
		const sizes = [...groups.values()].map((g) => g.length);
		expect(Math.max(...sizes)).toBeLessThanOrEqual(4);
		expect(sizes.filter((size) => size > 1).length).toBeGreaterThan(3);
		expect(new Set(sizes)).toEqual(new Set([1, 2, 3, 4]));
		expect(generated[0].engagementId).toBe(generated[1].engagementId);
		expect(
			generated.every((r) => (r.team ?? []).every((m) => /@contoso\.com$/.test(m.email ?? ''))),
		).toBe(true);
		expect(generated.some((r) => (r.team ?? []).length > 0)).toBe(true);
	});

	it('has well-formed ids, eTags and timestamps relative to the fixed reference date', () => {
		const ids = new Set<string>();
		for (const r of generated) {
			expect(r.id).toMatch(GUID_RE);
			expect(r.engagementId).toMatch(GUID_RE);
			expect(r.eTag).toMatch(ETAG_RE);
			expect(r.createdDateTime).toMatch(TIMESTAMP_RE);
			expect(r.updatedDateTime).toMatch(TIMESTAMP_RE);
			const created = Date.parse(r.createdDateTime as string);
			const updated = Date.parse(r.updatedDateTime as string);
			expect(created).toBeGreaterThanOrEqual(REFERENCE_DATE - 366 * 86_400_000);
			expect(updated).toBeGreaterThanOrEqual(created);
			expect(updated).toBeLessThanOrEqual(REFERENCE_DATE);
			expect(r.organizationId).toBe('7d23e5ca-19dc-4eaa-aac8-5e6b559f0d1d');
			ids.add(r.id);
		}
		expect(ids.size).toBe(generated.length);
		expect(formatTimestamp(Date.UTC(2020, 9, 30, 21, 3, 0, 5))).toBe(
			'2020-10-30T21:03:00.0050000Z',
		);
	});
});
