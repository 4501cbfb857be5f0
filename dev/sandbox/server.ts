/**
 * A local simulation of Microsoft's Partner Center Referrals REST API (dev-only): the referral
 * endpoints under /v1.0/engagements/referrals, an Entra ID v2 look-alike OAuth2 endpoint, and
 * fault injection (latency, concurrency limit, per-second rate limit, failures, malformed bodies,
 * resets).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

import { AuthService, SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, SIGN_IN_FAILURES } from './auth';
import { formatTimestamp, generateDataset, makeExpiringSoon } from './data';
import {
	ApiError,
	applyJsonPatch,
	checkStatusPair,
	checkTransition,
	defaultSubstatus,
	errorBody,
	errorCodeForStatus,
	ifMatchSatisfied,
	isPlainObject,
	READ_ONLY_FIELDS,
	validateReferral,
} from './model';
import { compileFilter, FilterSyntaxError, parseInstant } from './odata';
import {
	decodeToken,
	encodeToken,
	orderSignature,
	ReferralStore,
	type ContinuationToken,
	type OrderField,
	type OrderKey,
} from './store';
import type {
	Counters,
	FaultControls,
	Referral,
	ResponseShape,
	Sandbox,
	SandboxOptions,
	SignInFailureName,
} from './types';

export type * from './types';

/** the docs' metadata links, including their `engagments` typo */
export const ENTITY_CONTEXT =
	'https://api.partner.microsoft.com/v1.0/engagments/referrals/$metadata#Referrals/$entity';
export const COLLECTION_CONTEXT =
	'https://api.partner.microsoft.com/v1.0/engagments/referrals/$metadata#Referrals';

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
const MAX_BODY_BYTES = 10 * 1024 * 1024;
const MALFORMED_BODY = `{"@odata.context":"${COLLECTION_CONTEXT}","@odata.count":2,"value":[{"id":"c5fbb3b6-be74-4795-9fb5-4324c73fed37","engagementId":"65edc0b5-34`;
const ORDER_FIELDS: readonly OrderField[] = ['createdDateTime', 'updatedDateTime'];

type QueuedFault =
	| { kind: 'fail'; status: number; body?: unknown; headers?: Record<string, string> }
	| { kind: 'malformed' }
	| { kind: 'drop' };

function checkCount(count: number): void {
	if (!Number.isInteger(count) || count < 0)
		throw new RangeError(`count must be a non-negative integer, got ${count}`);
}

/** Fault controls; methods are bound (safe to destructure). One FIFO queue for the one-shot faults. */
export class FaultState implements FaultControls {
	latencyMs = 0;
	maxConcurrent = 0;
	retryAfterSeconds = 1;
	maxPerSecond = 0;
	private readonly queue: Array<{ fault: QueuedFault; remaining: number }> = [];
	private readonly signInQueue: Array<{ failure: SignInFailureName; remaining: number }> = [];

	failNext = (
		count: number,
		status: number,
		body?: unknown,
		headers?: Record<string, string>,
	): void => {
		checkCount(count);
		if (!Number.isInteger(status) || status < 100 || status > 599)
			throw new RangeError(`invalid HTTP status ${status}`);
		if (count > 0)
			this.queue.push({ fault: { kind: 'fail', status, body, headers }, remaining: count });
	};

	malformedNext = (count: number): void => {
		checkCount(count);
		if (count > 0) this.queue.push({ fault: { kind: 'malformed' }, remaining: count });
	};

	dropNext = (count: number): void => {
		checkCount(count);
		if (count > 0) this.queue.push({ fault: { kind: 'drop' }, remaining: count });
	};

	/** next N token requests: the token endpoint answers this sign-in failure, as Microsoft Entra ID does */
	failSignInNext = (count: number, failure: SignInFailureName): void => {
		checkCount(count);
		if (!(failure in SIGN_IN_FAILURES)) throw new RangeError(`unknown sign-in failure ${failure}`);
		if (count > 0) this.signInQueue.push({ failure, remaining: count });
	};

	/** the sign-in failure for the next token request, if any */
	takeSignIn(): SignInFailureName | undefined {
		const head = this.signInQueue[0];
		if (!head) return undefined;
		head.remaining--;
		if (head.remaining <= 0) this.signInQueue.shift();
		return head.failure;
	}

