import type { IDataObject } from 'n8n-workflow';

import { asUtcStamp } from './serviceTime';

/** One key of the simplified item: where it comes from in the referral, and its JSON type. */
export interface SimplifiedField {
	key: string;
	/** Path in the referral as Partner Center sends it. */
	from: readonly string[];
	/** The key's type; every key but id is also null when Partner Center did not send the value. */
	type: 'string' | 'number';
	/** Never null: the node outputs only referrals that have an id (the transport refuses others). */
	always?: true;
	/**
	 * Else, the id of the requirement attribute of this type ({"type": ..., "id": ...} under
	 * details' additionalRequirements.attributes): where Microsoft's create example puts a value
	 * its resource page shows as a top-level field.
	 */
	orAttribute?: string;
	description: string;
}

/**
 * The one mapping from the service's nested referral to the flat item that later nodes use
 * as {{$json.status}}, {{$json.dealValue}}, ... simplifyReferral applies it, and the output
 * schemas that n8n shows before a node has run (dev/schema) are generated from it.
 */
export const SIMPLIFIED_FIELDS: readonly SimplifiedField[] = [
	{ key: 'id', from: ['id'], type: 'string', always: true, description: 'Referral ID (GUID)' },
	{ key: 'name', from: ['name'], type: 'string', description: 'Referral name' },
	{
		key: 'engagementId',
		from: ['engagementId'],
		type: 'string',
		description: 'The engagement (deal) the referral belongs to',
	},
	{
		key: 'externalReferenceId',
		from: ['externalReferenceId'],
		type: 'string',
		description: 'Your own reference, e.g. a CRM record ID',
	},
	{ key: 'status', from: ['status'], type: 'string', description: 'New, Active or Closed' },
	{
		key: 'substatus',
		from: ['substatus'],
		type: 'string',
		description: 'Pending, Received, Accepted, Won, Lost, Declined or Expired',
	},
	{
		key: 'statusReason',
		from: ['statusReason'],
		type: 'string',
		description: 'Free-text reason for the status',
	},
	{ key: 'type', from: ['type'], type: 'string', description: 'Independent or Shared' },
	{
		key: 'qualification',
		from: ['qualification'],
		type: 'string',
		description: 'None, Direct, MarketingQualified or SalesQualified',
	},
	{ key: 'direction', from: ['direction'], type: 'string', description: 'Incoming or Outgoing' },
	{
		key: 'organizationName',
		from: ['organizationName'],
		type: 'string',
		description: 'The partner organisation that owns the referral',
	},
	// Newer API versions (Microsoft's referral resource page); the docs promise none of them on every referral.
	{
		key: 'salesStage',
		from: ['salesStage'],
		type: 'string',
		description: 'Sales stage of the deal, as Partner Center names it (newer API versions)',
	},
	{
		key: 'referralSource',
		from: ['referralSource'],
		type: 'string',
		description: 'Where a marketplace lead came from (newer API versions)',
	},
	{
		key: 'callToAction',
		from: ['callToAction'],
		type: 'string',
		description: 'What the customer asked for on a marketplace lead (newer API versions)',
	},
	{
		key: 'customerMarketplaceIntent',
		from: ['customerMarketplaceIntent'],
		orAttribute: 'CustomerMarketplaceIntent',
		type: 'string',
		description:
			"The customer's intent to buy through Microsoft's marketplace (newer API versions)",
	},
	{
		key: 'registrationStatus',
		from: ['registrationStatus'],
		type: 'string',
		description: 'Status of the deal registration with Microsoft (newer API versions)',
	},
	{
		key: 'campaignId',
		from: ['campaignId'],
		type: 'string',
		description: 'The marketing campaign the referral came from (newer API versions)',
	},
	{
		key: 'closedDateTime',
		from: ['closedDateTime'],
		type: 'string',
		description: 'When the referral was closed (UTC; newer API versions)',
	},
	{
		key: 'customerName',
		from: ['customerProfile', 'name'],
		type: 'string',
		description: "The customer's company name",
	},
	{
		key: 'customerCity',
		from: ['customerProfile', 'address', 'city'],
		type: 'string',
		description: "The customer's city",
	},
	{
		key: 'customerState',
		from: ['customerProfile', 'address', 'state'],
		type: 'string',
		description: "The customer's state or region",
	},
	{
		key: 'customerCountry',
		from: ['customerProfile', 'address', 'country'],
		type: 'string',
		description: "The customer's country (ISO two-letter code)",
	},
	{
		key: 'dealValue',
		from: ['details', 'dealValue'],
		type: 'number',
		description: 'Deal value (a number even when Partner Center sends a string)',
	},
	{
		key: 'currency',
		from: ['details', 'currency'],
		type: 'string',
		description: 'Currency of the deal value (ISO 4217)',
	},
	{
		key: 'closingDateTime',
		from: ['details', 'closingDateTime'],
		type: 'string',
		description: 'Expected closing date (UTC)',
	},
	{ key: 'notes', from: ['details', 'notes'], type: 'string', description: 'Notes on the deal' },
	{
		key: 'createdDateTime',
		from: ['createdDateTime'],
		type: 'string',
		description: 'When the referral was created (UTC)',
	},
	{
		key: 'updatedDateTime',
		from: ['updatedDateTime'],
		type: 'string',
		description: 'When the referral was last updated (UTC)',
	},
	{
		key: 'acceptedDateTime',
		from: ['acceptedDateTime'],
		type: 'string',
		description: 'When the referral was accepted (UTC)',
	},
	{
		key: 'expirationDateTime',
		from: ['expirationDateTime'],
		type: 'string',
		description: 'When an unanswered referral expires (UTC)',
	},
	{
		key: 'eTag',
		from: ['eTag'],
		type: 'string',
		description: 'Version of the referral, for "Only Update If Unchanged"',
	},
];

