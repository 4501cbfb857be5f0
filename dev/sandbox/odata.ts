/**
 * OData `$filter` support for the sandbox: a tokenizer, a recursive-descent parser producing an
 * AST, and an evaluator of that AST over a referral (or any JSON object).
 *
 * Grammar (lowest precedence first):
 *   expr       := and ('or' and)*
 *   and        := unary ('and' unary)*
 *   unary      := 'not' unary | comparison
 *   comparison := operand [('eq'|'ne'|'gt'|'ge'|'lt'|'le') operand | 'in' '(' operand (',' operand)* ')']
 *   operand    := literal | '(' expr ')' | function '(' args ')' | path
 *   path       := segment ('/' segment)* ['/' ('any'|'all') '(' [variable ':' expr] ')']
 *
 * Leniencies, matching what the real service accepts or what clients send: keywords are
 * case-insensitive; unquoted GUIDs and ISO date-times are literals; a `+` of a time-zone offset
 * that arrived URL-decoded as a space is accepted; `datetime'...'` / `guid'...'` typed literals.
 */

export class FilterSyntaxError extends Error {
	constructor(
		message: string,
		readonly position: number,
	) {
		super(message);
		this.name = 'FilterSyntaxError';
	}
}

export type CompareOperator = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';
export type LiteralType = 'string' | 'number' | 'boolean' | 'null' | 'datetime' | 'guid';

export type FilterNode =
	| { kind: 'and' | 'or'; left: FilterNode; right: FilterNode }
	| { kind: 'not'; operand: FilterNode }
	| {
			kind: 'compare';
			op: CompareOperator;
			left: FilterNode;
			right: FilterNode;
			/** compare as instants (a date-time field or literal is involved) */
			asInstant: boolean;
			/** compare numerically (a number literal or a known numeric field is involved) */
			asNumber: boolean;
	  }
	| { kind: 'in'; operand: FilterNode; values: FilterNode[]; asInstant: boolean; asNumber: boolean }
	| { kind: 'literal'; type: LiteralType; value: string | number | boolean | null }
	/** `variable` set when the path starts at a lambda variable (`t/email` inside `any(t: ...)`) */
	| { kind: 'path'; segments: string[]; variable?: string }
	| {
			kind: 'lambda';
			quantifier: 'any' | 'all';
			collection: FilterNode;
			variable?: string;
			predicate?: FilterNode;
	  }
	| { kind: 'call'; name: string; args: FilterNode[] };

/* ------------------------------------------------------------------------------------------ */
/* tokenizer                                                                                    */

type TokenKind = 'string' | 'number' | 'datetime' | 'guid' | 'identifier' | 'punct' | 'end';

interface Token {
	kind: TokenKind;
	text: string;
	/** decoded value of string/number/datetime/guid tokens */
	value?: string | number;
	pos: number;
}

const GUID_RE =
	/[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?![0-9A-Za-z_-])/y;
const DATETIME_RE =
	/\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2}| \d{2}:\d{2}(?![0-9]))?)?(?![0-9A-Za-z_.:-])/iy;
const NUMBER_RE = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?[mMdDfFlL]?(?![0-9A-Za-z_.])/y;
const IDENT_RE = /[A-Za-z_$@][A-Za-z0-9_]*/y;

const TYPED_LITERAL_PREFIXES: Record<string, 'datetime' | 'guid'> = {
	datetime: 'datetime',
	datetimeoffset: 'datetime',
	date: 'datetime',
	guid: 'guid',
};

function matchAt(re: RegExp, text: string, pos: number): string | undefined {
	re.lastIndex = pos;
	const m = re.exec(text);
	return m ? m[0] : undefined;
}

function readQuoted(text: string, start: number): { value: string; end: number } {
	// text[start] === "'"
	let value = '';
	let i = start + 1;
	for (;;) {
		const next = text.indexOf("'", i);
		if (next < 0)
			throw new FilterSyntaxError(
				`Unterminated string literal starting at position ${start}`,
				start,
			);
		value += text.slice(i, next);
		if (text[next + 1] === "'") {
			value += "'";
			i = next + 2;
			continue;
		}
		return { value, end: next + 1 };
	}
}

