/**
 * Builds the OData $filter of Get Many and the trigger from typed filters. Every clause
 * is joined with `and`; string values are quoted with `'` doubled, and a custom filter must
 * balance its parentheses and quotes, so user input cannot change the filter's meaning.
 * Values follow the rules of shared/values.ts: blank = not set, an enum filter takes its
 * documented values in any case (a list, a comma-separated text or a JSON array text),
 * anything malformed fails with an error naming the filter.
 */
import type { IDataObject, IExecuteFunctions, IPollFunctions } from 'n8n-workflow';

import { DIRECTIONS, QUALIFICATIONS, STATUSES, SUBSTATUSES, TYPES } from './constants';
import type { Rule } from './values';
import { country, dateTime, email, guid, odataExpression, someOf, ValueReader } from './values';

type FilterContext = Pick<IExecuteFunctions | IPollFunctions, 'getNode' | 'getTimezone'>;

/** The filters by name, as n8n hands them over (from an expression, a value of any type). */
export interface ReferralFilters {
	status?: unknown;
	substatus?: unknown;
	type?: unknown;
	qualification?: unknown;
	direction?: unknown;
	customerCountry?: unknown;
	engagementId?: unknown;
	createdAfter?: unknown;
	updatedAfter?: unknown;
	updatedBefore?: unknown;
	teamMemberEmail?: unknown;
	customFilter?: unknown;
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
	const read = new ValueReader(context, itemIndex, 'filter');
	const clauses: string[] = [];
	const add = <T>(
		parameter: string,
		value: unknown,
		rule: Rule<T>,
		clause: (found: T) => string,
	) => {
		const found = read.optional(parameter, value, rule);
		if (found !== undefined) clauses.push(clause(found));
	};

	// The enum filters, also the single-option ones, take one value or several (any of them).
	const anyOf = (field: string, parameter: string, value: unknown, values: readonly string[]) => {
		const parts = (read.optional(parameter, value, someOf(values)) ?? []).map(
			(entry) => `${field} eq ${quote(entry)}`,
		);
		if (parts.length > 0) clauses.push(parts.length === 1 ? parts[0] : `(${parts.join(' or ')})`);
	};
	anyOf('status', 'Status', filters.status, STATUSES);
	anyOf('substatus', 'Substatus', filters.substatus, SUBSTATUSES);
	anyOf('type', 'Type', filters.type, TYPES);
	anyOf('qualification', 'Qualification', filters.qualification, QUALIFICATIONS);
	anyOf('direction', 'Direction', filters.direction, DIRECTIONS);

	add(
		'Customer Country',
		filters.customerCountry,
		country,
		(code) => `customerProfile/address/country eq ${quote(code)}`,
	);
	add('Engagement ID', filters.engagementId, guid, (id) => `engagementId eq ${quote(id)}`);
	add(
		'Created After',
		filters.createdAfter,
		dateTime,
		(instant) => `createdDateTime ge ${instant}`,
	);
	add(
		'Updated After',
		filters.updatedAfter,
		dateTime,
		(instant) => `updatedDateTime ge ${instant}`,
	);
	add(
		'Updated Before',
		filters.updatedBefore,
		dateTime,
		(instant) => `updatedDateTime lt ${instant}`,
	);
	add(
		'Team Member Email',
		filters.teamMemberEmail,
		email,
		(address) => `team/any(t:t/email eq ${quote(address)})`,
	);
	// Balanced, so wrapping it keeps it inside the `and`.
	const custom = read.optional('Custom Filter (OData)', filters.customFilter, odataExpression);
	if (custom !== undefined) clauses.push(clauses.length > 0 ? `(${custom})` : custom);

	return clauses.length > 0 ? clauses.join(' and ') : undefined;
}
