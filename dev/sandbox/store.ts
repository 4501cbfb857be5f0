/**
 * The in-memory referral store: insertion-ordered, copy-on-write (a change replaces the stored
 * object, so arrays returned by all() stay consistent snapshots), with keyset paging. It closes
 * New referrals as Closed / Expired when their expirationDateTime passes on the sandbox clock.
 */
import {
	EXPIRY_MS,
	formatTimestamp,
	PARTNER_ORGANIZATION_ID,
	PARTNER_ORGANIZATION_NAME,
	referralLinks,
	Rng,
} from './data';
import { deepMerge } from './model';
import { parseInstant } from './odata';
import type { Referral, ReferralStoreApi } from './types';

export type OrderField = 'createdDateTime' | 'updatedDateTime';
export interface OrderKey {
	field: OrderField;
	descending: boolean;
}

export interface ListQuery {
	predicate?: (referral: Referral) => boolean;
	orderBy: OrderKey[];
	/** caps the total number of results over all pages */
	top?: number;
	/** results to skip (first page only) */
	skip?: number;
	/** continuation from a previous page */
	token?: ContinuationToken;
	pageSize: number;
	/** identifies predicate + orderBy (e.g. the raw $filter and $orderby): the filtered, sorted
	 * result is reused for the next pages of the same query while the store is unchanged */
	cacheKey?: string;
}

/** what the opaque $skiptoken carries */
export interface ContinuationToken {
	/** results delivered so far */
	n: number;
	/** the order the token belongs to */
	o: string;
	/** sort keys of the last delivered result (null = absent date) */
	k: Array<number | null>;
	/** lower-case id of the last delivered result */
	i: string;
}

export interface ListResult {
	items: Referral[];
	total: number;
	next?: ContinuationToken;
}

interface Entry {
	referral: Referral;
	keys: number[];
	id: string;
}

export function orderSignature(orderBy: OrderKey[]): string {
	return (
		orderBy.map((key) => `${key.field} ${key.descending ? 'desc' : 'asc'}`).join(',') || '$store'
	);
}

export function encodeToken(token: ContinuationToken): string {
	return Buffer.from(JSON.stringify(token), 'utf8').toString('base64url');
}

/** undefined when the text is not a token of this sandbox */
export function decodeToken(text: string): ContinuationToken | undefined {
	try {
		const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
		if (value === null || typeof value !== 'object') return undefined;
		const { n, o, k, i } = value as Record<string, unknown>;
		if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) return undefined;
		if (typeof o !== 'string' || typeof i !== 'string' || !Array.isArray(k)) return undefined;
		if (!k.every((key) => key === null || typeof key === 'number')) return undefined;
		return { n, o, k: k as Array<number | null>, i };
	} catch {
		return undefined;
	}
}

/** When a referral's expiry closes it: its expirationDateTime while it is New, else never. */
function pendingExpiry(referral: Referral): number | undefined {
	if (referral.status !== 'New' || referral.expirationDateTime === undefined) return undefined;
	const at = parseInstant(referral.expirationDateTime);
	return Number.isFinite(at) ? at : undefined;
}

export class ReferralStore implements ReferralStoreApi {
	private readonly items: Referral[];
	/** lower-case id -> position in items */
	private readonly positions = new Map<string, number>();
	private readonly rng: Rng;
	private eTagCounter = 0;
	/**
	 * The expiries still to come: New referrals with an expirationDateTime, latest first (the next
	 * one to pass is last). A referral whose expiry or status changed may have stale entries:
	 * expireDue checks the stored referral before closing it.
	 */
	private readonly expiries: Array<{ at: number; id: string }> = [];

	constructor(
		initial: Referral[],
		private readonly now: () => Date,
		seed = 1,
	) {
		this.items = initial;
		initial.forEach((referral, position) =>
			this.positions.set(referral.id.toLowerCase(), position),
		);
		this.rng = new Rng((seed ^ 0x5bd1e995) >>> 0);
		for (const referral of initial) {
			const at = pendingExpiry(referral);
			if (at !== undefined) this.expiries.push({ at, id: referral.id.toLowerCase() });
		}
		this.expiries.sort((a, b) => b.at - a.at);
	}