export function tokenize(text: string): Token[] {
	const tokens: Token[] = [];
	let pos = 0;
	while (pos < text.length) {
		const ch = text[pos];
		if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n') {
			pos++;
			continue;
		}
		if (ch === "'") {
			const { value, end } = readQuoted(text, pos);
			tokens.push({ kind: 'string', text: text.slice(pos, end), value, pos });
			pos = end;
			continue;
		}
		if (ch === '"') {
			throw new FilterSyntaxError(
				`String literals must be enclosed in single quotes (found '"' at position ${pos})`,
				pos,
			);
		}
		if ('(),:/'.includes(ch)) {
			tokens.push({ kind: 'punct', text: ch, pos });
			pos++;
			continue;
		}
		const guid = matchAt(GUID_RE, text, pos);
		if (guid !== undefined) {
			tokens.push({ kind: 'guid', text: guid, value: guid, pos });
			pos += guid.length;
			continue;
		}
		const datetime = matchAt(DATETIME_RE, text, pos);
		if (datetime !== undefined) {
			tokens.push({ kind: 'datetime', text: datetime, value: datetime, pos });
			pos += datetime.length;
			continue;
		}
		const num = matchAt(NUMBER_RE, text, pos);
		if (num !== undefined) {
			tokens.push({
				kind: 'number',
				text: num,
				value: Number(num.replace(/[mMdDfFlL]$/, '')),
				pos,
			});
			pos += num.length;
			continue;
		}
		const ident = matchAt(IDENT_RE, text, pos);
		if (ident !== undefined) {
			const end = pos + ident.length;
			if (text[end] === "'") {
				const type = TYPED_LITERAL_PREFIXES[ident.toLowerCase()];
				if (!type)
					throw new FilterSyntaxError(
						`Unexpected string literal after '${ident}' at position ${end}`,
						end,
					);
				const { value, end: literalEnd } = readQuoted(text, end);
				if (type === 'guid' ? !isGuid(value) : Number.isNaN(parseInstant(value))) {
					throw new FilterSyntaxError(
						`Invalid ${ident} literal '${value}' at position ${pos}`,
						pos,
					);
				}
				tokens.push({ kind: type, text: text.slice(pos, literalEnd), value, pos });
				pos = literalEnd;
				continue;
			}
			tokens.push({ kind: 'identifier', text: ident, pos });
			pos = end;
			continue;
		}
		const hint = ch === '.' ? " (use '/' to separate property path segments)" : '';
		throw new FilterSyntaxError(`Unexpected character '${ch}' at position ${pos}${hint}`, pos);
	}
	tokens.push({ kind: 'end', text: '', pos: text.length });
	return tokens;
}

/* ------------------------------------------------------------------------------------------ */
/* parser                                                                                       */

const COMPARE_OPERATORS = new Set<string>(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);
const RESERVED = new Set<string>([...COMPARE_OPERATORS, 'and', 'or', 'not', 'in']);
/** name -> arity */
const FUNCTIONS: Record<string, number> = {
	contains: 2,
	startswith: 2,
	endswith: 2,
	tolower: 1,
	toupper: 1,
	trim: 1,
	length: 1,
};
/** fields compared numerically even when stored as strings */
const NUMERIC_FIELDS = new Set<string>(['dealvalue']);

function describe(token: Token): string {
	return token.kind === 'end' ? 'end of expression' : `'${token.text}' at position ${token.pos}`;
}

class Parser {
	private index = 0;
	private readonly scopes: string[] = [];

	constructor(private readonly tokens: Token[]) {}

	parse(): FilterNode {
		if (this.peek().kind === 'end')
			throw new FilterSyntaxError('The $filter expression is empty', 0);
		const node = this.parseOr();
		const rest = this.peek();
		if (rest.kind !== 'end') {
			throw new FilterSyntaxError(
				`Unexpected ${describe(rest)}; expected 'and', 'or' or end of expression`,
				rest.pos,
			);
		}
		return node;
	}

