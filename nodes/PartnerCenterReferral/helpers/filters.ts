/**
 * Builds the OData $filter of Get Many and the trigger from typed filters. Every clause
 * is joined with `and`; string values are quoted with `'` doubled, so user input cannot
 * change the filter's meaning; malformed values fail with an error naming the filter.
 */
import { DateTime } from 'luxon';
import type { IDataObject, IExecuteFunctions, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { GUID_PATTERN } from './constants';

type FilterContext = Pick<IExecuteFunctions | IPollFunctions, 'getNode' | 'getTimezone'>;

export interface ReferralFilters {
	status?: string | string[];
	substatus?: string | string[];
	type?: string | string[];
	qualification?: string | string[];
	direction?: string | string[];
	customerCountry?: string;
	engagementId?: string;
	createdAfter?: string;
	updatedAfter?: string;
	updatedBefore?: string;
	teamMemberEmail?: string;
	customFilter?: string;
}

/** An OData string literal: single-quoted, a quote inside doubled. */
export function quote(value: string): string {
	return `'${value.replace(/'/g, "''")}'`;
}

export function buildReferralFilter(
	context: FilterContext,
	filters: ReferralFilters & IDataObject,
	itemIndex?: number,
): string | undefined {
	const fail = (parameter: string, value: unknown, expected: string): never => {
		throw new NodeOperationError(context.getNode(), `The filter "${parameter}" has an invalid value: ${JSON.stringify(value)}`, {
			description: `"${parameter}" expects ${expected}. Nothing was sent to Partner Center.`,
			itemIndex,
		});
	};
	const clauses: string[] = [];

	const enumClause = (field: string, value: string | string[] | undefined) => {
		const values = (Array.isArray(value) ? value : [value]).filter(
			(entry): entry is string => typeof entry === 'string' && entry !== '',
		);
		if (values.length === 0) return;
		const parts = values.map((entry) => `${field} eq ${quote(entry)}`);
		clauses.push(parts.length === 1 ? parts[0] : `(${parts.join(' or ')})`);
	};
	enumClause('status', filters.status);
	enumClause('substatus', filters.substatus);
	enumClause('type', filters.type);
	enumClause('qualification', filters.qualification);
	enumClause('direction', filters.direction);

	const country = text(filters.customerCountry);
	if (country !== undefined) {
		if (!/^[A-Za-z]{2}$/.test(country)) fail('Customer Country', filters.customerCountry, 'a two-letter ISO 3166 country code such as US or DE');
		clauses.push(`customerProfile/address/country eq ${quote(country.toUpperCase())}`);
	}

	const engagementId = text(filters.engagementId);
	if (engagementId !== undefined) {
		if (!new RegExp(`^${GUID_PATTERN}$`).test(engagementId)) {
			fail('Engagement ID', filters.engagementId, 'an engagement GUID such as 65edc0b5-3485-41b7-a17e-dfa9ef4706e2');
		}
		clauses.push(`engagementId eq ${quote(engagementId)}`);
	}

	const dateClause = (field: string, operator: string, parameter: string, value: unknown) => {
		if (text(value) === undefined && !(value instanceof Date) && !DateTime.isDateTime(value)) return;
		const instant = toUtcIso(value, context.getTimezone());
		if (instant === undefined) fail(parameter, value, 'a date and time such as 2026-01-31T09:00:00Z');
		clauses.push(`${field} ${operator} ${instant}`);
	};
	dateClause('createdDateTime', 'ge', 'Created After', filters.createdAfter);
	dateClause('updatedDateTime', 'ge', 'Updated After', filters.updatedAfter);
	dateClause('updatedDateTime', 'lt', 'Updated Before', filters.updatedBefore);

	const email = text(filters.teamMemberEmail);
	if (email !== undefined) {
		if (!/^[^\s@]+@[^\s@]+$/.test(email)) fail('Team Member Email', filters.teamMemberEmail, 'an email address such as someone@contoso.com');
		clauses.push(`team/any(t:t/email eq ${quote(email)})`);
	}

	const custom = text(filters.customFilter);
	if (custom !== undefined) clauses.push(clauses.length > 0 ? `(${custom})` : custom);

	return clauses.length > 0 ? clauses.join(' and ') : undefined;
}

function text(value: unknown): string | undefined {
	if (typeof value !== 'string') return undefined;
	const trimmed = value.trim();
	return trimmed === '' ? undefined : trimmed;
}

/** An n8n date-time (ISO string in the workflow's time zone, Date or luxon) as UTC ISO-8601. */
export function toUtcIso(value: unknown, zone: string): string | undefined {
	let date: DateTime | undefined;
	if (DateTime.isDateTime(value)) date = value;
	else if (value instanceof Date) date = DateTime.fromJSDate(value);
	else if (typeof value === 'string') date = DateTime.fromISO(value.trim(), { zone, setZone: false });
	if (!date || !date.isValid) return undefined;
	return date.toUTC().toISO({ suppressMilliseconds: true }) ?? undefined;
}