	private schedule(referral: Referral): void {
		const at = pendingExpiry(referral);
		if (at === undefined) return;
		const entry = { at, id: referral.id.toLowerCase() };
		// first position whose expiry is earlier (the array is latest first)
		let lo = 0;
		let hi = this.expiries.length;
		while (lo < hi) {
			const mid = (lo + hi) >>> 1;
			if (this.expiries[mid].at >= at) lo = mid + 1;
			else hi = mid;
		}
		this.expiries.splice(lo, 0, entry);
	}

	/**
	 * Closes every New referral whose expirationDateTime has passed on the sandbox clock as
	 * Closed / Expired, as Partner Center does: updatedDateTime and closedDateTime are the expiry
	 * (when it happened, whenever the sandbox notices), and a new eTag. Called before every read,
	 * so no answer shows a referral New after its expiry.
	 */
	private expireDue(): void {
		const { expiries } = this;
		if (expiries.length === 0) return;
		const now = this.now().getTime();
		while (expiries.length > 0 && expiries[expiries.length - 1].at <= now) {
			const { at, id } = expiries.pop()!;
			const position = this.positions.get(id);
			if (position === undefined) continue;
			const current = this.items[position];
			if (pendingExpiry(current) !== at) continue;
			const stamp = formatTimestamp(at);
			this.items[position] = {
				...current,
				status: 'Closed',
				substatus: 'Expired',
				closedDateTime: stamp,
				updatedDateTime: stamp,
				eTag: this.newETag(),
			};
			this.version++;
		}
	}

	/** the stored object itself (treat as read-only) */
	peek(id: string): Referral | undefined {
		this.expireDue();
		const position = this.positions.get(id.toLowerCase());
		return position === undefined ? undefined : this.items[position];
	}

	get(id: string): Referral | undefined {
		const stored = this.peek(id);
		return stored ? structuredClone(stored) : undefined;
	}

	all(): Referral[] {
		this.expireDue();
		return this.items.slice();
	}

	count(): number {
		return this.items.length;
	}

	newETag(): string {
		this.eTagCounter = (this.eTagCounter + 1) >>> 0;
		const counter = this.eTagCounter.toString(16).padStart(8, '0');
		const random = this.rng.uint32().toString(16).padStart(8, '0');
		return `"${random}-0000-0000-0000-${counter}0000"`;
	}

	private newId(): string {
		for (;;) {
			const id = this.rng.guid();
			if (!this.positions.has(id)) return id;
		}
	}

	/** Stores a new referral (no validation: direct access) and returns a copy of it. */
	create(partial: Partial<Referral> & Record<string, unknown>): Referral {
		return structuredClone(this.insert(structuredClone(partial)));
	}

	/**
	 * insert without the defensive copies (the HTTP layer passes an object it owns). A New incoming
	 * referral gets an expirationDateTime 14 days after it arrives (now, even when `given` dates its
	 * createdDateTime earlier, so that a test's "referral from a month ago" is still waiting) unless
	 * `given` has one (or has the key with the value undefined: then it has none).
	 */
	insert(given: Record<string, unknown>): Referral {
		const partial = Object.fromEntries(
			Object.entries(given).filter(([, value]) => value !== undefined),
		);
		const id = typeof partial.id === 'string' && partial.id !== '' ? partial.id : this.newId();
		if (this.positions.has(id.toLowerCase()))
			throw new Error(`A referral with id ${id} already exists`);
		const engagementId =
			typeof partial.engagementId === 'string' && partial.engagementId !== ''
				? partial.engagementId
				: this.rng.guid();
		const created = this.now().getTime();
		const stamp = formatTimestamp(created);
		const referral: Referral = {
			id,
			engagementId,
			organizationId: PARTNER_ORGANIZATION_ID,
			organizationName: PARTNER_ORGANIZATION_NAME,
			createdDateTime: stamp,
			updatedDateTime: stamp,
			status: 'New',
			substatus: 'Pending',
			direction: 'Incoming',
			...partial,
		};
		referral.id = id;
		referral.engagementId = engagementId;
		if (
			!('expirationDateTime' in given) &&
			referral.status === 'New' &&
			referral.direction === 'Incoming'
		)
			referral.expirationDateTime = formatTimestamp(created + EXPIRY_MS);
		if (referral.links === undefined) referral.links = referralLinks(id, engagementId);
		if (typeof referral.eTag !== 'string' || referral.eTag === '') referral.eTag = this.newETag();
		this.positions.set(id.toLowerCase(), this.items.length);
		this.items.push(referral);
		this.version++;
		this.schedule(referral);
		return referral;
	}