	private peek(offset = 0): Token {
		return this.tokens[Math.min(this.index + offset, this.tokens.length - 1)];
	}

	private next(): Token {
		const token = this.peek();
		if (token.kind !== 'end') this.index++;
		return token;
	}

	private isKeyword(word: string, token = this.peek()): boolean {
		return token.kind === 'identifier' && token.text.toLowerCase() === word;
	}

	private isPunct(ch: string, token = this.peek()): boolean {
		return token.kind === 'punct' && token.text === ch;
	}

	private expectPunct(ch: string, context: string): void {
		const token = this.next();
		if (!this.isPunct(ch, token))
			throw new FilterSyntaxError(
				`Expected '${ch}' ${context} but found ${describe(token)}`,
				token.pos,
			);
	}

	private parseOr(): FilterNode {
		let left = this.parseAnd();
		while (this.isKeyword('or')) {
			this.next();
			left = { kind: 'or', left, right: this.parseAnd() };
		}
		return left;
	}

	private parseAnd(): FilterNode {
		let left = this.parseUnary();
		while (this.isKeyword('and')) {
			this.next();
			left = { kind: 'and', left, right: this.parseUnary() };
		}
		return left;
	}

	private parseUnary(): FilterNode {
		if (this.isKeyword('not')) {
			this.next();
			return { kind: 'not', operand: this.parseUnary() };
		}
		return this.parseComparison();
	}

	private parseComparison(): FilterNode {
		const left = this.parseOperand();
		const token = this.peek();
		if (token.kind === 'identifier' && COMPARE_OPERATORS.has(token.text.toLowerCase())) {
			this.next();
			const right = this.parseOperand();
			const following = this.peek();
			if (following.kind === 'identifier' && COMPARE_OPERATORS.has(following.text.toLowerCase())) {
				throw new FilterSyntaxError(
					`Comparisons cannot be chained: unexpected ${describe(following)}`,
					following.pos,
				);
			}
			return {
				kind: 'compare',
				op: token.text.toLowerCase() as CompareOperator,
				left,
				right,
				asInstant: isInstantHint(left) || isInstantHint(right),
				asNumber: isNumberHint(left) || isNumberHint(right),
			};
		}
		if (this.isKeyword('in')) {
			this.next();
			this.expectPunct('(', "after 'in'");
			const values: FilterNode[] = [this.parseOperand()];
			while (this.isPunct(',')) {
				this.next();
				values.push(this.parseOperand());
			}
			this.expectPunct(')', "to close the 'in' list");
			return {
				kind: 'in',
				operand: left,
				values,
				asInstant: isInstantHint(left) || values.some(isInstantHint),
				asNumber: isNumberHint(left) || values.some(isNumberHint),
			};
		}
		return left;
	}

	private parseOperand(): FilterNode {
		const token = this.peek();
		switch (token.kind) {
			case 'string':
				this.next();
				return { kind: 'literal', type: 'string', value: token.value as string };
			case 'number':
				this.next();
				return { kind: 'literal', type: 'number', value: token.value as number };
			case 'datetime':
				this.next();
				return { kind: 'literal', type: 'datetime', value: token.value as string };
			case 'guid':
				this.next();
				return { kind: 'literal', type: 'guid', value: token.value as string };
			case 'end':
				throw new FilterSyntaxError(
					'Unexpected end of expression; expected a value or a property',
					token.pos,
				);
			case 'punct':
				if (token.text === '(') {
					this.next();
					const inner = this.parseOr();
					this.expectPunct(')', `to close the '(' at position ${token.pos}`);
					return inner;
				}
				throw new FilterSyntaxError(
					`Unexpected ${describe(token)}; expected a value or a property`,
					token.pos,
				);
			case 'identifier':
				break;
		}
		const word = token.text.toLowerCase();
		if (word === 'true' || word === 'false') {
			this.next();
			return { kind: 'literal', type: 'boolean', value: word === 'true' };
		}
		if (word === 'null') {
			this.next();
			return { kind: 'literal', type: 'null', value: null };
		}
		if (RESERVED.has(word)) {
			throw new FilterSyntaxError(
				`Unexpected operator ${describe(token)}; expected a value or a property`,
				token.pos,
			);
		}
		if (this.isPunct('(', this.peek(1))) return this.parseCall();
		return this.parsePath();
	}

