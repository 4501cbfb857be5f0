import type {
	IDataObject,
	IExecuteFunctions,
	INodeProperties,
	INodePropertyOptions,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { createReferral } from '../../api/referrals';
import {
	concurrencyOption,
	membersField,
	optionsCollection,
	simplifyField,
	timeoutOption,
} from '../../descriptions/common';
import { qualificationField, typeField } from '../../descriptions/fields';
import { compact, readIds, readMembers } from '../../shared/body';
import { QUALIFICATIONS, TYPES } from '../../shared/constants';
import { formatReferral } from '../../shared/simplify';
import {
	amount,
	country,
	currency,
	dateTime,
	flag,
	oneOf,
	text,
	ValueReader,
} from '../../shared/values';
import { readSimplify } from '../parameters';
import type { SendItem } from '../types';

export const option: INodePropertyOptions = {
	name: 'Create',
	value: 'create',
	description: 'Create a referral (an outgoing lead, or a co-sell referral shared with Microsoft)',
	action: 'Create a referral',
};

export const toolDescription =
	'Creates one new referral in Microsoft Partner Center (a lead the partner sends, or a co-sell referral shared with Microsoft) and returns it with its new id. Writes: every call creates another referral. A failed call is never retried, because Partner Center cannot tell a retry from a second referral: if a call fails, look for the referral with a listing tool before calling again. Call it only when the user asked to create this referral.';

const properties: INodeProperties[] = [
	{
		displayName:
			'A failed create is not retried automatically (only when Partner Center throttles with 429), because Partner Center has no way to tell a retry from a second referral. Check Partner Center before you re-run a failed item.',
		name: 'createNotice',
		type: 'notice',
		default: '',
	},
	typeField,
	{
		displayName: 'Customer Name',
		name: 'customerName',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. Fabrikam Inc',
	},
	{
		displayName: 'Customer Country',
		name: 'customerCountry',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. US',
		description: "Two-letter ISO 3166 code of the customer's country",
	},
	{
		displayName: 'Customer Agreed to Be Contacted',
		name: 'consentToContact',
		type: 'boolean',
		default: true,
		description: 'Whether the customer agreed to be contacted about this referral',
	},
	{
		displayName: 'Customer Agreed to Share Info with Others',
		name: 'consentToShareInfo',
		type: 'boolean',
		default: false,
		description: 'Whether the customer agreed that their details may be shared with other partners',
	},
	simplifyField,
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			{
				displayName: 'Closing Date',
				name: 'closingDateTime',
				type: 'dateTime',
				default: '',
				description: 'When the deal is expected to close',
			},
			{
				displayName: 'Currency',
				name: 'currency',
				type: 'string',
				default: '',
				placeholder: 'e.g. USD',
				description: 'Three-letter ISO 4217 code of the deal value',
			},
			{ displayName: 'Customer Address Line 1', name: 'addressLine1', type: 'string', default: '' },
			{ displayName: 'Customer Address Line 2', name: 'addressLine2', type: 'string', default: '' },
			{ displayName: 'Customer City', name: 'city', type: 'string', default: '' },
			membersField('customerContacts', 'Customer Contacts', "The customer's people to contact"),
			{ displayName: 'Customer Postal Code', name: 'postalCode', type: 'string', default: '' },
			{
				displayName: 'Customer Size',
				name: 'customerSize',
				type: 'string',
				default: '',
				placeholder: 'e.g. 51to1000employees',
				description: 'Company size as Partner Center names it',
			},
			{
				displayName: 'Customer State',
				name: 'state',
				type: 'string',
				default: '',
				placeholder: 'e.g. WA',
			},
			{
				displayName: 'Deal Value',
				name: 'dealValue',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 0,
			},
			{
				displayName: 'External Reference ID',
				name: 'externalReferenceId',
				type: 'string',
				default: '',
				description: 'Your own ID for this deal, e.g. the CRM opportunity ID',
			},
			{
				displayName: 'Notes',
				name: 'notes',
				type: 'string',
				typeOptions: { rows: 3 },
				default: '',
			},
			{
				displayName: 'Private Deal',
				name: 'privateDeal',
				type: 'boolean',
				default: false,
				description:
					'Whether to keep the referral from Microsoft sellers (not shared with Microsoft)',
			},
			{
				displayName: 'Product IDs',
				name: 'products',
				type: 'string',
				default: '',
				placeholder: 'e.g. Microsoft365, Azure',
				description: 'Comma-separated product IDs the customer needs',
			},
			qualificationField,
			{
				displayName: 'Referral Name',
				name: 'name',
				type: 'string',
				default: '',
				placeholder: 'e.g. Fabrikam Microsoft 365 rollout',
			},
			{
				displayName: 'Share with Microsoft (Co-Sell)',
				name: 'shareWithMicrosoft',
				type: 'boolean',
				default: false,
				description:
					'Whether to invite Microsoft to co-sell (targets Microsoft; needs Type Shared)',
			},
			{
				displayName: 'Solution IDs',
				name: 'solutions',
				type: 'string',
				default: '',
				placeholder: 'e.g. SOL-12345-ABC',
				description: 'Comma-separated IDs of your Partner Center solutions for this deal',
			},
			membersField('teamMembers', 'Team Members', 'Your people working this referral'),
		],
	},
	optionsCollection(concurrencyOption, timeoutOption),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['referral'], operation: ['create'] } },
	properties,
);