	/** the one-shot fault for the next API request, if any */
	take(): QueuedFault | undefined {
		const head = this.queue[0];
		if (!head) return undefined;
		head.remaining--;
		if (head.remaining <= 0) this.queue.shift();
		return head.fault;
	}

	reset(): void {
		this.latencyMs = 0;
		this.maxConcurrent = 0;
		this.retryAfterSeconds = 1;
		this.maxPerSecond = 0;
		this.queue.length = 0;
		this.signInQueue.length = 0;
	}
}

interface RequestContext {
	req: IncomingMessage;
	res: ServerResponse;
	requestId: string;
	/** headers echoed on every response (client-request-id, MS-CorrelationId) */
	echo: Record<string, string>;
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
	const value = req.headers[name];
	return Array.isArray(value) ? value[0] : value;
}

function send(
	ctx: RequestContext,
	status: number,
	body?: unknown,
	headers: Record<string, string> = {},
): void {
	const { res } = ctx;
	if (res.headersSent || res.destroyed) return;
	const payload = body === undefined ? '' : JSON.stringify(body);
	res.writeHead(status, {
		'Content-Type': JSON_CONTENT_TYPE,
		'Content-Length': String(Buffer.byteLength(payload)),
		'request-id': ctx.requestId,
		...ctx.echo,
		...headers,
	});
	res.end(payload);
}

function readBody(req: IncomingMessage): Promise<string> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size > MAX_BODY_BYTES) {
				reject(
					new ApiError(413, 'invalidRequest', `The request body exceeds ${MAX_BODY_BYTES} bytes.`),
				);
				req.destroy();
				return;
			}
			chunks.push(chunk);
		});
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		req.on('error', reject);
	});
}

async function readJson(req: IncomingMessage): Promise<unknown> {
	const text = await readBody(req);
	if (text.trim() === '')
		throw new ApiError(
			400,
			'invalidRequest',
			'The request body is empty; a JSON body is required.',
		);
	try {
		return JSON.parse(text) as unknown;
	} catch (error) {
		throw new ApiError(
			400,
			'invalidRequest',
			`The request body is not valid JSON: ${(error as Error).message}`,
		);
	}
}

/** RFC 3986 query encoding that keeps OData's `$ / : , ' ( )` readable */
function encodeQueryPart(text: string): string {
	return encodeURIComponent(text)
		.replace(/%24/g, '$')
		.replace(/%2F/gi, '/')
		.replace(/%3A/gi, ':')
		.replace(/%2C/gi, ',');
}

function notFound(id: string): ApiError {
	return new ApiError(404, 'itemNotFound', `The referral '${id}' was not found.`, 'id');
}

function withContext(referral: Referral | Record<string, unknown>): Record<string, unknown> {
	return { '@odata.context': ENTITY_CONTEXT, ...referral };
}

/** A referral as answered under `shape`: stamps without their zone, status stamps left out, the id in upper case. */
function shaped(referral: Record<string, unknown>, shape: ResponseShape): Record<string, unknown> {
	if (!shape.zonelessTimestamps && !shape.omitStatusStamps && !shape.upperCaseIds) return referral;
	const out: Record<string, unknown> = {};
	for (const [key, value] of Object.entries(referral)) {
		if (shape.omitStatusStamps && (key === 'acceptedDateTime' || key === 'closedDateTime'))
			continue;
		out[key] = shape.zonelessTimestamps && key.endsWith('DateTime') ? withoutZone(value) : value;
	}
	if (shape.upperCaseIds && typeof referral.id === 'string') out.id = referral.id.toUpperCase();
	if (
		shape.zonelessTimestamps &&
		referral.details !== null &&
		typeof referral.details === 'object'
	) {
		const details = referral.details as Record<string, unknown>;
		out.details = { ...details, closingDateTime: withoutZone(details.closingDateTime) };
		if (details.closingDateTime === undefined)
			delete (out.details as Record<string, unknown>).closingDateTime;
	}
	return out;
}

function withoutZone(value: unknown): unknown {
	return typeof value === 'string' ? value.replace(/Z$/i, '') : value;
}