	private parseCall(): FilterNode {
		const nameToken = this.next();
		const name = nameToken.text.toLowerCase();
		const arity = FUNCTIONS[name];
		if (arity === undefined) {
			throw new FilterSyntaxError(
				`Unknown function '${nameToken.text}' at position ${nameToken.pos}`,
				nameToken.pos,
			);
		}
		this.next(); // (
		const args: FilterNode[] = [];
		if (!this.isPunct(')')) {
			args.push(this.parseOr());
			while (this.isPunct(',')) {
				this.next();
				args.push(this.parseOr());
			}
		}
		this.expectPunct(')', `to close the arguments of '${nameToken.text}'`);
		if (args.length !== arity) {
			throw new FilterSyntaxError(
				`Function '${nameToken.text}' expects ${arity} argument${arity === 1 ? '' : 's'} but got ${args.length}`,
				nameToken.pos,
			);
		}
		return { kind: 'call', name, args };
	}

	private parsePath(): FilterNode {
		const first = this.next();
		const segments: string[] = [];
		let variable: string | undefined;
		if (this.scopes.includes(first.text)) variable = first.text;
		else segments.push(first.text);
		while (this.isPunct('/')) {
			this.next();
			const segment = this.next();
			if (segment.kind !== 'identifier') {
				throw new FilterSyntaxError(
					`Expected a property name after '/' but found ${describe(segment)}`,
					segment.pos,
				);
			}
			const word = segment.text.toLowerCase();
			if ((word === 'any' || word === 'all') && this.isPunct('(')) {
				return this.parseLambda(word, {
					kind: 'path',
					segments,
					...(variable ? { variable } : {}),
				});
			}
			segments.push(segment.text);
		}
		return { kind: 'path', segments, ...(variable ? { variable } : {}) };
	}

	private parseLambda(quantifier: 'any' | 'all', collection: FilterNode): FilterNode {
		const open = this.next(); // (
		if (this.isPunct(')')) {
			this.next();
			if (quantifier === 'all')
				throw new FilterSyntaxError("'all()' requires a lambda expression", open.pos);
			return { kind: 'lambda', quantifier, collection };
		}
		const variableToken = this.next();
		if (variableToken.kind !== 'identifier' || RESERVED.has(variableToken.text.toLowerCase())) {
			throw new FilterSyntaxError(
				`Expected a lambda variable name in '${quantifier}(' but found ${describe(variableToken)}`,
				variableToken.pos,
			);
		}
		this.expectPunct(':', `after the lambda variable '${variableToken.text}'`);
		this.scopes.push(variableToken.text);
		const predicate = this.parseOr();
		this.scopes.pop();
		this.expectPunct(')', `to close '${quantifier}(' at position ${open.pos}`);
		return { kind: 'lambda', quantifier, collection, variable: variableToken.text, predicate };
	}
}

function lastSegment(node: FilterNode): string | undefined {
	if (node.kind !== 'path') return undefined;
	return node.segments[node.segments.length - 1]?.toLowerCase();
}

function isInstantHint(node: FilterNode): boolean {
	if (node.kind === 'literal') return node.type === 'datetime';
	const last = lastSegment(node);
	return last !== undefined && last.endsWith('datetime');
}

function isNumberHint(node: FilterNode): boolean {
	if (node.kind === 'literal') return node.type === 'number';
	if (node.kind === 'call') return node.name === 'length';
	const last = lastSegment(node);
	return last !== undefined && NUMERIC_FIELDS.has(last);
}