	/**
	 * Deep-merges `changes` (arrays replace; undefined deletes) and bumps eTag and updatedDateTime
	 * unless `changes` sets them explicitly. No validation: direct access.
	 */
	update(id: string, changes: Record<string, unknown>): Referral {
		const current = this.peek(id);
		if (!current) throw new Error(`No referral with id ${id}`);
		const next = deepMerge(structuredClone(current), changes) as Referral;
		next.id = current.id;
		if (changes.eTag === undefined) next.eTag = this.newETag();
		if (changes.updatedDateTime === undefined) next.updatedDateTime = formatTimestamp(this.now());
		this.replace(next);
		return structuredClone(next);
	}

	/** stores `next` (same id as an existing referral) in place of the current object */
	replace(next: Referral): void {
		const position = this.positions.get(next.id.toLowerCase());
		if (position === undefined) throw new Error(`No referral with id ${next.id}`);
		this.items[position] = next;
		this.version++;
		this.schedule(next);
	}

	/** bumped on every change, so a cached list result is never stale */
	private version = 0;

	private cached?: { key: string; version: number; entries: Entry[] };

	list(query: ListQuery): ListResult {
		this.expireDue();
		const { predicate, orderBy, pageSize } = query;
		const reuse =
			query.cacheKey !== undefined &&
			this.cached?.key === query.cacheKey &&
			this.cached.version === this.version;
		const entries: Entry[] = reuse ? this.cached!.entries : [];
		const items = reuse ? [] : this.items;
		for (let position = 0; position < items.length; position++) {
			const referral = items[position];
			if (predicate && !predicate(referral)) continue;
			const keys =
				orderBy.length === 0
					? [position]
					: orderBy.map((key) => {
							const value = parseInstant(referral[key.field]);
							return value === value ? value : -Infinity; // NaN (absent/invalid date) sorts first
						});
			entries.push({ referral, keys, id: referral.id.toLowerCase() });
		}
		const directions = orderBy.length === 0 ? [false] : orderBy.map((key) => key.descending);
		const compare = (
			a: { keys: number[]; id: string },
			b: { keys: number[]; id: string },
		): number => {
			for (let i = 0; i < directions.length; i++) {
				const x = a.keys[i];
				const y = b.keys[i];
				if (x !== y) return (x < y ? -1 : 1) * (directions[i] ? -1 : 1);
			}
			return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
		};
		if (!reuse && orderBy.length > 0) entries.sort(compare);
		if (!reuse && query.cacheKey !== undefined)
			this.cached = { key: query.cacheKey, version: this.version, entries };

		const total = entries.length;
		let start: number;
		let delivered: number;
		if (query.token) {
			const after = {
				keys: query.token.k.map((key) => (key === null ? -Infinity : key)),
				id: query.token.i,
			};
			// first entry strictly after the last delivered one
			let lo = 0;
			let hi = total;
			while (lo < hi) {
				const mid = (lo + hi) >>> 1;
				if (compare(entries[mid], after) <= 0) lo = mid + 1;
				else hi = mid;
			}
			start = lo;
			delivered = query.token.n;
		} else {
			start = Math.min(query.skip ?? 0, total);
			delivered = 0;
		}
		const remaining = query.top === undefined ? Infinity : Math.max(0, query.top - delivered);
		const take = Math.max(0, Math.min(pageSize, remaining, total - start));
		const page = entries.slice(start, start + take);
		const deliveredAfter = delivered + page.length;
		const more =
			start + take < total && deliveredAfter < (query.top ?? Infinity) && page.length > 0;
		const last = page[page.length - 1];
		return {
			items: page.map((entry) => entry.referral),
			total,
			...(more && last
				? {
						next: {
							n: deliveredAfter,
							o: orderSignature(orderBy),
							k: last.keys.map((key) => (Number.isFinite(key) ? key : null)),
							i: last.id,
						},
					}
				: {}),
		};
	}
}
