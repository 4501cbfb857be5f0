/**
 * About to Expire: which referrals waiting for an answer fire because their expirationDateTime
 * came within Notify Before, and what the trigger remembers for that between polls. Free of
 * n8n, like changes.ts; docs/trigger-memory.md tells the same for users.
 *
 * Each poll lists every referral in status New within the user's filters (one listing; the
 * service's filtering by expirationDateTime is undocumented, so the stamp is compared here).
 * A referral fires when, at the poll's service time `now`:
 *
 *   - it is New and has an expirationDateTime E (never guessed: without one it never fires);
 *   - E - Notify Before <= now (inside the window);
 *   - E > `polled`, the service time of the previous poll (at activation: `now`). So one that
 *     expired before the previous poll does not fire (it had its chance, or expired before the
 *     trigger existed), while one whose whole window fell between two polls still fires, late,
 *     with `expiresInHours` 0;
 *   - the trigger has not fired it for this same E (`alerted`). An extension (a later E) or an
 *     earlier E is another expiry: it fires once more when inside the window.
 *
 * `alerted` keeps the E each referral fired for until E has passed (then the rule on `polled`
 * alone keeps it from firing again), so it holds at most the referrals inside the window.
 *
 * Restarts: n8n saves the state only when a poll fires (and at deactivation). `alerted` only
 * grows on a poll that fires, so it is always saved; `polled` may be older after a restart,
 * which only lets a referral that expired meanwhile, still New and never fired, fire late.
 */
import type { IDataObject } from 'n8n-workflow';

import { serviceTimeMs } from '../shared/serviceTime';

export const HOUR_MS = 3_600_000;

/** Notify Before may reach this far (referrals expire about 14 days after they arrive). */
export const MAX_NOTIFY_DAYS = 30;

/** What About to Expire remembers between polls. */
export interface ExpiryMemory {
	/** The service time (ms) of the last poll: a referral that expired before it does not fire. */
	polled: number;
	/** Lower-case id -> the expirationDateTime (ms) it fired for; kept until that time has passed. */
	alerted: Record<string, number>;
}

export interface Expiring {
	referral: IDataObject;
	/** Its expirationDateTime in ms. */
	expiresMs: number;
}

/** The memory as saved in static data; undefined when it does not read. */
export function readExpiryMemory(value: unknown): ExpiryMemory | undefined {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
	const { polled, alerted } = value as IDataObject;
	if (typeof polled !== 'number' || !Number.isFinite(polled)) return undefined;
	if (typeof alerted !== 'object' || alerted === null || Array.isArray(alerted)) return undefined;
	const memory: ExpiryMemory = { polled, alerted: {} };
	for (const [id, expiresMs] of Object.entries(alerted)) {
		if (typeof expiresMs !== 'number' || !Number.isFinite(expiresMs)) return undefined;
		memory.alerted[id.toLowerCase()] = expiresMs;
	}
	return memory;
}

/** A referral's expirationDateTime in ms (UTC with or without a zone); NaN when it has none. */
export function expiresMsOf(referral: IDataObject): number {
	return serviceTimeMs(referral.expirationDateTime);
}

/** The listing of the referrals waiting for an answer (isWaiting, as Partner Center filters). */
export const WAITING_FILTER = "status eq 'New'";

/** Whether the referral is still waiting for an answer (status New, any letter case). */
export function isWaiting(referral: IDataObject): boolean {
	return typeof referral.status === 'string' && referral.status.toLowerCase() === 'new';
}

/** Whole hours from `nowMs` until `expiresMs`, rounded down, never negative. */
export function hoursLeft(expiresMs: number, nowMs: number): number {
	return Math.max(0, Math.floor((expiresMs - nowMs) / HOUR_MS));
}

/**
 * The referrals that fire on this poll, soonest expiry first, and the memory after it.
 * `memory` undefined: the first poll (activation, or a start-over), which fires every referral
 * already inside the window. `listed`: the referrals in status New the poll listed.
 */
export function detectExpiring(
	memory: ExpiryMemory | undefined,
	listed: Iterable<IDataObject>,
	notifyMs: number,
	nowMs: number,
): { expiring: Expiring[]; memory: ExpiryMemory } {
	const polled = memory?.polled ?? nowMs;
	const alerted: Record<string, number> = { ...memory?.alerted };
	const expiring: Expiring[] = [];
	const decided = new Set<string>();
	for (const referral of listed) {
		const id = typeof referral.id === 'string' ? referral.id.toLowerCase() : '';
		// a referral listed twice (it changed during the listing) is decided once
		if (id === '' || decided.has(id) || !isWaiting(referral)) continue;
		const expiresMs = expiresMsOf(referral);
		if (Number.isNaN(expiresMs)) continue;
		decided.add(id);
		if (expiresMs - notifyMs > nowMs || expiresMs <= polled || alerted[id] === expiresMs) continue;
		alerted[id] = expiresMs;
		expiring.push({ referral, expiresMs });
	}
	// past its expiry, an entry is no longer needed: the next poll's `polled` is `nowMs`
	for (const [id, expiresMs] of Object.entries(alerted)) if (expiresMs <= nowMs) delete alerted[id];
	expiring.sort((a, b) => a.expiresMs - b.expiresMs);
	return { expiring, memory: { polled: nowMs, alerted } };
}