/** Parses a `$filter` expression. Throws FilterSyntaxError with a message naming the problem. */
export function parseFilter(text: string): FilterNode {
	return new Parser(tokenize(text)).parse();
}

/* ------------------------------------------------------------------------------------------ */
/* evaluator                                                                                    */

// Built-ins used per evaluated referral, bound once: under jest (a vm context) global lookups
// such as `Number.isNaN` go through an interceptor and are several times slower.
const { isNaN: isNaNNumber } = Number;
const toNum = Number;
const { UTC: utc } = Date;
const hasOwn = Object.prototype.hasOwnProperty;
const { keys: objectKeys } = Object;
const { isArray } = Array;

const GUID_ONLY_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGuid(value: string): boolean {
	return GUID_ONLY_RE.test(value);
}

const INSTANT_RE =
	/^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(Z|[+-]\d{2}:?\d{2}|\s\d{2}:?\d{2})?$/i;

/** Milliseconds since the epoch of an ISO 8601 date or date-time (any fraction length); NaN if not one. */
export function parseInstant(value: unknown): number {
	if (value instanceof Date) return value.getTime();
	if (typeof value !== 'string') return NaN;
	const m = INSTANT_RE.exec(value.trim());
	if (!m) return NaN;
	const [, y, mo, d, h = '0', mi = '0', s = '0', fraction, zone] = m;
	const month = toNum(mo);
	const day = toNum(d);
	if (
		month < 1 ||
		month > 12 ||
		day < 1 ||
		day > 31 ||
		toNum(h) > 23 ||
		toNum(mi) > 59 ||
		toNum(s) > 60
	)
		return NaN;
	let ms = utc(toNum(y), month - 1, day, toNum(h), toNum(mi), toNum(s));
	if (fraction) ms += toNum(`0.${fraction}`) * 1000;
	if (zone && zone.toUpperCase() !== 'Z') {
		const z = zone.trim();
		const sign = zone.startsWith('-') ? -1 : 1;
		const digits = z.replace(/^[+-]/, '').replace(':', '');
		ms -= sign * (toNum(digits.slice(0, 2)) * 60 + toNum(digits.slice(2, 4))) * 60_000;
	}
	return ms;
}

type Scope = ReadonlyMap<string, unknown>;

function getProperty(target: Record<string, unknown>, key: string): unknown {
	if (hasOwn.call(target, key)) return target[key];
	const lower = key.toLowerCase();
	for (const candidate of objectKeys(target))
		if (candidate.toLowerCase() === lower) return target[candidate];
	return undefined;
}

/** Resolves a `/`-path over plain objects (case-insensitive fallback); undefined if absent. */
export function resolvePath(base: unknown, segments: readonly string[]): unknown {
	let current = base;
	for (const segment of segments) {
		if (current === null || typeof current !== 'object' || isArray(current)) return undefined;
		current = getProperty(current as Record<string, unknown>, segment);
	}
	return current;
}

function toNumber(value: unknown): number {
	if (typeof value === 'number') return value;
	if (typeof value === 'string' && value.trim() !== '') return toNum(value);
	return NaN;
}

function order(a: number | string, b: number | string, op: CompareOperator): boolean {
	switch (op) {
		case 'eq':
			return a === b;
		case 'ne':
			return a !== b;
		case 'gt':
			return a > b;
		case 'ge':
			return a >= b;
		case 'lt':
			return a < b;
		case 'le':
			return a <= b;
	}
}

