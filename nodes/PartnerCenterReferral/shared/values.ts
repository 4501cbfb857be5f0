/**
 * The rules for values the user gives the node, by hand or from an expression, in one
 * place for request bodies, filters and parameters alike.
 *
 * A blank value (undefined, null, or text of spaces only) means "not set". Any other value
 * is read into the form Partner Center expects, or refused: nothing is silently turned
 * into something else (no " " → 0, no "0x10" → 16, no date dropped because it came as a
 * number). A rule refuses with `InvalidValue`; `ValueReader` turns that into an error that
 * names the parameter and the expected form.
 */
import { DateTime } from 'luxon';
import type { IExecuteFunctions, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { GUID_PATTERN } from './constants';
import { argumentNameOf, FIXED_IN_TOOL, runsAsTool, TOOL_MAX_REFERRALS } from './tool';

/**
 * One rule: what it accepts, in words for the error ("a two-letter ISO 3166 country code
 * such as US or DE"), and how it reads a non-blank value into the form Partner Center
 * expects. `read` throws `InvalidValue` for a value it does not accept; `zone` is the
 * workflow's time zone, for date-times written without one.
 */
export interface Rule<T> extends Expected {
	read(value: unknown, zone: string): T;
}

/**
 * What a value should be, in words for the error. `forModel` is the same for a model calling
 * the node as a tool, when `expected` gives editor advice (expressions, other parameters by
 * their editor names) or an example value a model could take for real data (an id, an email
 * address, an amount): words that stand alone, without either.
 */
export interface Expected {
	expected: string;
	forModel?: string;
}

/** Thrown by a rule's `read` for a value it does not accept. */
export class InvalidValue extends Error {}

function refuse(): never {
	throw new InvalidValue();
}

export function isBlank(value: unknown): boolean {
	return (
		value === undefined || value === null || (typeof value === 'string' && value.trim() === '')
	);
}

function trimmedString(value: unknown): string {
	return typeof value === 'string' ? value.trim() : refuse();
}

/** Text, trimmed; a number or a boolean as text. Objects and lists are refused. */
export const text: Rule<string> = {
	expected: 'text',
	read: (value) =>
		(typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean'
			? String(value)
			: trimmedString(value),
};

function matching(
	pattern: RegExp,
	expected: string,
	forModel: string,
	normalise = (found: string) => found,
): Rule<string> {
	return {
		expected,
		forModel,
		read(value) {
			const found = trimmedString(value);
			return pattern.test(found) ? normalise(found) : refuse();
		},
	};
}

const upperCase = (found: string) => found.toUpperCase();

export const country = matching(
	/^[A-Za-z]{2}$/,
	'a two-letter ISO 3166 country code such as US or DE',
	"a country as its two-letter ISO 3166 code (two letters, not the country's name)",
	upperCase,
);

export const currency = matching(
	/^[A-Za-z]{3}$/,
	'a three-letter ISO 4217 currency code such as USD or EUR',
	'a currency as its three-letter ISO 4217 code (three letters, not its name or symbol)',
	upperCase,
);

export const email = matching(
	/^[^\s@]+@[^\s@]+$/,
	'an email address such as someone@contoso.com',
	"a person's email address (name@domain), as the user gave it; never made up",
);

export const guid = matching(
	new RegExp(`^${GUID_PATTERN}$`),
	'a GUID such as 65edc0b5-3485-41b7-a17e-dfa9ef4706e2',
	'a GUID: 32 hexadecimal digits in groups of 8, 4, 4, 4 and 12, separated by dashes, as a Partner Center Referral tool returned it (an engagementId comes with every referral); never made up',
);

/** Enum values compare without case and spaces: "closed / won" is "Closed/Won", "Sales Qualified" is "SalesQualified". */
const comparable = (value: string) => value.replace(/\s+/g, '').toLowerCase();

/**
 * One of `values` (text), without regard to case or spaces, read as spelled in `values`.
 * `aliases` are other names of a value (say, "Won" for "Closed/Won"), read the same way.
 */
export function oneOf(
	values: readonly string[],
	aliases: Readonly<Record<string, string>> = {},
): Rule<string> {
	const known = new Map<string, string>();
	for (const [alias, value] of Object.entries(aliases)) known.set(comparable(alias), value);
	for (const value of values) known.set(comparable(value), value);
	return {
		expected: `one of: ${values.join(', ')}`,
		read: (value) => known.get(comparable(trimmedString(value))) ?? refuse(),
	};
}

/**
 * A list of values each read by `entry`: a list, a comma-separated text ("New,Active") or a
 * JSON array as text ('["New","Active"]'), in the order given, each once. Blank entries are
 * skipped; nothing left means not set ([]).
 */
export function listOf<T>(entry: Rule<T>, expected: string, forModel?: string): Rule<T[]> {
	return {
		expected,
		forModel,
		read(value, zone) {
			const found = entriesOf(value)
				.filter((one) => !isBlank(one))
				.map((one) => entry.read(one, zone));
			return [...new Set(found)];
		},
	};
}

const listShapes = (examples: readonly string[]) =>
	`as a list, a comma-separated text such as "${examples.join(',')}", or a JSON array text such as ["${examples.join('","')}"]`;

/** Several of `values` (a multi-option parameter), each read by `oneOf` (any case). */
export function someOf(
	values: readonly string[],
	aliases: Readonly<Record<string, string>> = {},
): Rule<string[]> {
	const names = Object.keys(aliases);
	const also = names.length > 0 ? `; also ${names.join(', ')} alone` : '';
	return listOf(
		oneOf(values, aliases),
		`one or more of: ${values.join(', ')} (any case${also}), ${listShapes(values.slice(-2))}`,
	);
}

/** Several texts (ids, say), each trimmed. */
export const texts: Rule<string[]> = listOf(
	text,
	`one or more values, ${listShapes(['Microsoft365', 'Azure'])}`,
	'one or more values: a list, a comma-separated text, or a JSON array of texts',
);

/** The entries of a list, of a comma-separated or JSON array text, or a single other value (for the entry rule to judge). */
function entriesOf(value: unknown): unknown[] {
	if (Array.isArray(value)) return value;
	if (typeof value !== 'string') return [value];
	const found = value.trim();
	if (!found.startsWith('[')) return found.split(',');
	let parsed: unknown;
	try {
		parsed = JSON.parse(found);
	} catch {
		refuse();
	}
	return Array.isArray(parsed) ? parsed : refuse();
}

/**
 * The one rule of every switch (boolean parameter): true or false, or the text "true" or
 * "false" (any case, spaces around ignored). Read with `ValueReader.required`: a blank
 * (an expression that gives nothing) is refused, never read as the switch's default.
 */
export const flag: Rule<boolean> = {
	expected:
		'true or false (a switch: from an expression, true, false, or the text "true" or "false")',
	forModel: 'true or false (or the text "true" or "false")',
	read(value) {
		if (typeof value === 'boolean') return value;
		const found = trimmedString(value).toLowerCase();
		if (found === 'true') return true;
		return found === 'false' ? false : refuse();
	},
};

/**
 * An eTag for the If-Match header, sent byte for byte: visible ASCII characters and spaces,
 * spaces around trimmed. A line break anywhere (a pasted header line), a tab, another control
 * character or one outside ASCII would be refused by the HTTP client or sent altered; a
 * pasted "If-Match: …" is a header line, not an eTag.
 */
export const eTag: Rule<string> = {
	expected:
		'the eTag exactly as Partner Center gave it (quotes included), such as "2500ec5a-0000-0000-0000-5bf4967d0000", usually {{ $json.eTag }} after a Get. It is sent exactly as it is in the If-Match header, so it cannot hold line breaks, tabs, other control characters, characters outside ASCII, or the header name "If-Match:"',
	forModel:
		'the referral\'s eTag exactly as a Partner Center Referral tool returned it in the referral\'s "eTag" field, quotes included (read the referral again to get its current one); never made up. It cannot hold line breaks, tabs, other control characters, characters outside ASCII, or the header name "If-Match:"',
	read(value) {
		if (typeof value === 'string' && /[\r\n]/.test(value)) refuse();
		const found = trimmedString(value);
		return /^[\x20-\x7e]+$/.test(found) && !/^if-match\s*:/i.test(found) ? found : refuse();
	},
};

/** Digits with at most one decimal point: no sign, exponent, hex or thousands separator. */
const PLAIN_DECIMAL = /^\d+(\.\d+)?$/;

/** A number of zero or more: a finite number, or text that is a plain decimal (12, 12.5). */
export const amount: Rule<number> = {
	expected: 'a number of zero or more, such as 25000 or 25000.50 (digits and a decimal point only)',
	forModel:
		'a number of zero or more: digits, with a decimal point if needed (no sign, currency, spaces or separators)',
	read(value) {
		if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : refuse();
		const found = trimmedString(value);
		return PLAIN_DECIMAL.test(found) ? Number(found) : refuse();
	},
};

/**
 * The one rule of every whole number: a number, or plain decimal text ("50", as spreadsheets
 * and AI agents hand numbers over), that is a whole number from `min` to `max`. No sign,
 * exponent, hex or separator (the `amount` rule).
 */
export function wholeNumber(
	min: number,
	max: number,
	expected = `a whole number from ${min} to ${max}, as a number or as text of digits such as "${min}"`,
	forModel?: string,
): Rule<number> {
	return {
		expected,
		forModel,
		read(value, zone) {
			const found = amount.read(value, zone);
			return Number.isSafeInteger(found) && found >= min && found <= max ? found : refuse();
		},
	};
}

/** A "Limit": a whole number of 1 or more, as a number or as text ("50"). */
export const limit: Rule<number> = wholeNumber(
	1,
	Number.MAX_SAFE_INTEGER,
	'a whole number of 1 or more, such as 50 or "50" (turn on "Return All" to get every referral)',
	`a whole number of 1 or more, the most referrals to return (one call returns at most ${TOOL_MAX_REFERRALS}; leave it empty for up to ${TOOL_MAX_REFERRALS})`,
);

/**
 * Numbers are epoch milliseconds; below this (3 March 1973) they are most likely epoch
 * seconds, which would silently mean a date in 1970.
 */
const EARLIEST_EPOCH_MS = 100_000_000_000;

/** A date-time as UTC ISO-8601: from ISO text, a JS Date, a luxon DateTime or epoch milliseconds. */
export const dateTime: Rule<string> = {
	expected:
		"a date and time: ISO 8601 text such as 2026-01-31T09:00:00Z (without an offset, in the workflow's time zone), a date from an expression such as {{ $now.minus({ days: 1 }) }}, or epoch milliseconds such as 1767225600000",
	forModel:
		"a date and time as ISO 8601 text: a date (YYYY-MM-DD) or a date and time (YYYY-MM-DDThh:mm:ssZ, in UTC with the Z; without it, in the workflow's time zone)",
	read: (value, zone) => toUtcIso(value, zone) ?? refuse(),
};

/** The date-time rule without the error: undefined for anything that is not a valid date-time. */
export function toUtcIso(value: unknown, zone: string): string | undefined {
	let date: DateTime | undefined;
	if (DateTime.isDateTime(value)) date = value;
	else if (value instanceof Date) date = DateTime.fromJSDate(value);
	else if (typeof value === 'number' && Number.isInteger(value) && value >= EARLIEST_EPOCH_MS)
		date = DateTime.fromMillis(value);
	// luxon reads digits alone as a time of today ("12") or a year or ordinal date ("2026013")
	else if (typeof value === 'string' && !/^\d+$/.test(value.trim()))
		date = DateTime.fromISO(value.trim(), { zone, setZone: false });
	if (!date || !date.isValid) return undefined;
	return date.toUTC().toISO({ suppressMilliseconds: true }) ?? undefined;
}

/**
 * A raw OData expression that stays one expression when wrapped in parentheses and joined
 * with others by `and`: outside quoted texts, no `)` closes more than was opened and every
 * `(` is closed; every quoted text is closed (a doubled quote inside one toggles twice).
 */
export const odataExpression: Rule<string> = {
	expected:
		"an OData filter expression whose parentheses balance and whose quoted texts are closed (a quote inside a text is written twice, as in 'O''Brien'), such as details/dealValue ge 10000",
	forModel:
		"an OData filter expression on the referral's fields whose parentheses balance and whose quoted texts are closed (a quote inside a text is written twice)",
	read(value) {
		const expression = trimmedString(value);
		let depth = 0;
		let quoted = false;
		for (const char of expression) {
			if (char === "'") quoted = !quoted;
			else if (!quoted && char === '(') depth++;
			else if (!quoted && char === ')' && --depth < 0) break;
		}
		return quoted || depth !== 0 ? refuse() : expression;
	},
};

type ReaderContext = Pick<IExecuteFunctions | IPollFunctions, 'getNode' | 'getTimezone'>;

/** What `rule` reads from a value, or undefined when it refuses it (for a caller with its own message). */
export function readsAs<T>(
	context: ReaderContext,
	rule: Rule<T>,
	value: unknown,
	zone = 'UTC',
): T | undefined {
	try {
		return rule.read(value, zone);
	} catch (error) {
		if (error instanceof InvalidValue) return undefined;
		throw new NodeOperationError(context.getNode(), error as Error);
	}
}

/**
 * Applies the rules to one item's parameters. A refused value fails with
 * `The <noun> "<parameter>" has an invalid value: <value>` and says what is expected.
 */
export class ValueReader {
	private zone?: string;

	constructor(
		private readonly context: ReaderContext,
		private readonly itemIndex: number | undefined,
		private readonly noun: 'field' | 'filter' = 'field',
	) {}

	/** Fails for `value` of `parameter`, saying what it expects (as a tool, `forModel` when given). */
	fail(parameter: string, value: unknown, expected: string | Expected): never {
		const node = this.context.getNode();
		const words = typeof expected === 'string' ? { expected } : expected;
		// A model calling the node as a tool knows the parameter by its $fromAI key only.
		const tool = runsAsTool(node);
		const argument = tool ? argumentNameOf(node, parameter) : undefined;
		const [noun, name] = argument !== undefined ? ['argument', argument] : [this.noun, parameter];
		// As a tool, a value the model did not give is the tool's own: the model cannot change it.
		const fixed = tool && argument === undefined ? ` ${FIXED_IN_TOOL}` : '';
		throw new NodeOperationError(
			node,
			`${fixed ? "This tool's setting" : `The ${noun}`} "${name}" has an invalid value: ${show(value)}`,
			{
				description: `"${name}" expects ${this.expected(words)}.${fixed} Nothing was sent to Partner Center.`,
				itemIndex: this.itemIndex,
			},
		);
	}

	/** The value read by `rule`, or undefined when it is blank (not set). */
	optional<T>(parameter: string, value: unknown, rule: Rule<T>): T | undefined {
		return isBlank(value) ? undefined : this.apply(parameter, value, rule, rule);
	}

	/** The value read by `rule`; a blank or refused one fails saying `expected` (the rule's words by default). */
	required<T>(
		parameter: string,
		value: unknown,
		rule: Rule<T>,
		expected: string | Expected = rule,
	): T {
		if (isBlank(value)) this.fail(parameter, value, expected);
		return this.apply(parameter, value, rule, expected);
	}

	private expected(words: Expected): string {
		return (runsAsTool(this.context.getNode()) && words.forModel) || words.expected;
	}

	private apply<T>(
		parameter: string,
		value: unknown,
		rule: Rule<T>,
		expected: string | Expected,
	): T {
		try {
			return rule.read(value, (this.zone ??= this.context.getTimezone()));
		} catch (error) {
			if (error instanceof InvalidValue) this.fail(parameter, value, expected);
			throw new NodeOperationError(this.context.getNode(), error as Error, {
				itemIndex: this.itemIndex,
			});
		}
	}
}

/** A value as the error message shows it: JSON, blank as "", long ones cut. */
function show(value: unknown): string {
	if (isBlank(value)) return '""';
	if (typeof value === 'number') return String(value);
	let shown: string;
	try {
		shown = JSON.stringify(value) ?? String(value);
	} catch {
		shown = String(value);
	}
	return shown.length > 100 ? `${shown.slice(0, 100)}…` : shown;
}
