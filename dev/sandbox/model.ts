/**
 * The referral rules of the sandbox: enums, the status transition table, request validation,
 * RFC 6902 JSON Patch (replace/add only), and the documented error shape.
 *
 * Written from the service's documentation independently of the node on purpose (not imported
 * from nodes/): the sandbox is the reference the node is tested against, so a mistake in the
 * node's enums or transition table (nodes/PartnerCenterReferral/shared/) shows up as a
 * disagreement instead of being shared by both.
 */
import { isGuid, parseInstant } from './odata';

export const STATUSES = ['None', 'New', 'Active', 'Closed'] as const;
export const SUBSTATUSES = [
	'None',
	'Pending',
	'Received',
	'Accepted',
	'Won',
	'Lost',
	'Declined',
	'Expired',
] as const;
export const TYPES = ['Independent', 'Shared'] as const;
export const QUALIFICATIONS = ['None', 'Direct', 'MarketingQualified', 'SalesQualified'] as const;
export const DIRECTIONS = ['Incoming', 'Outgoing'] as const;
export const TARGET_TYPES = ['None', 'BusinessProfileLocation', 'SolutionProfile'] as const;
export const PROFILE_TYPES = ['Duns', 'External'] as const;
export const ASSISTANCE_REQUEST_CODES = [
	'Unknown',
	'GeneralOrOther',
	'CustomerTechnicalArchitecture',
	'ProofOfConceptOrDemo',
	'QuotesOrLicensing',
	'PostSalesCustomerSuccess',
	'WorkloadSpecificValueProposition',
] as const;

/** status -> statuses it may move to (the service rejects others) */
export const STATUS_TRANSITIONS: Readonly<Record<string, readonly string[]>> = {
	New: ['New', 'Active', 'Closed'],
	Active: ['Active', 'Closed'],
	Closed: ['Closed'],
};

/** status -> substatuses allowed with it */
export const SUBSTATUSES_BY_STATUS: Readonly<Record<string, readonly string[]>> = {
	New: ['Pending', 'Received'],
	Active: ['Accepted'],
	Closed: ['Won', 'Lost', 'Declined', 'Expired'],
};

/** top-level fields a client may not change (PATCH refuses them; PUT refuses a different value) */
export const READ_ONLY_FIELDS = [
	'id',
	'engagementId',
	'createdDateTime',
	'updatedDateTime',
	'eTag',
	'organizationId',
	'organizationName',
	'direction',
	'type',
	'links',
] as const;

export interface ErrorBody {
	error: { code: string; message: string; target?: string; innerError?: Record<string, unknown> };
}

export class ApiError extends Error {
	constructor(
		readonly status: number,
		readonly code: string,
		message: string,
		readonly target?: string,
	) {
		super(message);
		this.name = 'ApiError';
	}

	toBody(): ErrorBody {
		return errorBody(this.code, this.message, this.target);
	}
}

export function errorBody(code: string, message: string, target?: string): ErrorBody {
	return { error: { code, message, ...(target !== undefined ? { target } : {}) } };
}

