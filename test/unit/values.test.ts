import { DateTime } from 'luxon';

import type { Rule } from '../../nodes/PartnerCenterReferral/shared/values';
import {
	amount,
	dateTime,
	eTag,
	flag,
	InvalidValue,
	isBlank,
	limit,
	wholeNumber,
	odataExpression,
	oneOf,
	someOf,
	texts,
} from '../../nodes/PartnerCenterReferral/shared/values';

const read = <T>(rule: Rule<T>, value: unknown, zone = 'UTC'): T | 'refused' => {
	try {
		return rule.read(value, zone);
	} catch (error) {
		if (error instanceof InvalidValue) return 'refused';
		throw error;
	}
};

describe('value rules', () => {
	it('treats undefined, null and text of spaces as blank (not set), and nothing else', () => {
		expect([undefined, null, '', '  \t'].map(isBlank)).toEqual([true, true, true, true]);
		expect([0, false, [], {}, 'x'].map(isBlank)).toEqual([false, false, false, false, false]);
	});

	it('reads amounts only from finite numbers of zero or more and plain decimal text', () => {
		expect([0, 12, 12.5, '12', ' 12.50 ', '007'].map((value) => read(amount, value))).toEqual([
			0, 12, 12.5, 12, 12.5, 7,
		]);
		const refused = [
			-1,
			Number.NaN,
			Number.POSITIVE_INFINITY,
			'-1',
			'+1',
			'0x10',
			'1e3',
			'12,5',
			'1 000',
			'.5',
			'5.',
			[],
			[5],
			{},
			true,
		];
		expect(refused.map((value) => read(amount, value))).toEqual(refused.map(() => 'refused'));
	});

	it('reads a limit only from a whole number of 1 or more, as a number or as plain decimal text', () => {
		const accepted = [1, 50, 1000, '50', ' 25 ', '50.0'];
		expect(accepted.map((value) => read(limit, value))).toEqual([1, 50, 1000, 50, 25, 50]);
		const refused = [0, -1, 2.5, Number.NaN, '0', '-5', '2.5', '1e3', '0x10', '+5', '1,000', true];
		expect(refused.map((value) => read(limit, value))).toEqual(refused.map(() => 'refused'));
	});

	it('reads every whole number by one rule: a number or plain decimal text, within its bounds', () => {
		const rule = wholeNumber(1, 50);
		expect([1, '7', 50, '50'].map((value) => read(rule, value))).toEqual([1, 7, 50, 50]);
		const refused = [0, 51, '51', 'abc', '3.5', '', ' ', null];
		expect(refused.map((value) => read(rule, value))).toEqual(refused.map(() => 'refused'));
	});

	it('reads date-times from ISO text, Date, luxon and epoch milliseconds, refusing the rest', () => {
		const expected = '2026-07-01T10:00:00Z';
		const accepted = [
			'2026-07-01T12:00:00+02:00',
			new Date(expected),
			DateTime.fromISO(expected),
			Date.parse(expected),
		];
		expect(accepted.map((value) => read(dateTime, value))).toEqual(accepted.map(() => expected));
		expect(read(dateTime, '2026-07-01T06:00:00', 'America/New_York')).toBe(expected);
		const refused = [
			true,
			{},
			[],
			Date.parse(expected) / 1000,
			1.5e12 + 0.5,
			'1782900000000',
			'12',
			'2026',
			'yesterday',
			new Date('x'),
		];
		expect(refused.map((value) => read(dateTime, value))).toEqual(refused.map(() => 'refused'));
	});

	it('accepts a custom OData expression only when its parentheses balance and its quotes close', () => {
		const accepted = [
			'details/dealValue ge 10000',
			"(status eq 'New' or status eq 'Active') and type eq 'Shared'",
			"customerProfile/name eq 'O''Brien (UK)'",
			"notes eq ')('",
		];
		expect(accepted.map((value) => read(odataExpression, value))).toEqual(accepted);
		const refused = [
			"details/dealValue ge 0) or (status eq 'Closed'",
			'(a',
			'a)',
			')(',
			"name eq 'O'Brien'",
			"name eq 'open",
			42,
		];
		expect(refused.map((value) => read(odataExpression, value))).toEqual(
			refused.map(() => 'refused'),
		);
	});

	it('reads enums without case or spaces, in their listed spelling, and switches from booleans or the text true/false', () => {
		const types = oneOf(['Independent', 'Shared']);
		expect([' Shared ', 'shared', 'Partner', 1].map((value) => read(types, value))).toEqual([
			'Shared',
			'Shared',
			'refused',
			'refused',
		]);
		expect(read(oneOf(['SalesQualified']), 'Sales Qualified')).toBe('SalesQualified');
		expect([true, false, 'true', ' FALSE ', 'yes', 1].map((value) => read(flag, value))).toEqual([
			true,
			false,
			true,
			false,
			'refused',
			'refused',
		]);
	});
});

describe('multi-option values (someOf)', () => {
	const statuses = someOf(['New', 'Active', 'Closed/Won'], { Won: 'Closed/Won' });

	it('reads a list, a comma-separated text or a JSON array text, any case, each value once', () => {
		const accepted: Array<[unknown, string[]]> = [
			[
				['new', 'ACTIVE'],
				['New', 'Active'],
			],
			['New,Active', ['New', 'Active']],
			[' active , new, ', ['Active', 'New']],
			['["closed / won", "New"]', ['Closed/Won', 'New']],
			['won,Closed/Won', ['Closed/Won']],
			[[], []],
			['[]', []],
			[['New', null, ''], ['New']],
		];
		expect(accepted.map(([value]) => read(statuses, value))).toEqual(
			accepted.map(([, expected]) => expected),
		);
	});

	it('refuses anything that is not such a list of known values', () => {
		const refused = [
			'Open',
			'New,Open',
			'["New",',
			'{"a":1}',
			'[1]',
			[1],
			[['New']],
			{ New: true },
			5,
			true,
		];
		expect(refused.map((value) => read(statuses, value))).toEqual(refused.map(() => 'refused'));
	});
});

describe('lists of texts (ids)', () => {
	it('reads a list, a comma-separated or JSON array text, and a single number as text', () => {
		expect(read(texts, ['A', ' B ', 7])).toEqual(['A', 'B', '7']);
		expect(read(texts, 'A, B,')).toEqual(['A', 'B']);
		expect(read(texts, '["A","B"]')).toEqual(['A', 'B']);
		expect(read(texts, 12345)).toEqual(['12345']);
		expect([{ id: 'A' }, [{ id: 'A' }], '[A'].map((value) => read(texts, value))).toEqual([
			'refused',
			'refused',
			'refused',
		]);
	});
});

describe('eTag (sent byte for byte as If-Match)', () => {
	it('keeps an eTag of visible ASCII and spaces as it is, trimmed', () => {
		const accepted = ['"abc"', ' W/"abc" ', '"\\"2500ec5a-0000\\""', '"a b"'];
		expect(accepted.map((value) => read(eTag, value))).toEqual([
			'"abc"',
			'W/"abc"',
			'"\\"2500ec5a-0000\\""',
			'"a b"',
		]);
	});

	it('refuses line breaks anywhere, tabs, control and non-ASCII characters, and a pasted header line', () => {
		const refused = [
			'"a"\r\n',
			'\n"a"',
			'"a\rb"',
			'"a\tb"',
			'"a\u0000"',
			'"a\u007f"',
			'"é"',
			'"a\u2028"',
			'If-Match: "a"',
			'if-match:"a"',
			5,
		];
		expect(refused.map((value) => read(eTag, value))).toEqual(refused.map(() => 'refused'));
	});
});
