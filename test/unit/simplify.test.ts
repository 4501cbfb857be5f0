/**
 * The simplified item keeps the types its output schema promises, whatever the service sends:
 * text fields are text or null, dealValue a number or null, and id is always text (the node
 * outputs only referrals with an id).
 */
import { generateSchemas } from '../../dev/schema/generate';
import { PartnerCenterReferral } from '../../nodes/PartnerCenterReferral/PartnerCenterReferral.node';
import { PartnerCenterReferralTrigger } from '../../nodes/PartnerCenterReferral/PartnerCenterReferralTrigger.node';
import { rawReferral, simplifyReferral } from '../../nodes/PartnerCenterReferral/shared/simplify';

describe('simplifyReferral against a service that sends other types', () => {
	const item = simplifyReferral({
		id: 'c5fbb3b6-be74-4795-9fb5-4324c73fed37',
		name: 42,
		externalReferenceId: true,
		status: { value: 'New' },
		substatus: ['Pending'],
		customerProfile: { name: 'Fabrikam', address: { country: 'US', city: 7 } },
		details: { dealValue: '10000' },
	});

	it('turns numbers and booleans in text fields into text', () => {
		expect(item.name).toBe('42');
		expect(item.externalReferenceId).toBe('true');
		expect(item.customerCity).toBe('7');
	});

	it('gives null, not an object or a list, for a text field that is neither', () => {
		expect(item.status).toBeNull();
		expect(item.substatus).toBeNull();
	});

	it('keeps text and numbers as they are', () => {
		expect(item.customerName).toBe('Fabrikam');
		expect(item.dealValue).toBe(10000);
	});
});

describe('the fields of newer API versions', () => {
	const NEWER = {
		salesStage: 'Develop',
		referralSource: 'AzureMarketplace',
		callToAction: 'ContactMe',
		customerMarketplaceIntent: 'Yes',
		registrationStatus: 'Registered',
		campaignId: 'CMP-12345',
		closedDateTime: '2026-03-04T10:11:12.1234567Z',
	};
	const referral = {
		id: 'c5fbb3b6-be74-4795-9fb5-4324c73fed37',
		status: 'Closed',
		substatus: 'Won',
		...NEWER,
		registrations: [{ id: 'r1' }],
	};

	it('are flat keys of the simplified item, as Partner Center sent them', () => {
		expect(simplifyReferral(referral)).toMatchObject(NEWER);
	});

	it('are null, not missing, on a referral from a version that does not send them', () => {
		const item = simplifyReferral({ id: 'c5fbb3b6-be74-4795-9fb5-4324c73fed37', status: 'New' });
		for (const key of Object.keys(NEWER))
			expect({ key, value: item[key] }).toEqual({ key, value: null });
	});

	it('keep the schema’s type when the service sends another (a number as text, an object as null)', () => {
		const item = simplifyReferral({
			id: 'x',
			campaignId: 12345,
			salesStage: { name: 'Develop' },
			callToAction: ['ContactMe'],
		});
		expect(item).toMatchObject({ campaignId: '12345', salesStage: null, callToAction: null });
	});

	it.each([
		[
			'details.requirements',
			{
				requirements: {
					additionalRequirements: {
						attributes: [
							{ type: 'Other', id: 'x' },
							{ type: 'CustomerMarketplaceIntent', id: 'HaveNotDecided' },
						],
					},
				},
			},
		],
		[
			'details',
			{
				additionalRequirements: {
					attributes: [{ type: 'CustomerMarketplaceIntent', id: 'HaveNotDecided' }],
				},
			},
		],
	])(
		'read customerMarketplaceIntent from a requirement attribute under %s too (Microsoft’s create example)',
		(_where, details) => {
			expect(simplifyReferral({ id: 'x', details }).customerMarketplaceIntent).toBe(
				'HaveNotDecided',
			);
			expect(
				simplifyReferral({ id: 'x', customerMarketplaceIntent: 'Yes', details })
					.customerMarketplaceIntent,
			).toBe('Yes');
			expect(
				simplifyReferral({ id: 'x', details: { additionalRequirements: { attributes: 'none' } } })
					.customerMarketplaceIntent,
			).toBeNull();
		},
	);

	it('leave the raw output untouched: every field as sent, unknown ones included', () => {
		expect(rawReferral({ '@odata.etag': 'W/"1"', ...referral })).toEqual(referral);
	});
});

describe('the output schemas', () => {
	it('promise an id that is text, never null, in every referral item', () => {
		const schemas = generateSchemas(
			new PartnerCenterReferral().description,
			new PartnerCenterReferralTrigger().description,
		);
		expect(schemas.size).toBe(10);
		for (const schema of schemas.values()) expect(schema.properties.id.type).toBe('string');
	});
});