/** OData comparison with the sandbox's leniencies (case-insensitive strings, instants, numeric strings). */
export function compareValues(
	op: CompareOperator,
	left: unknown,
	right: unknown,
	asInstant = false,
	asNumber = false,
): boolean {
	const a = left === undefined ? null : left;
	const b = right === undefined ? null : right;
	if (a === null || b === null) {
		if (op === 'eq') return a === b;
		if (op === 'ne') return a !== b;
		return false;
	}
	if (asInstant) {
		const ta = parseInstant(a);
		const tb = parseInstant(b);
		if (!isNaNNumber(ta) && !isNaNNumber(tb)) return order(ta, tb, op);
	}
	if (asNumber || typeof a === 'number' || typeof b === 'number') {
		const na = toNumber(a);
		const nb = toNumber(b);
		if (!isNaNNumber(na) && !isNaNNumber(nb)) return order(na, nb, op);
		return op === 'ne';
	}
	if (typeof a === 'boolean' || typeof b === 'boolean') {
		const ba = typeof a === 'string' ? a.toLowerCase() === 'true' : a;
		const bb = typeof b === 'string' ? b.toLowerCase() === 'true' : b;
		if (op === 'eq') return ba === bb;
		if (op === 'ne') return ba !== bb;
		return false;
	}
	if (typeof a === 'string' && typeof b === 'string')
		return order(a.toLowerCase(), b.toLowerCase(), op);
	// objects and arrays are never equal to anything
	return op === 'ne';
}

function truthy(value: unknown): boolean {
	return value === true;
}

function evaluateNode(node: FilterNode, root: unknown, scope: Scope): unknown {
	switch (node.kind) {
		case 'and':
			return (
				truthy(evaluateNode(node.left, root, scope)) &&
				truthy(evaluateNode(node.right, root, scope))
			);
		case 'or':
			return (
				truthy(evaluateNode(node.left, root, scope)) ||
				truthy(evaluateNode(node.right, root, scope))
			);
		case 'not':
			return !truthy(evaluateNode(node.operand, root, scope));
		case 'compare':
			return compareValues(
				node.op,
				evaluateNode(node.left, root, scope),
				evaluateNode(node.right, root, scope),
				node.asInstant,
				node.asNumber,
			);
		case 'in': {
			const value = evaluateNode(node.operand, root, scope);
			return node.values.some((candidate) =>
				compareValues(
					'eq',
					value,
					evaluateNode(candidate, root, scope),
					node.asInstant,
					node.asNumber,
				),
			);
		}
		case 'literal':
			return node.value;
		case 'path': {
			const base = node.variable !== undefined ? scope.get(node.variable) : root;
			return resolvePath(base, node.segments);
		}
		case 'lambda': {
			const collection = evaluateNode(node.collection, root, scope);
			if (!isArray(collection)) return false;
			const { predicate, variable } = node;
			if (!predicate || variable === undefined) return collection.length > 0;
			const test = (element: unknown): boolean => {
				const inner = new Map(scope);
				inner.set(variable, element);
				return truthy(evaluateNode(predicate, root, inner));
			};
			return node.quantifier === 'any' ? collection.some(test) : collection.every(test);
		}
		case 'call':
			return evaluateCall(
				node.name,
				node.args.map((arg) => evaluateNode(arg, root, scope)),
			);
	}
}

function evaluateCall(name: string, args: unknown[]): unknown {
	const [first, second] = args;
	switch (name) {
		case 'contains':
		case 'startswith':
		case 'endswith': {
			if (typeof first !== 'string' || typeof second !== 'string') return false;
			const haystack = first.toLowerCase();
			const needle = second.toLowerCase();
			if (name === 'contains') return haystack.includes(needle);
			return name === 'startswith' ? haystack.startsWith(needle) : haystack.endsWith(needle);
		}
		case 'tolower':
			return typeof first === 'string' ? first.toLowerCase() : null;
		case 'toupper':
			return typeof first === 'string' ? first.toUpperCase() : null;
		case 'trim':
			return typeof first === 'string' ? first.trim() : null;
		case 'length':
			return typeof first === 'string' || isArray(first) ? first.length : null;
		default:
			return null;
	}
}

const EMPTY_SCOPE: Scope = new Map();

/** true when `target` satisfies the parsed filter */
export function evaluateFilter(node: FilterNode, target: unknown): boolean {
	return truthy(evaluateNode(node, target, EMPTY_SCOPE));
}

/** parse once, evaluate many times */
export function compileFilter(text: string): (target: unknown) => boolean {
	const node = parseFilter(text);
	return (target) => evaluateFilter(node, target);
}