/** the documented error code that fits an HTTP status */
export function errorCodeForStatus(status: number): string {
	switch (status) {
		case 400:
			return 'invalidRequest';
		case 401:
			return 'unauthenticated';
		case 403:
			return 'accessDenied';
		case 404:
			return 'itemNotFound';
		case 405:
			return 'methodNotAllowed';
		case 409:
			return 'resourceModified';
		case 412:
			return 'preconditionFailed';
		case 428:
			return 'preconditionRequired';
		case 429:
			return 'tooManyRequests';
		case 502:
		case 503:
		case 504:
			return 'serviceNotAvailable';
		default:
			return status >= 500 ? 'generalException' : 'invalidRequest';
	}
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
	return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function invalid(message: string, target?: string): ApiError {
	return new ApiError(400, 'invalidRequest', message, target);
}

/** the canonical spelling of an enum value (enums are case-insensitive on the real service) */
export function canonicalEnum(values: readonly string[], value: unknown): string | undefined {
	if (typeof value !== 'string') return undefined;
	const lower = value.toLowerCase();
	return values.find((candidate) => candidate.toLowerCase() === lower);
}

function normalizeEnum(
	holder: Record<string, unknown>,
	key: string,
	values: readonly string[],
	path: string,
): void {
	const value = holder[key];
	if (value === undefined || value === null) return;
	const canonical = canonicalEnum(values, value);
	if (canonical === undefined) {
		throw invalid(
			`Invalid value ${JSON.stringify(value)} for '${path}'. Allowed values: ${values.join(', ')}.`,
			path,
		);
	}
	holder[key] = canonical;
}

function optionalObject(
	holder: Record<string, unknown>,
	key: string,
	path: string,
): Record<string, unknown> | undefined {
	const value = holder[key];
	if (value === undefined || value === null) return undefined;
	if (!isPlainObject(value)) throw invalid(`'${path}' must be an object.`, path);
	return value;
}

function optionalArray(
	holder: Record<string, unknown>,
	key: string,
	path: string,
): unknown[] | undefined {
	const value = holder[key];
	if (value === undefined || value === null) return undefined;
	if (!Array.isArray(value)) throw invalid(`'${path}' must be an array.`, path);
	return value;
}

function optionalString(
	holder: Record<string, unknown>,
	key: string,
	path: string,
): string | undefined {
	const value = holder[key];
	if (value === undefined || value === null) return undefined;
	if (typeof value !== 'string') throw invalid(`'${path}' must be a string.`, path);
	return value;
}

function required(path: string): ApiError {
	return invalid(`The '${path}' field is required.`, path);
}

function validateMembers(holder: Record<string, unknown>, key: string, path: string): void {
	const members = optionalArray(holder, key, path);
	members?.forEach((member, i) => {
		if (!isPlainObject(member))
			throw invalid(`'${path}[${i}]' must be an object (a team member).`, `${path}[${i}]`);
		const email = optionalString(member, 'email', `${path}[${i}].email`);
		if (email !== undefined && email !== '' && !email.includes('@')) {
			throw invalid(`'${path}[${i}].email' is not a valid e-mail address.`, `${path}[${i}].email`);
		}
	});
}

export type ValidationMode = 'create' | 'replace' | 'patch';

/**
 * Validates a referral about to be stored and normalizes enum casing in place.
 * `create` requires type, customerProfile (name, address.country), consent and details;
 * `replace` (PUT) requires customerProfile and details; `patch` only checks what is present.
 */
export function validateReferral(referral: Record<string, unknown>, mode: ValidationMode): void {
	const requireAll = mode === 'create';
	const requireProfile = mode !== 'patch';
	if (
		requireAll &&
		(referral.type === undefined || referral.type === null || referral.type === '')
	) {
		throw required('type');
	}
	normalizeEnum(referral, 'type', TYPES, 'type');
	normalizeEnum(referral, 'status', STATUSES, 'status');
	normalizeEnum(referral, 'substatus', SUBSTATUSES, 'substatus');
	normalizeEnum(referral, 'qualification', QUALIFICATIONS, 'qualification');
	normalizeEnum(referral, 'direction', DIRECTIONS, 'direction');
	for (const key of ['name', 'externalReferenceId', 'statusReason'])
		optionalString(referral, key, key);

	const profile = optionalObject(referral, 'customerProfile', 'customerProfile');
	if (!profile && requireProfile) throw required('customerProfile');
	if (profile) {
		const name = optionalString(profile, 'name', 'customerProfile.name');
		if (requireProfile && (name === undefined || name.trim() === ''))
			throw required('customerProfile.name');
		const address = optionalObject(profile, 'address', 'customerProfile.address');
		if (!address && requireProfile) throw required('customerProfile.address.country');
		if (address) {
			const country = optionalString(address, 'country', 'customerProfile.address.country');
			if (country === undefined || country === '') {
				if (requireProfile) throw required('customerProfile.address.country');
			} else if (!/^[A-Za-z]{2}$/.test(country)) {
				throw invalid(
					`'customerProfile.address.country' must be an ISO 3166 two-letter country code, not ${JSON.stringify(country)}.`,
					'customerProfile.address.country',
				);
			} else {
				address.country = country.toUpperCase();
			}
		}
		validateMembers(profile, 'team', 'customerProfile.team');
		optionalArray(profile, 'ids', 'customerProfile.ids')?.forEach((entry, i) => {
			if (!isPlainObject(entry))
				throw invalid(
					`'customerProfile.ids[${i}]' must be an object.`,
					`customerProfile.ids[${i}]`,
				);
			normalizeEnum(entry, 'profileType', PROFILE_TYPES, `customerProfile.ids[${i}].profileType`);
		});
	}

	const consent = optionalObject(referral, 'consent', 'consent');
	if (!consent && requireAll) throw required('consent');
	if (consent) {
		for (const [key, value] of Object.entries(consent)) {
			if (value !== null && typeof value !== 'boolean')
				throw invalid(`'consent.${key}' must be a boolean.`, `consent.${key}`);
		}
	}

	const details = optionalObject(referral, 'details', 'details');
	if (!details && requireProfile) throw required('details');
	if (details) {
		const dealValue = details.dealValue;
		if (dealValue !== undefined && dealValue !== null) {
			const numeric =
				typeof dealValue === 'number'
					? dealValue
					: typeof dealValue === 'string' && dealValue.trim() !== ''
						? Number(dealValue)
						: NaN;
			if (!Number.isFinite(numeric) || numeric < 0) {
				throw invalid(
					`'details.dealValue' must be a non-negative decimal, not ${JSON.stringify(dealValue)}.`,
					'details.dealValue',
				);
			}
		}
		const currency = optionalString(details, 'currency', 'details.currency');
		if (currency !== undefined && currency !== '') {
			if (!/^[A-Za-z]{3}$/.test(currency)) {
				throw invalid(
					`'details.currency' must be an ISO 4217 code, not ${JSON.stringify(currency)}.`,
					'details.currency',
				);
			}
			details.currency = currency.toUpperCase();
		}
		const closing = optionalString(details, 'closingDateTime', 'details.closingDateTime');
		if (closing !== undefined && closing !== '' && Number.isNaN(parseInstant(closing))) {
			throw invalid(
				`'details.closingDateTime' must be an ISO 8601 date-time, not ${JSON.stringify(closing)}.`,
				'details.closingDateTime',
			);
		}
		optionalString(details, 'notes', 'details.notes');
		optionalObject(details, 'requirements', 'details.requirements');
	}

	validateMembers(referral, 'team', 'team');
	optionalArray(referral, 'target', 'target')?.forEach((entry, i) => {
		if (!isPlainObject(entry)) throw invalid(`'target[${i}]' must be an object.`, `target[${i}]`);
		normalizeEnum(entry, 'type', TARGET_TYPES, `target[${i}].type`);
	});
	const invite = optionalObject(referral, 'inviteContext', 'inviteContext');
	if (invite)
		normalizeEnum(
			invite,
			'assistanceRequestCode',
			ASSISTANCE_REQUEST_CODES,
			'inviteContext.assistanceRequestCode',
		);
	const engagementId = referral.engagementId;
	if (
		engagementId !== undefined &&
		engagementId !== null &&
		(typeof engagementId !== 'string' || !isGuid(engagementId))
	) {
		throw invalid(
			`'engagementId' must be a GUID, not ${JSON.stringify(engagementId)}.`,
			'engagementId',
		);
	}
}

/** The substatus a status gets when a client sets only the status (New -> Pending, Active -> Accepted). */
export function defaultSubstatus(status: string): string | undefined {
	const allowed = SUBSTATUSES_BY_STATUS[status];
	return allowed && (status === 'New' || allowed.length === 1) ? allowed[0] : undefined;
}

/** A valid status/substatus pair per the transition table (used by create). */
export function checkStatusPair(status: string, substatus: string): void {
	const allowed = SUBSTATUSES_BY_STATUS[status];
	if (!allowed) {
		throw invalid(
			`Status '${status}' cannot be set; use one of ${Object.keys(SUBSTATUSES_BY_STATUS).join(', ')}.`,
			'status',
		);
	}
	if (!allowed.includes(substatus)) {
		throw invalid(
			`Substatus '${substatus}' is not valid with status '${status}'. Allowed with '${status}': ${allowed.join(', ')}.`,
			'substatus',
		);
	}
}

/** Enforces the status transition table for an update from (status, substatus) to (status, substatus). */
export function checkTransition(
	fromStatus: string | undefined,
	fromSubstatus: string | undefined,
	toStatus: string,
	toSubstatus: string,
): void {
	const from = `${fromStatus ?? 'None'}/${fromSubstatus ?? 'None'}`;
	const to = `${toStatus}/${toSubstatus}`;
	const allowedTargets = fromStatus !== undefined ? STATUS_TRANSITIONS[fromStatus] : undefined;
	const targets = allowedTargets ?? Object.keys(STATUS_TRANSITIONS);
	if (!targets.includes(toStatus)) {
		throw invalid(
			`Invalid status transition from '${from}' to '${to}': a referral in status '${fromStatus}' can move only to ${targets.join(', ')}.`,
			'status',
		);
	}
	const substatuses = SUBSTATUSES_BY_STATUS[toStatus];
	if (!substatuses.includes(toSubstatus)) {
		throw invalid(
			`Invalid status transition from '${from}' to '${to}': substatus '${toSubstatus}' is not allowed with status '${toStatus}' (allowed: ${substatuses.join(', ')}).`,
			'substatus',
		);
	}
}

/* ------------------------------------------------------------------------------------------ */
/* JSON Patch                                                                                   */

const UNSUPPORTED_OPS = new Set(['remove', 'move', 'copy', 'test']);
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function decodePointer(path: string): string[] {
	return path
		.slice(1)
		.split('/')
		.map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** an existing key matching case-insensitively, else the key as given */
function keyFor(target: Record<string, unknown>, key: string): string {
	if (Object.prototype.hasOwnProperty.call(target, key)) return key;
	const lower = key.toLowerCase();
	return Object.keys(target).find((candidate) => candidate.toLowerCase() === lower) ?? key;
}

function arrayIndex(segment: string, length: number, path: string, allowEnd: boolean): number {
	if (segment === '-' && allowEnd) return length;
	if (!/^(0|[1-9]\d*)$/.test(segment))
		throw invalid(`Invalid array index '${segment}' in path '${path}'.`, path);
	const index = Number(segment);
	if (index > length || (!allowEnd && index >= length))
		throw invalid(`Array index ${index} is out of range in path '${path}'.`, path);
	return index;
}

/**
 * Applies a JSON Patch document (only `replace` and `add`) to `document` in place. Missing
 * intermediate objects/arrays are created (lenient `replace` of an absent member sets it).
 * Throws ApiError 400 for malformed operations and read-only paths.
 */
export function applyJsonPatch(document: Record<string, unknown>, operations: unknown): void {
	if (!Array.isArray(operations)) {
		throw invalid(
			'The request body must be a JSON Patch document: an array of operations such as [{"op":"replace","path":"/status","value":"Active"}].',
		);
	}
	if (operations.length === 0) throw invalid('The JSON Patch document contains no operations.');
	operations.forEach((operation, i) => {
		if (!isPlainObject(operation)) throw invalid(`JSON Patch operation ${i} must be an object.`);
		const op = typeof operation.op === 'string' ? operation.op.toLowerCase() : undefined;
		if (op === undefined) throw invalid(`JSON Patch operation ${i} has no 'op'.`);
		if (UNSUPPORTED_OPS.has(op)) {
			throw invalid(
				`The JSON Patch operation '${operation.op}' is not supported; only 'replace' and 'add' are.`,
			);
		}
		if (op !== 'replace' && op !== 'add')
			throw invalid(`Unknown JSON Patch operation '${String(operation.op)}'.`);
		const path = operation.path;
		if (typeof path !== 'string' || !path.startsWith('/') || path === '/') {
			throw invalid(
				`JSON Patch operation ${i} needs a 'path' such as '/status' (got ${JSON.stringify(path)}).`,
			);
		}
		if (!('value' in operation) || operation.value === undefined) {
			throw invalid(`JSON Patch operation ${i} ('${op}' ${path}) has no 'value'.`, path);
		}
		const segments = decodePointer(path);
		const forbidden = segments.find((segment) => FORBIDDEN_KEYS.has(segment));
		if (forbidden !== undefined) throw invalid(`Invalid path '${path}'.`, path);
		const readOnly = READ_ONLY_FIELDS.find(
			(field) => field.toLowerCase() === segments[0].toLowerCase(),
		);
		if (readOnly !== undefined)
			throw invalid(
				`The property '${readOnly}' is read-only and cannot be changed (path '${path}').`,
				path,
			);
		setAtPointer(document, segments, structuredClone(operation.value), op, path);
	});
}

function setAtPointer(
	document: Record<string, unknown>,
	segments: string[],
	value: unknown,
	op: 'add' | 'replace',
	path: string,
): void {
	let parent: Record<string, unknown> | unknown[] = document;
	for (let i = 0; i < segments.length - 1; i++) {
		const segment = segments[i];
		const nextIsIndex = segments[i + 1] === '-' || /^\d+$/.test(segments[i + 1]);
		let child: unknown;
		if (Array.isArray(parent)) {
			const index = arrayIndex(segment, parent.length, path, false);
			child = parent[index];
		} else {
			const key = keyFor(parent, segment);
			child = parent[key];
			if (child === undefined || child === null) {
				child = nextIsIndex ? [] : {};
				parent[key] = child;
			}
		}
		if (child === null || typeof child !== 'object') {
			throw invalid(
				`Path '${path}' goes through '${segment}', which is not an object or array.`,
				path,
			);
		}
		parent = child as Record<string, unknown> | unknown[];
	}
	const last = segments[segments.length - 1];
	if (Array.isArray(parent)) {
		if (op === 'add') parent.splice(arrayIndex(last, parent.length, path, true), 0, value);
		else parent[arrayIndex(last, parent.length, path, false)] = value;
		return;
	}
	if (last === '-') throw invalid(`'-' is only valid for arrays (path '${path}').`, path);
	parent[keyFor(parent, last)] = value;
}

/** If-Match handling: `*`, weak `W/`, quoted or unquoted, comma-separated lists. */
export function ifMatchSatisfied(header: string, eTag: string | undefined): boolean {
	const current = normalizeETag(eTag ?? '');
	return header
		.split(',')
		.map((part) => part.trim())
		.some((part) => part === '*' || (part !== '' && normalizeETag(part) === current));
}

function normalizeETag(tag: string): string {
	return tag
		.trim()
		.replace(/^W\//i, '')
		.replace(/^"(.*)"$/, '$1');
}

/** deep merge of plain objects (arrays and primitives replace; undefined deletes) into a copy */
export function deepMerge(
	base: Record<string, unknown>,
	changes: Record<string, unknown>,
): Record<string, unknown> {
	const out: Record<string, unknown> = { ...base };
	for (const [key, value] of Object.entries(changes)) {
		if (FORBIDDEN_KEYS.has(key)) continue;
		if (value === undefined) {
			delete out[key];
		} else if (isPlainObject(value) && isPlainObject(out[key])) {
			out[key] = deepMerge(out[key] as Record<string, unknown>, value);
		} else {
			out[key] = structuredClone(value);
		}
	}
	return out;
}
