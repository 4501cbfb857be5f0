/** Reading and checking the user's field values for request bodies (create and update). */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { toUtcIso } from './filters';

export class FieldReader {
	constructor(
		private readonly context: IExecuteFunctions,
		private readonly itemIndex: number,
	) {}

	fail(parameter: string, value: unknown, expected: string): never {
		throw new NodeOperationError(this.context.getNode(), `The field "${parameter}" has an invalid value: ${JSON.stringify(value)}`, {
			description: `"${parameter}" expects ${expected}. Nothing was sent to Partner Center.`,
			itemIndex: this.itemIndex,
		});
	}

	/** Trimmed text, or undefined when empty. */
	text(value: unknown): string | undefined {
		if (value === undefined || value === null) return undefined;
		const trimmed = String(value).trim();
		return trimmed === '' ? undefined : trimmed;
	}

	country(parameter: string, value: unknown): string | undefined {
		const code = this.text(value);
		if (code === undefined) return undefined;
		if (!/^[A-Za-z]{2}$/.test(code)) this.fail(parameter, value, 'a two-letter ISO 3166 country code such as US or DE');
		return code.toUpperCase();
	}

	currency(parameter: string, value: unknown): string | undefined {
		const code = this.text(value);
		if (code === undefined) return undefined;
		if (!/^[A-Za-z]{3}$/.test(code)) this.fail(parameter, value, 'a three-letter ISO 4217 currency code such as USD or EUR');
		return code.toUpperCase();
	}

	amount(parameter: string, value: unknown): number | undefined {
		if (value === undefined || value === null || value === '') return undefined;
		const amount = typeof value === 'number' ? value : Number(String(value).trim());
		if (!Number.isFinite(amount) || amount < 0) this.fail(parameter, value, 'a number of zero or more, such as 25000');
		return amount;
	}

	dateTime(parameter: string, value: unknown): string | undefined {
		if (value === undefined || value === null || value === '') return undefined;
		const iso = toUtcIso(value, this.context.getTimezone());
		if (iso === undefined) this.fail(parameter, value, 'a date and time such as 2026-12-31T00:00:00Z');
		return iso;
	}

	/** A comma-separated list of ids, as [{ id }]. */
	ids(value: unknown): IDataObject[] | undefined {
		const text = this.text(value);
		if (text === undefined) return undefined;
		const ids = text
			.split(',')
			.map((id) => id.trim())
			.filter((id) => id !== '');
		return ids.length > 0 ? ids.map((id) => ({ id })) : undefined;
	}

	/** People from a membersField collection, empty values dropped; each needs an email. */
	members(parameter: string, collection: unknown): IDataObject[] {
		const entries = ((collection as IDataObject | undefined)?.member as IDataObject[] | undefined) ?? [];
		return entries.map((entry) => {
			const member: IDataObject = {};
			for (const key of ['email', 'firstName', 'lastName', 'phoneNumber', 'title']) {
				const value = this.text(entry[key]);
				if (value !== undefined) member[key] = value;
			}
			if (typeof member.email !== 'string' || !/^[^\s@]+@[^\s@]+$/.test(member.email)) {
				this.fail(parameter, entry.email ?? '', 'an email address for every person, such as someone@contoso.com');
			}
			return member;
		});
	}
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