function project(referral: Referral, select: string[] | undefined): Record<string, unknown> {
	if (!select) return referral;
	const out: Record<string, unknown> = {};
	for (const field of select) {
		const key = Object.keys(referral).find(
			(candidate) => candidate.toLowerCase() === field.toLowerCase(),
		);
		if (key !== undefined) out[key] = referral[key];
	}
	return out;
}

/** `$`-prefixed query options, keys lower-cased, first occurrence wins (values already URL-decoded) */
function queryOptions(url: URL): Map<string, string> {
	const options = new Map<string, string>();
	for (const [key, value] of url.searchParams) {
		const lower = key.toLowerCase();
		if (lower.startsWith('$') && !options.has(lower)) options.set(lower, value);
	}
	return options;
}

function parseNonNegativeInteger(value: string | undefined, name: string): number | undefined {
	if (value === undefined) return undefined;
	if (!/^\s*\d+\s*$/.test(value)) {
		throw new ApiError(
			400,
			'invalidRequest',
			`Invalid value '${value}' for ${name}: a non-negative integer is required.`,
			name,
		);
	}
	return Number(value);
}

export function parseOrderBy(value: string | undefined): OrderKey[] {
	if (value === undefined || value.trim() === '') return [];
	return value.split(',').map((part) => {
		const [field, direction, ...rest] = part.trim().split(/\s+/);
		const canonical = ORDER_FIELDS.find(
			(candidate) => candidate.toLowerCase() === (field ?? '').toLowerCase(),
		);
		if (!canonical) {
			throw new ApiError(
				400,
				'invalidRequest',
				`Unsupported $orderby field '${field ?? ''}'. Supported: ${ORDER_FIELDS.join(', ')}.`,
				'$orderby',
			);
		}
		const dir = (direction ?? 'asc').toLowerCase();
		if ((dir !== 'asc' && dir !== 'desc') || rest.length > 0) {
			throw new ApiError(
				400,
				'invalidRequest',
				`Invalid $orderby clause '${part.trim()}': use '<field> asc' or '<field> desc'.`,
				'$orderby',
			);
		}
		return { field: canonical, descending: dir === 'desc' };
	});
}

function sameReadOnlyValue(field: string, given: unknown, current: unknown): boolean {
	if (field.endsWith('DateTime')) return parseInstant(given) === parseInstant(current);
	if (typeof given === 'string' && typeof current === 'string')
		return given.toLowerCase() === current.toLowerCase();
	return given === current;
}