export const writes = true;

export function prepare(this: IExecuteFunctions, itemIndex: number): SendItem {
	const read = new ValueReader(this, itemIndex);
	const parameter = (name: string, fallback?: unknown): unknown =>
		this.getNodeParameter(name, itemIndex, fallback);
	const type = read.required('Type', parameter('type'), oneOf(TYPES));
	const simplify = readSimplify(this, read, itemIndex);
	const fields = parameter('additionalFields', {}) as IDataObject;
	const customerName = read.required(
		'Customer Name',
		parameter('customerName'),
		text,
		"the customer's company name",
	);
	const customerCountry = read.required('Customer Country', parameter('customerCountry'), country);
	// Switches decide what is shared, so one added but set to a blank is refused, never read as off.
	const addedSwitch = (name: string, key: string) =>
		key in fields ? read.required(name, fields[key], flag) : false;
	const shareWithMicrosoft = addedSwitch('Share with Microsoft (Co-Sell)', 'shareWithMicrosoft');
	const privateDeal = addedSwitch('Private Deal', 'privateDeal');

	if (shareWithMicrosoft && privateDeal) {
		read.fail('Share with Microsoft (Co-Sell)', true, {
			expected: '"Private Deal" to be off: a private deal is not shared with Microsoft',
			forModel:
				'the referral not to be a private deal: a private deal is not shared with Microsoft, so a referral cannot be both',
		});
	}
	if (shareWithMicrosoft && type !== 'Shared') {
		read.fail('Type', type, {
			expected: 'Shared when "Share with Microsoft (Co-Sell)" is on',
			forModel: 'Shared when the referral is shared with Microsoft (co-sell)',
		});
	}

	const optionalText = (name: string, value: unknown) => read.optional(name, value, text);
	const contacts = readMembers(read, 'Customer Contacts', fields.customerContacts);
	const team = readMembers(read, 'Team Members', fields.teamMembers);
	const body = compact({
		type,
		name: optionalText('Referral Name', fields.name),
		externalReferenceId: optionalText('External Reference ID', fields.externalReferenceId),
		qualification: read.optional('Qualification', fields.qualification, oneOf(QUALIFICATIONS)),
		customerProfile: {
			name: customerName,
			size: optionalText('Customer Size', fields.customerSize),
			address: {
				addressLine1: optionalText('Customer Address Line 1', fields.addressLine1),
				addressLine2: optionalText('Customer Address Line 2', fields.addressLine2),
				city: optionalText('Customer City', fields.city),
				state: optionalText('Customer State', fields.state),
				postalCode: optionalText('Customer Postal Code', fields.postalCode),
				country: customerCountry,
			},
		},
		consent: {
			// always sent: a blank (an expression giving nothing) is refused, never read as the default
			consentToToShareInfoWithOthers: read.required(
				'Customer Agreed to Share Info with Others',
				parameter('consentToShareInfo', false),
				flag,
			),
			consentToContact: read.required(
				'Customer Agreed to Be Contacted',
				parameter('consentToContact', true),
				flag,
			),
			consentToShareReferralWithMicrosoftSellers: !privateDeal,
		},
		details: {
			notes: optionalText('Notes', fields.notes),
			dealValue: read.optional('Deal Value', fields.dealValue, amount),
			currency: read.optional('Currency', fields.currency, currency),
			closingDateTime: read.optional('Closing Date', fields.closingDateTime, dateTime),
			requirements: {
				products: readIds(read, 'Product IDs', fields.products),
				solutions: readIds(read, 'Solution IDs', fields.solutions),
			},
		},
	});
	// details is required by Partner Center even when none of its fields is set
	body.details ??= {};
	if (contacts.length > 0) (body.customerProfile as IDataObject).team = contacts;
	if (team.length > 0) body.team = team;
	if (shareWithMicrosoft) body.target = [{ type: 'BusinessProfileLocation', id: 'msft' }];

	return async () => [formatReferral(await createReferral.call(this, body, itemIndex), simplify)];
}
