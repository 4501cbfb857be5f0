/**
 * The batch Get runs of `npm run bench`, shared by the pool, baselines and rate groups: the
 * node's Get of many ids through n8n's engine, plain fetch of many ids a given number at a time,
 * a run's result row (`batchResult`) and the Batch Get table.
 */
import type { INodeExecutionData } from 'n8n-workflow';

import {
	DEFAULT_MAX_CONCURRENT,
	REFERRALS_PATH,
} from '../../nodes/PartnerCenterReferral/shared/constants';
import { runNode, type RunOptions } from '../harness';
import {
	LATENCY_MS,
	measure,
	ratio,
	RETRY_AFTER_SECONDS,
	round,
	seconds,
	table,
	type Measured,
} from './measure';
import { SERVICE_LIMIT, type PoolRun } from './pool';
import type { FaultSettings } from './protocol';
import type { RemoteSandbox } from './remote-sandbox';
import type { BatchResult } from './results';

/** The batch runs' service: 50 ms latency, 429 + Retry-After above SERVICE_LIMIT in flight. */
export const BATCH_FAULTS: FaultSettings = {
	latencyMs: LATENCY_MS,
	maxConcurrent: SERVICE_LIMIT,
	retryAfterSeconds: RETRY_AFTER_SECONDS,
};

function limitMs(ids: number, inFlight: number): number {
	return Math.ceil(ids / inFlight) * LATENCY_MS;
}

export function batchResult(
	scenario: string,
	measured: Measured<unknown>,
	fields: {
		ids: number;
		concurrency: number | 'unbounded';
		failedItems: number;
		total?: number;
		serviceLimit?: number;
		perSecond?: number;
		note?: string;
	},
): BatchResult {
	const total = fields.total ?? fields.ids;
	const wallMs = (measured.wallMs * total) / fields.ids;
	const serviceLimit = fields.perSecond !== undefined ? 0 : (fields.serviceLimit ?? SERVICE_LIMIT);
	const serviceLimitMs =
		fields.perSecond !== undefined
			? (total / fields.perSecond) * 1000
			: limitMs(total, serviceLimit);
	const ownInFlight =
		fields.concurrency === 'unbounded' ? serviceLimit : Math.min(fields.concurrency, serviceLimit);
	const ownLimitMs = fields.perSecond !== undefined ? serviceLimitMs : limitMs(total, ownInFlight);
	const { counters } = measured;
	return {
		scenario,
		ids: fields.ids,
		concurrency: fields.concurrency,
		wallMs: round(measured.wallMs, 0),
		...(total !== fields.ids && { extrapolatedWallMs: round(wallMs, 0) }),
		requests: counters.requests,
		throttled: counters.throttled,
		failedItems: fields.failedItems,
		peakInFlight: counters.peakConcurrency,
		serviceMaxConcurrent: serviceLimit,
		...(fields.perSecond !== undefined && { servicePerSecond: fields.perSecond }),
		serviceLimitMs,
		ratioToServiceLimit: round(wallMs / serviceLimitMs),
		...(ownLimitMs !== serviceLimitMs && {
			ownLimitMs,
			ratioToOwnLimit: round(wallMs / ownLimitMs),
		}),
		serverMsPerRequest: round(counters.apiRequestMs / Math.max(1, counters.finishedApiRequests), 1),
		cpuMicros: measured.cpuMicros,
		cpuMicrosPerRequest: round(measured.cpuMicros / Math.max(1, counters.requests), 0),
		sandboxCpuMicros: measured.sandboxCpuMicros,
		...(fields.note !== undefined && { note: fields.note }),
	};
}

function failedItems(items: INodeExecutionData[], ids: string[], runFailed: boolean): number {
	if (runFailed && items.length === 0) return ids.length;
	let failed = Math.max(0, ids.length - items.length);
	items.forEach((item, index) => {
		if (item.error !== undefined || item.json.error !== undefined || item.json.id !== ids[index])
			failed++;
	});
	return failed;
}

/** The node's Get of `ids` (one item each), Max Concurrent Requests `concurrency` (left out: the default), under `faults`. */
export async function nodeGets(
	sandbox: RemoteSandbox,
	options: RunOptions,
	ids: string[],
	faults: FaultSettings,
	concurrency: number | undefined,
) {
	const measured = await measure(
		sandbox,
		faults,
		async () =>
			await runNode(
				{
					type: 'partnerCenterReferral',
					parameters: {
						resource: 'referral',
						operation: 'get',
						referralId: { __rl: true, mode: 'id', value: '={{ $json.id }}' },
						options: concurrency === undefined ? {} : { concurrency },
					},
					items: ids.map((id) => ({ id })),
					onError: 'continueRegularOutput',
				},
				options,
			),
	);
	const run = measured.value;
	const outcome = {
		failedItems: failedItems(run.items, ids, run.error !== undefined),
		...(run.error && { note: `run error: ${run.error.message}` }),
	};
	return { measured, outcome };
}

export async function nodeBatchGet(
	sandbox: RemoteSandbox,
	options: RunOptions,
	ids: string[],
	{ scenario, concurrency, serviceLimit }: PoolRun,
): Promise<BatchResult> {
	const faults = { ...BATCH_FAULTS, maxConcurrent: serviceLimit };
	const { measured, outcome } = await nodeGets(sandbox, options, ids, faults, concurrency);
	return batchResult(scenario, measured, {
		ids: ids.length,
		concurrency: concurrency ?? DEFAULT_MAX_CONCURRENT,
		serviceLimit,
		...outcome,
	});
}

async function plainGet(url: string, token: string): Promise<boolean> {
	try {
		const response = await fetch(url, {
			headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
		});
		await response.arrayBuffer();
		return response.ok;
	} catch {
		return false;
	}
}

/** Plain fetch of `ids` with `lanes` requests at a time (no retry); true = 2xx. */
export async function plainGets(
	sandbox: RemoteSandbox,
	ids: string[],
	lanes: number,
): Promise<boolean[]> {
	const { url, accessToken } = sandbox.info;
	const outcomes = new Array<boolean>(ids.length);
	let next = 0;
	const lane = async () => {
		while (next < ids.length) {
			const index = next++;
			outcomes[index] = await plainGet(`${url}${REFERRALS_PATH}/${ids[index]}`, accessToken);
		}
	};
	await Promise.all(Array.from({ length: Math.min(lanes, ids.length) }, lane));
	return outcomes;
}

export function batchTable(results: BatchResult[]): string {
	return table(
		[
			'Batch Get: 1,000 ids, 50 ms, 429 above 10',
			'wall',
			'requests',
			'429s',
			'failed',
			'peak',
			'÷ 5 s',
			'÷ own limit',
			'server/req',
			'CPU/req',
		],
		results.map((result) => [
			result.scenario,
			result.extrapolatedWallMs !== undefined
				? `~${seconds(result.extrapolatedWallMs)}`
				: seconds(result.wallMs),
			result.requests,
			result.throttled,
			result.failedItems,
			result.peakInFlight,
			ratio(result.ratioToServiceLimit),
			result.ownLimitMs !== undefined
				? `${ratio(result.ratioToOwnLimit ?? 0)} of ${seconds(result.ownLimitMs)}`
				: '',
			`${result.serverMsPerRequest} ms`,
			`${(result.cpuMicrosPerRequest / 1000).toFixed(2)} ms`,
		]),
		[1, 2, 3, 4, 5, 6, 8, 9],
	);
}