function statusChanged(before: Referral, after: Record<string, unknown>): boolean {
	const same = (a: unknown, b: unknown): boolean =>
		String(a ?? '').toLowerCase() === String(b ?? '').toLowerCase();
	return !same(before.status, after.status) || !same(before.substatus, after.substatus);
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
	const now = options.now ?? (() => new Date());
	const pageSize = options.pageSize ?? 100;
	if (!Number.isInteger(pageSize) || pageSize < 1)
		throw new RangeError(`pageSize must be a positive integer, got ${pageSize}`);
	const tokenLifetime = options.tokenLifetimeSeconds ?? 3600;
	const requireAuth = options.requireAuth ?? true;
	const seed = options.seed ?? 1;
	const referralCount = options.referralCount ?? 50;
	if (!Number.isInteger(referralCount) || referralCount < 0)
		throw new RangeError(`referralCount must be a non-negative integer, got ${referralCount}`);

	// the data is dated relative to the sandbox's clock at start: open referrals close in the future
	const reference = now().getTime();
	const dataset = generateDataset(referralCount, seed, reference);
	makeExpiringSoon(dataset, options.expiringSoon ?? 0, reference);
	const store = new ReferralStore(dataset, now, seed);
	const auth = new AuthService(
		options.clientId ?? SANDBOX_CLIENT_ID,
		options.clientSecret ?? SANDBOX_CLIENT_SECRET,
		tokenLifetime,
		now,
	);
	const faults = new FaultState();
	const defaultShape: ResponseShape = {
		zonelessTimestamps: false,
		omitStatusStamps: false,
		upperCaseIds: false,
		...options.responses,
	};
	const responses: ResponseShape = { ...defaultShape };
	const counters: Counters = {
		requests: 0,
		throttled: 0,
		peakConcurrency: 0,
		inFlight: 0,
		byMethod: {},
		tokenRequests: 0,
		unauthorized: 0,
	};
	/** when the requests accepted under `faults.maxPerSecond` arrived (sandbox clock, ms), oldest first */
	const acceptedAt: number[] = [];

	const sockets = new Set<Socket>();
	const sleepers = new Set<() => void>();
	let closed = false;
	let closing: Promise<void> | undefined;

	const defaultSleep = (ms: number): Promise<void> =>
		new Promise<void>((resolve) => {
			const wake = (): void => {
				clearTimeout(timer);
				sleepers.delete(wake);
				resolve();
			};
			const timer = setTimeout(wake, ms);
			sleepers.add(wake);
		});
	const sleep = options.sleep ?? defaultSleep;

	/* ---------------------------------------------------------------------------------- */
	/* referral endpoints                                                                   */

	function handleGet(ctx: RequestContext, url: URL, id: string): void {
		const referral = existing(id);
		const select = parseSelect(queryOptions(url).get('$select'));
		send(ctx, 200, withContext(shaped(project(referral, select), responses)), {
			ETag: referral.eTag ?? '',
		});
	}

	function parseSelect(value: string | undefined): string[] | undefined {
		if (value === undefined || value.trim() === '') return undefined;
		return value
			.split(',')
			.map((field) => field.trim().split('/')[0])
			.filter((field) => field !== '');
	}

	function handleList(ctx: RequestContext, url: URL): void {
		const query = queryOptions(url);
		const filterText = query.get('$filter');
		let predicate: ((referral: Referral) => boolean) | undefined;
		if (filterText !== undefined && filterText.trim() !== '') {
			try {
				predicate = compileFilter(filterText);
			} catch (error) {
				if (error instanceof FilterSyntaxError)
					throw new ApiError(
						400,
						'invalidRequest',
						`Invalid $filter: ${error.message}.`,
						'$filter',
					);
				throw error;
			}
		}
		const orderBy = parseOrderBy(query.get('$orderby'));
		const top = parseNonNegativeInteger(query.get('$top'), '$top');
		const skip = parseNonNegativeInteger(query.get('$skip'), '$skip');
		const select = parseSelect(query.get('$select'));
		const skipToken = query.get('$skiptoken');
		let token: ContinuationToken | undefined;
		if (skipToken !== undefined) {
			token = decodeToken(skipToken);
			if (!token)
				throw new ApiError(
					400,
					'invalidRequest',
					'The $skiptoken is invalid; follow @odata.nextLink verbatim.',
					'$skiptoken',
				);
			if (token.o !== orderSignature(orderBy)) {
				throw new ApiError(
					400,
					'invalidRequest',
					'The $skiptoken does not belong to this $orderby; follow @odata.nextLink verbatim.',
					'$skiptoken',
				);
			}
		}
		const cacheKey = JSON.stringify([filterText ?? '', query.get('$orderby') ?? '']);
		const result = store.list({ predicate, orderBy, top, skip, token, pageSize, cacheKey });
		const body: Record<string, unknown> = {
			'@odata.context': COLLECTION_CONTEXT,
			'@odata.count': result.total,
			value: result.items.map((referral) => shaped(project(referral, select), responses)),
		};
		if (result.next) {
			const host = headerValue(ctx.req, 'host') ?? new URL(sandbox.url).host;
			const parts: string[] = [];
			for (const [key, value] of url.searchParams) {
				if (key.toLowerCase() !== '$skiptoken')
					parts.push(`${encodeQueryPart(key)}=${encodeQueryPart(value)}`);
			}
			parts.push(`$skiptoken=${encodeToken(result.next)}`);
			body['@odata.nextLink'] = `http://${host}${url.pathname}?${parts.join('&')}`;
		}
		send(ctx, 200, body);
	}

	async function handleCreate(ctx: RequestContext, url: URL): Promise<void> {
		const body = await readJson(ctx.req);
		if (!isPlainObject(body))
			throw new ApiError(
				400,
				'invalidRequest',
				'The request body must be a referral (a JSON object).',
			);
		const referral = structuredClone(body);
		// server-managed fields are assigned here, whatever the client sent
		for (const key of [
			'@odata.context',
			'@odata.etag',
			'id',
			'eTag',
			'createdDateTime',
			'updatedDateTime',
			'organizationId',
			'organizationName',
			'direction',
			'links',
		]) {
			delete referral[key];
		}
		validateReferral(referral, 'create');
		const status = (referral.status as string | undefined) ?? 'New';
		const substatus = (referral.substatus as string | undefined) ?? defaultSubstatus(status);
		if (substatus === undefined) {
			throw new ApiError(
				400,
				'invalidRequest',
				`The 'substatus' field is required with status '${status}'.`,
				'substatus',
			);
		}
		checkStatusPair(status, substatus);
		referral.status = status;
		referral.substatus = substatus;
		referral.direction = 'Outgoing';
		const created = store.insert(referral);
		send(ctx, 201, withContext(shaped(created, responses)), {
			ETag: created.eTag ?? '',
			Location: `http://${headerValue(ctx.req, 'host') ?? new URL(sandbox.url).host}${url.pathname.replace(/\/$/, '')}/${created.id}`,
		});
	}

	function checkIfMatch(ctx: RequestContext, current: Referral, required: boolean): void {
		const ifMatch = headerValue(ctx.req, 'if-match');
		if (ifMatch === undefined || ifMatch.trim() === '') {
			if (required) {
				throw new ApiError(
					428,
					'preconditionRequired',
					'The If-Match header is required: send the eTag of the referral being replaced.',
					'If-Match',
				);
			}
			return;
		}
		if (!ifMatchSatisfied(ifMatch, current.eTag)) {
			throw new ApiError(
				412,
				'preconditionFailed',
				`The referral was modified: If-Match ${ifMatch} does not match the current eTag ${current.eTag ?? ''}.`,
				'If-Match',
			);
		}
	}

	function commit(next: Referral): Referral {
		const stamp = formatTimestamp(now());
		const before = store.peek(String(next.id));
		// Like the service: moving to Active stamps acceptedDateTime, moving to Closed closedDateTime.
		if (before && before.status !== next.status) {
			if (next.status === 'Active') next.acceptedDateTime = stamp;
			if (next.status === 'Closed') next.closedDateTime = stamp;
		}
		next.eTag = store.newETag();
		next.updatedDateTime = stamp;
		store.replace(next);
		return next;
	}

	/** the stored referral, looked up again after the body was read (another request may have changed it) */
	function existing(id: string): Referral {
		const current = store.peek(id);
		if (!current) throw notFound(id);
		return current;
	}

	async function handlePatch(ctx: RequestContext, id: string): Promise<void> {
		existing(id);
		const operations = await readJson(ctx.req);
		const current = existing(id);
		checkIfMatch(ctx, current, false);
		const next = structuredClone(current);
		applyJsonPatch(next, operations);
		validateReferral(next, 'patch');
		if (statusChanged(current, next)) {
			checkTransition(
				current.status,
				current.substatus,
				String(next.status ?? ''),
				String(next.substatus ?? ''),
			);
		}
		const saved = commit(next);
		if (/\breturn\s*=\s*representation\b/i.test(headerValue(ctx.req, 'prefer') ?? '')) {
			send(ctx, 200, withContext(shaped(saved, responses)), {
				ETag: saved.eTag ?? '',
				'Preference-Applied': 'return=representation',
			});
		} else {
			send(ctx, 204, undefined, { ETag: saved.eTag ?? '' });
		}
	}

	async function handlePut(ctx: RequestContext, id: string): Promise<void> {
		existing(id);
		const body = await readJson(ctx.req);
		const current = existing(id);
		checkIfMatch(ctx, current, true);
		if (!isPlainObject(body))
			throw new ApiError(
				400,
				'invalidRequest',
				'The request body must be the whole referral (a JSON object).',
			);
		const given = structuredClone(body);
		for (const key of ['@odata.context', '@odata.etag', 'eTag', 'links', 'updatedDateTime'])
			delete given[key];
		for (const field of READ_ONLY_FIELDS) {
			if (
				field in given &&
				given[field] !== undefined &&
				!sameReadOnlyValue(field, given[field], current[field])
			) {
				throw new ApiError(
					400,
					'invalidRequest',
					`The property '${field}' is read-only and cannot be changed.`,
					field,
				);
			}
		}
		const next: Referral = {
			id: current.id,
			engagementId: current.engagementId,
			organizationId: current.organizationId,
			organizationName: current.organizationName,
			createdDateTime: current.createdDateTime,
			...given,
		};
		for (const field of READ_ONLY_FIELDS) {
			if (field !== 'eTag' && field !== 'updatedDateTime' && current[field] !== undefined)
				(next as Record<string, unknown>)[field] = current[field];
		}
		if (next.status === undefined) next.status = current.status;
		if (next.substatus === undefined) next.substatus = current.substatus;
		validateReferral(next, 'replace');
		if (statusChanged(current, next)) {
			checkTransition(
				current.status,
				current.substatus,
				String(next.status ?? ''),
				String(next.substatus ?? ''),
			);
		}
		const saved = commit(next);
		send(ctx, 200, withContext(shaped(saved, responses)), { ETag: saved.eTag ?? '' });
	}

	async function route(ctx: RequestContext, url: URL): Promise<void> {
		const segments = url.pathname.split('/').filter((segment) => segment !== '');
		const method = (ctx.req.method ?? 'GET').toUpperCase();
		const isReferrals =
			segments.length >= 3 &&
			segments[1].toLowerCase() === 'engagements' &&
			segments[2].toLowerCase() === 'referrals';
		if (isReferrals && segments.length === 3) {
			if (method === 'GET') return handleList(ctx, url);
			if (method === 'POST') return handleCreate(ctx, url);
			send(
				ctx,
				405,
				errorBody('methodNotAllowed', `The method ${method} is not allowed on ${url.pathname}.`),
				{ Allow: 'GET, POST' },
			);
			return;
		}
		if (isReferrals && segments.length === 4) {
			let id: string;
			try {
				id = decodeURIComponent(segments[3]);
			} catch {
				id = segments[3];
			}
			if (method === 'GET') return handleGet(ctx, url, id);
			if (method === 'PATCH') return handlePatch(ctx, id);
			if (method === 'PUT') return handlePut(ctx, id);
			send(
				ctx,
				405,
				errorBody('methodNotAllowed', `The method ${method} is not allowed on ${url.pathname}.`),
				{ Allow: 'GET, PATCH, PUT' },
			);
			return;
		}
		throw new ApiError(404, 'itemNotFound', `No resource matches the path '${url.pathname}'.`);
	}

	/* ---------------------------------------------------------------------------------- */
	/* API pipeline: count -> concurrency -> per-second limit -> one-shot faults -> auth -> latency */

	function throttle(ctx: RequestContext, retryAfter: number, message: string): void {
		counters.throttled++;
		send(ctx, 429, errorBody('tooManyRequests', message), { 'Retry-After': String(retryAfter) });
	}

	async function handleApi(ctx: RequestContext, url: URL): Promise<void> {
		const method = (ctx.req.method ?? 'GET').toUpperCase();
		counters.requests++;
		counters.byMethod[method] = (counters.byMethod[method] ?? 0) + 1;
		counters.inFlight++;
		counters.peakConcurrency = Math.max(counters.peakConcurrency, counters.inFlight);
		let released = false;
		const release = (): void => {
			if (released) return;
			released = true;
			counters.inFlight--;
		};
		ctx.res.once('finish', release);
		ctx.res.once('close', release);

		if (faults.maxConcurrent > 0 && counters.inFlight > faults.maxConcurrent) {
			throttle(
				ctx,
				faults.retryAfterSeconds,
				`Too many concurrent requests (limit ${faults.maxConcurrent}). Retry after ${faults.retryAfterSeconds} second(s).`,
			);
			return;
		}
		if (faults.maxPerSecond > 0) {
			const t = now().getTime();
			while (acceptedAt.length > 0 && acceptedAt[0] <= t - 1000) acceptedAt.shift();
			if (acceptedAt.length >= faults.maxPerSecond) {
				const retryAfter = Math.max(
					1,
					Math.ceil((acceptedAt[acceptedAt.length - faults.maxPerSecond] + 1000 - t) / 1000),
				);
				throttle(
					ctx,
					retryAfter,
					`Rate limit exceeded (${faults.maxPerSecond} requests per second). Retry after ${retryAfter} second(s).`,
				);
				return;
			}
			acceptedAt.push(t);
		}
		const fault = faults.take();
		if (fault) {
			if (fault.kind === 'drop') {
				ctx.req.socket.destroy();
				return;
			}
			if (fault.kind === 'malformed') {
				if (ctx.res.headersSent) return;
				ctx.res.writeHead(200, {
					'Content-Type': JSON_CONTENT_TYPE,
					'Content-Length': String(Buffer.byteLength(MALFORMED_BODY)),
					'request-id': ctx.requestId,
					...ctx.echo,
				});
				ctx.res.end(MALFORMED_BODY);
				return;
			}
			const headers: Record<string, string> = { ...(fault.headers ?? {}) };
			if (
				(fault.status === 429 || fault.status === 503) &&
				!Object.keys(headers).some((key) => key.toLowerCase() === 'retry-after')
			) {
				headers['Retry-After'] = String(faults.retryAfterSeconds);
			}
			if (fault.status === 429) counters.throttled++;
			const body =
				fault.body !== undefined
					? fault.body
					: errorBody(errorCodeForStatus(fault.status), `Injected fault: HTTP ${fault.status}.`);
			send(
				ctx,
				fault.status,
				fault.status === 204 || fault.status === 304 ? undefined : body,
				headers,
			);
			return;
		}
		if (requireAuth) {
			const match = /^Bearer\s+(\S+)\s*$/i.exec(headerValue(ctx.req, 'authorization') ?? '');
			const state = match ? auth.checkAccessToken(match[1]) : undefined;
			if (state !== 'valid') {
				counters.unauthorized++;
				const message =
					state === undefined
						? 'Authentication required: send an Authorization header with a Bearer access token.'
						: state === 'expired'
							? 'The access token has expired.'
							: 'The access token is invalid.';
				send(ctx, 401, errorBody('unauthenticated', message), {
					'WWW-Authenticate':
						state === undefined
							? 'Bearer'
							: `Bearer error="invalid_token", error_description="${message}"`,
				});
				return;
			}
		}
		if (faults.latencyMs > 0) {
			await sleep(faults.latencyMs);
			if (closed) {
				ctx.req.socket.destroy();
				return;
			}
		}
		await route(ctx, url);
	}

	/* ---------------------------------------------------------------------------------- */
	/* OAuth2                                                                               */

	async function handleOAuth(
		ctx: RequestContext,
		url: URL,
		endpoint: 'authorize' | 'token',
	): Promise<void> {
		const method = (ctx.req.method ?? 'GET').toUpperCase();
		if (endpoint === 'token') {
			counters.tokenRequests++;
			if (method !== 'POST') {
				send(
					ctx,
					405,
					{
						error: 'invalid_request',
						error_description: 'AADSTS900561: The endpoint only accepts POST requests.',
						error_codes: [900561],
					},
					{ Allow: 'POST' },
				);
				return;
			}
			const text = await readBody(ctx.req);
			const contentType = headerValue(ctx.req, 'content-type') ?? '';
			const form = /application\/x-www-form-urlencoded/i.test(contentType)
				? new URLSearchParams(text)
				: new URLSearchParams();
			const failure = faults.takeSignIn();
			const result = failure
				? auth.signInFailure(failure)
				: auth.token(form, headerValue(ctx.req, 'authorization'));
			send(ctx, result.status, result.body, result.headers);
			return;
		}
		if (method !== 'GET') {
			send(
				ctx,
				405,
				{
					error: 'invalid_request',
					error_description: 'AADSTS900561: The endpoint only accepts GET requests.',
					error_codes: [900561],
				},
				{ Allow: 'GET' },
			);
			return;
		}
		const result = auth.authorize(url.searchParams);
		if (result.status === 302) {
			ctx.res.writeHead(302, {
				'Content-Length': '0',
				'request-id': ctx.requestId,
				...result.headers,
			});
			ctx.res.end();
			return;
		}
		send(ctx, result.status, result.body, result.headers);
	}

	/* ---------------------------------------------------------------------------------- */
	/* dispatch                                                                             */

	async function dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const started = performance.now();
		const echo: Record<string, string> = {};
		const clientRequestId = headerValue(req, 'client-request-id');
		if (clientRequestId !== undefined) echo['client-request-id'] = clientRequestId;
		const correlationId = headerValue(req, 'ms-correlationid');
		if (correlationId !== undefined) echo['MS-CorrelationId'] = correlationId;
		const ctx: RequestContext = { req, res, requestId: randomUUID(), echo };
		// like the service, the Date header is the sandbox's own clock (which tests may move)
		res.setHeader('Date', now().toUTCString());
		if (options.onRequest) {
			const onRequest = options.onRequest;
			res.once('close', () =>
				onRequest({
					method: req.method ?? 'GET',
					url: req.url ?? '/',
					status: res.headersSent ? res.statusCode : 0,
					durationMs: performance.now() - started,
				}),
			);
		}
		try {
			const url = new URL(req.url ?? '/', 'http://127.0.0.1');
			const path = url.pathname;
			const oauth = /^\/[^/]+\/oauth2\/v2\.0\/(authorize|token)\/?$/i.exec(path);
			if (/^\/v1\.0(\/|$)/i.test(path)) {
				await handleApi(ctx, url);
			} else if (oauth) {
				await handleOAuth(ctx, url, oauth[1].toLowerCase() as 'authorize' | 'token');
			} else if (path === '/' && (req.method ?? 'GET').toUpperCase() === 'GET') {
				send(ctx, 200, {
					name: 'Partner Center Referrals API sandbox',
					apiBaseUrl: sandbox.url,
					tokenUrl: sandbox.tokenUrl,
					authorizeUrl: sandbox.authorizeUrl,
					referrals: store.count(),
					endpoints: [
						'GET|POST /v1.0/engagements/referrals',
						'GET|PATCH|PUT /v1.0/engagements/referrals/{id}',
					],
				});
			} else {
				throw new ApiError(404, 'itemNotFound', `No resource matches the path '${path}'.`);
			}
		} catch (error) {
			if (error instanceof ApiError) {
				send(ctx, error.status, error.toBody());
			} else {
				send(
					ctx,
					500,
					errorBody(
						'generalException',
						`Internal sandbox error: ${(error as Error)?.message ?? String(error)}`,
					),
				);
			}
		}
	}

	const server = createServer((req, res) => {
		void dispatch(req, res);
	});
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.once('close', () => sockets.delete(socket));
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, '127.0.0.1', () => {
			server.off('error', reject);
			resolve();
		});
	});
	const { port } = server.address() as AddressInfo;
	const url = `http://127.0.0.1:${port}`;

	const sandbox: Sandbox = {
		url,
		tokenUrl: `${url}/organizations/oauth2/v2.0/token`,
		authorizeUrl: `${url}/organizations/oauth2/v2.0/authorize`,
		clientId: auth.clientId,
		clientSecret: auth.clientSecret,
		issueToken: (lifetimeSeconds?: number) => auth.issue(lifetimeSeconds ?? tokenLifetime),
		signedInCredential() {
			const tokens = auth.issue(tokenLifetime);
			return {
				baseUrl: url,
				accessTokenUrl: `${url}/organizations/oauth2/v2.0/token`,
				clientId: auth.clientId,
				clientSecret: auth.clientSecret,
				oauthTokenData: {
					access_token: tokens.accessToken,
					refresh_token: tokens.refreshToken,
					token_type: 'Bearer',
					expires_in: tokens.expiresIn,
				},
			};
		},
		expireAccessTokens: () => auth.expireAccessTokens(),
		referrals: {
			get: (id) => store.get(id),
			all: () => store.all(),
			create: (partial) => store.create(partial),
			update: (id, changes) => store.update(id, changes),
			count: () => store.count(),
		},
		faults,
		responses,
		counters,
		resetCounters: () => {
			counters.requests = 0;
			counters.throttled = 0;
			counters.peakConcurrency = counters.inFlight;
			counters.tokenRequests = 0;
			counters.unauthorized = 0;
			for (const key of Object.keys(counters.byMethod)) delete counters.byMethod[key];
		},
		resetFaults: () => {
			faults.reset();
			Object.assign(responses, defaultShape);
			acceptedAt.length = 0;
		},
		close: () => {
			if (!closing) {
				closed = true;
				for (const wake of [...sleepers]) wake();
				closing = new Promise<void>((resolve) => {
					server.close(() => resolve());
					server.closeAllConnections();
					for (const socket of sockets) socket.destroy();
				});
			}
			return closing;
		},
	};
	return sandbox;
}
