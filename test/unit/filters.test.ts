import type { INode } from 'n8n-workflow';

import { buildReferralFilter, quote } from '../../nodes/PartnerCenterReferral/shared/odataFilter';
import { toUtcIso } from '../../nodes/PartnerCenterReferral/shared/values';

const context = {
	getNode: () => ({ name: 'Partner Center Referral' }) as INode,
	getTimezone: () => 'Europe/Berlin',
};

describe('OData filter building', () => {
	it('quotes strings and doubles quotes inside', () => {
		expect(quote("O'Brien")).toBe("'O''Brien'");
		expect(buildReferralFilter(context, { teamMemberEmail: "o'brien@contoso.com" })).toBe(
			"team/any(t:t/email eq 'o''brien@contoso.com')",
		);
	});

	it('builds each filter and joins them with and', () => {
		expect(
			buildReferralFilter(context, {
				status: ['New', 'Active'],
				substatus: ['Pending'],
				type: 'Shared',
				qualification: 'Direct',
				direction: 'Incoming',
				customerCountry: 'us',
				engagementId: '65edc0b5-3485-41b7-a17e-dfa9ef4706e2',
				createdAfter: '2026-01-01T00:00:00Z',
				updatedAfter: '2026-02-01T10:00:00',
				updatedBefore: '2026-03-01T00:00:00.000+00:00',
				teamMemberEmail: 'a@contoso.com',
				customFilter: "details/dealValue ge 1000 or name eq 'x'",
			}),
		).toBe(
			[
				"(status eq 'New' or status eq 'Active')",
				"substatus eq 'Pending'",
				"type eq 'Shared'",
				"qualification eq 'Direct'",
				"direction eq 'Incoming'",
				"customerProfile/address/country eq 'US'",
				"engagementId eq '65edc0b5-3485-41b7-a17e-dfa9ef4706e2'",
				'createdDateTime ge 2026-01-01T00:00:00Z',
				// a date-time without zone is in the workflow's time zone (Berlin, UTC+1 in winter)
				'updatedDateTime ge 2026-02-01T09:00:00Z',
				'updatedDateTime lt 2026-03-01T00:00:00Z',
				"team/any(t:t/email eq 'a@contoso.com')",
				"(details/dealValue ge 1000 or name eq 'x')",
			].join(' and '),
		);
	});

	it('returns undefined without filters and keeps a lone custom filter as is', () => {
		expect(buildReferralFilter(context, {})).toBeUndefined();
		expect(buildReferralFilter(context, { status: [], customerCountry: '  ' })).toBeUndefined();
		expect(buildReferralFilter(context, { customFilter: "status eq 'New'" })).toBe(
			"status eq 'New'",
		);
	});

	it.each([
		[{ customerCountry: 'USA' }, 'Customer Country'],
		[{ customerCountry: "U'" }, 'Customer Country'],
		[{ engagementId: "x' or 1 eq 1" }, 'Engagement ID'],
		[{ createdAfter: 'yesterday' }, 'Created After'],
		[{ teamMemberEmail: 'not an email' }, 'Team Member Email'],
		[{ updatedAfter: true }, 'Updated After'],
		[{ updatedAfter: 1782900000 }, 'Updated After'],
		[{ customerCountry: 12 }, 'Customer Country'],
		[
			{ customerCountry: 'US', customFilter: "details/dealValue ge 0) or (status eq 'Closed'" },
			'Custom Filter (OData)',
		],
	])('refuses %j naming the filter', (filters, name) => {
		expect(() => buildReferralFilter(context, filters)).toThrow(
			`The filter "${name}" has an invalid value`,
		);
	});

	it('converts n8n date-times to UTC', () => {
		expect(toUtcIso('2026-07-01T12:00:00', 'America/New_York')).toBe('2026-07-01T16:00:00Z');
		expect(toUtcIso(new Date('2026-07-01T12:00:00Z'), 'UTC')).toBe('2026-07-01T12:00:00Z');
		expect(toUtcIso(Date.UTC(2026, 6, 1, 12), 'UTC')).toBe('2026-07-01T12:00:00Z');
		expect(toUtcIso('nope', 'UTC')).toBeUndefined();
	});
});
