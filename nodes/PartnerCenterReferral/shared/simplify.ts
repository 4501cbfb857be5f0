import type { IDataObject } from 'n8n-workflow';

/**
 * The one mapping from the service's nested referral to the flat item that later
 * nodes use as {{$json.status}}, {{$json.dealValue}}, ... Every key is always present;
 * what the service did not send is null.
 */
export function simplifyReferral(referral: IDataObject): IDataObject {
	const customer = asObject(referral.customerProfile);
	const address = asObject(customer.address);
	const details = asObject(referral.details);
	return {
		id: value(referral.id),
		name: value(referral.name),
		engagementId: value(referral.engagementId),
		externalReferenceId: value(referral.externalReferenceId),
		status: value(referral.status),
		substatus: value(referral.substatus),
		statusReason: value(referral.statusReason),
		type: value(referral.type),
		qualification: value(referral.qualification),
		direction: value(referral.direction),
		organizationName: value(referral.organizationName),
		customerName: value(customer.name),
		customerCity: value(address.city),
		customerState: value(address.state),
		customerCountry: value(address.country),
		dealValue: toNumber(details.dealValue),
		currency: value(details.currency),
		closingDateTime: value(details.closingDateTime),
		notes: value(details.notes),
		createdDateTime: value(referral.createdDateTime),
		updatedDateTime: value(referral.updatedDateTime),
		acceptedDateTime: value(referral.acceptedDateTime),
		expirationDateTime: value(referral.expirationDateTime),
		eTag: value(referral.eTag),
	};
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

function value(input: unknown): IDataObject[string] {
	return input === undefined || input === null ? null : (input as IDataObject[string]);
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