/** The referral as one flat item: every key of SIMPLIFIED_FIELDS, null where the service sent nothing. */
export function simplifyReferral(referral: IDataObject): IDataObject {
	const result: IDataObject = {};
	for (const field of SIMPLIFIED_FIELDS) {
		let input = field.from.reduce<unknown>((parent, key) => asObject(parent)[key], referral);
		if ((input === undefined || input === null) && field.orAttribute)
			input = attribute(referral, field.orAttribute);
		const value = field.type === 'number' ? toNumber(input) : toText(input);
		// a time stamp without a zone is UTC: said so, so that later nodes do not read it as local time
		result[field.key] =
			typeof value === 'string' && field.key.endsWith('DateTime') ? asUtcStamp(value) : value;
	}
	return result;
}

/**
 * The id of the first requirement attribute of a type, under details.requirements or details
 * (Microsoft's create example can be read with additionalRequirements in either).
 */
function attribute(referral: IDataObject, type: string): unknown {
	const details = asObject(referral.details);
	for (const parent of [asObject(details.requirements), details]) {
		const attributes = asObject(parent.additionalRequirements).attributes;
		if (!Array.isArray(attributes)) continue;
		const found = attributes.map(asObject).find((candidate) => candidate.type === type);
		if (found) return found.id;
	}
	return undefined;
}

/** The referral as the service sent it, unknown fields included, without OData annotations. */
export function rawReferral(referral: IDataObject): IDataObject {
	const result: IDataObject = {};
	for (const key of Object.keys(referral)) {
		if (!key.startsWith('@odata.')) result[key] = referral[key];
	}
	return result;
}

export function formatReferral(referral: IDataObject, simplify: boolean): IDataObject {
	return simplify ? simplifyReferral(referral) : rawReferral(referral);
}

function asObject(input: unknown): IDataObject {
	return input !== null && typeof input === 'object' && !Array.isArray(input)
		? (input as IDataObject)
		: {};
}

/** A text field as its schema promises: text, a number or boolean as text, anything else null. */
function toText(input: unknown): string | null {
	if (typeof input === 'string') return input;
	return typeof input === 'number' || typeof input === 'boolean' ? String(input) : null;
}

/** dealValue is a decimal that the service sometimes sends as a string ("10000"). */
export function toNumber(input: unknown): number | null {
	if (typeof input === 'number') return Number.isFinite(input) ? input : null;
	if (typeof input === 'string' && input.trim() !== '') {
		const parsed = Number(input.trim());
		return Number.isFinite(parsed) ? parsed : null;
	}
	return null;
}
