/**
 * The baselines of the Batch Get table in `npm run bench` (group `baselines`), 1,000 ids against
 * a service that allows 10 at once: a naive burst (all at once, plain fetch, no retry), a
 * sequential loop (plain fetch), and as a reference plain fetch 10 at a time.
 */
import { BATCH_FAULTS, batchResult, plainGets } from './batch';
import { measure } from './measure';
import { SERVICE_LIMIT } from './pool';
import type { RemoteSandbox } from './remote-sandbox';
import type { BatchResult } from './results';

export async function naiveBurst(sandbox: RemoteSandbox, ids: string[]): Promise<BatchResult> {
	const measured = await measure(
		sandbox,
		BATCH_FAULTS,
		async () => await plainGets(sandbox, ids, ids.length),
	);
	return batchResult('Naive: all at once, no retry', measured, {
		ids: ids.length,
		concurrency: 'unbounded',
		failedItems: measured.value.filter((ok) => !ok).length,
		note: 'plain fetch with the bearer token, as the HTTP Request node does by default; failed = non-2xx',
	});
}

export async function sequential(
	sandbox: RemoteSandbox,
	ids: string[],
	total: number,
): Promise<BatchResult> {
	const measured = await measure(
		sandbox,
		BATCH_FAULTS,
		async () => await plainGets(sandbox, ids, 1),
	);
	const capped = ids.length < total;
	return batchResult(
		capped
			? `Sequential: one at a time (${ids.length} ids, ×${total / ids.length})`
			: 'Sequential: one at a time',
		measured,
		{
			ids: ids.length,
			concurrency: 1,
			failedItems: measured.value.filter((ok) => !ok).length,
			total,
			note: capped
				? `ran the first ${ids.length} ids (plain fetch, no retry); wall time and ratios extrapolated ×${total / ids.length} to ${total}; requests, 429s and failed are of the ${ids.length}`
				: 'plain fetch, no retry',
		},
	);
}

/** Reference, not a baseline of the issue: the cheapest client that respects the limit. */
export async function plainPool(sandbox: RemoteSandbox, ids: string[]): Promise<BatchResult> {
	const measured = await measure(
		sandbox,
		BATCH_FAULTS,
		async () => await plainGets(sandbox, ids, SERVICE_LIMIT),
	);
	return batchResult('Reference: plain fetch, 10 at a time', measured, {
		ids: ids.length,
		concurrency: SERVICE_LIMIT,
		failedItems: measured.value.filter((ok) => !ok).length,
		note: 'what the sandbox and this machine allow a client without per-request overhead (keep-alive, no engine, no credential look-up)',
	});
}
