/** Request-body pieces of Create and Update that are more than one value. */
import type { IDataObject } from 'n8n-workflow';

import type { ValueReader } from './values';
import { email, text, texts } from './values';

/** A list of ids (a list, a comma-separated text or a JSON array text), as [{ id }]; undefined when it names none. */
export function readIds(
	read: ValueReader,
	parameter: string,
	value: unknown,
): IDataObject[] | undefined {
	const ids = read.optional(parameter, value, texts) ?? [];
	return ids.length > 0 ? ids.map((id) => ({ id })) : undefined;
}

const MEMBER_FIELDS: Record<string, string> = {
	firstName: 'First Name',
	lastName: 'Last Name',
	phoneNumber: 'Phone Number',
	title: 'Title',
};

/** People from a membersField collection, blank values left out; each needs an email. */
export function readMembers(
	read: ValueReader,
	parameter: string,
	collection: unknown,
): IDataObject[] {
	const entries =
		((collection as IDataObject | undefined)?.member as IDataObject[] | undefined) ?? [];
	return entries.map((entry) => {
		const member: IDataObject = {
			email: read.required(parameter, entry.email, email, {
				expected: 'an email address for every person, such as someone@contoso.com',
				forModel: `an email address for every person (name@domain), as the user gave it; never made up`,
			}),
		};
		for (const [key, name] of Object.entries(MEMBER_FIELDS)) {
			const value = read.optional(`${parameter} → ${name}`, entry[key], text);
			if (value !== undefined) member[key] = value;
		}
		return member;
	});
}

/** Drops undefined values (and objects left empty) so nothing the user did not set is sent. */
export function compact(object: IDataObject): IDataObject {
	const result: IDataObject = {};
	for (const [key, value] of Object.entries(object)) {
		if (value === undefined) continue;
		if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
			const inner = compact(value as IDataObject);
			if (Object.keys(inner).length > 0) result[key] = inner;
		} else {
			result[key] = value;
		}
	}
	return result;
}
