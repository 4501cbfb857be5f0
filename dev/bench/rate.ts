/**
 * Per-second rate limits in `npm run bench`: the node's batch Get (Max Concurrent Requests
 * left out) of 100 and of 1,000 ids against a sandbox that allows RATE_LIMIT requests in any
 * one second (429 + Retry-After above that, 50 ms latency), each beside a reference in the
 * same run: plain fetch that knows the limit and sends at exactly RATE_LIMIT a second, waiting
 * out a 429's Retry-After if it gets one. `rateTargets` states the targets as PASS/FAIL.
 *
 * This file says which runs, runs them (the node through batch.ts's runner) and states what they
 * must meet; run.ts calls it for the group `rate`.
 */
import {
	DEFAULT_MAX_CONCURRENT,
	REFERRALS_PATH,
} from '../../nodes/PartnerCenterReferral/shared/constants';
import type { RunOptions } from '../harness';
import { batchResult, nodeGets } from './batch';
import { LATENCY_ONLY, measure, seconds, table } from './measure';
import type { FaultSettings } from './protocol';
import type { RemoteSandbox } from './remote-sandbox';
import type { BatchResult, Target } from './results';

/** Requests per second the sandbox allows in these runs. */
export const RATE_LIMIT = 25;
const RATE_IDS = [100, 1000];
/** Wall time ÷ the limit's time (ids ÷ RATE_LIMIT s) the node must stay within. */
const TARGET_RATIO = 1.3;

export interface RateRun {
	scenario: string;
	ids: number;
	/** the service's limit in requests per second */
	perSecond: number;
}

export const nodeScenario = (ids: number) =>
	`Node, default (up to ${DEFAULT_MAX_CONCURRENT}), ${ids.toLocaleString('en-US')} ids`;
export const referenceScenario = (ids: number) =>
	`Reference: plain fetch at ${RATE_LIMIT}/s, ${ids.toLocaleString('en-US')} ids`;

/** The rate runs, in table order: for each size the node, then the reference. */
export async function rateScenarios(
	runNode: (run: RateRun) => Promise<BatchResult>,
	runReference: (run: RateRun) => Promise<BatchResult>,
	done: (result: BatchResult) => void,
): Promise<void> {
	for (const ids of RATE_IDS) {
		done(await runNode({ scenario: nodeScenario(ids), ids, perSecond: RATE_LIMIT }));
		done(await runReference({ scenario: referenceScenario(ids), ids, perSecond: RATE_LIMIT }));
	}
}

const ratio = (value: number | undefined) => (value === undefined ? 'n/a' : `${value.toFixed(2)}×`);

export function rateTargets(results: BatchResult[]): Target[] {
	const find = (scenario: string) => results.find((result) => result.scenario === scenario);
	return RATE_IDS.flatMap((ids) => {
		const node = find(nodeScenario(ids));
		const reference = find(referenceScenario(ids));
		return [
			{
				name: `Batch Get, ${ids.toLocaleString('en-US')} ids, service allows ${RATE_LIMIT}/s: no failed items`,
				target: '0',
				actual: String(node?.failedItems ?? 'n/a'),
				pass: node?.failedItems === 0,
			},
			{
				name: `Batch Get, ${ids.toLocaleString('en-US')} ids, service allows ${RATE_LIMIT}/s: wall ÷ (ids ÷ ${RATE_LIMIT}/s)`,
				target: `≤ ${TARGET_RATIO.toFixed(2)}×`,
				actual: `${ratio(node?.ratioToServiceLimit)} (reference ${ratio(reference?.ratioToServiceLimit)}; ${node?.throttled ?? 'n/a'} 429s)`,
				pass: (node?.ratioToServiceLimit ?? Number.POSITIVE_INFINITY) <= TARGET_RATIO,
			},
		];
	});
}

const rateFaults = (perSecond: number): FaultSettings => ({
	...LATENCY_ONLY,
	maxPerSecond: perSecond,
});

export async function nodeRateGet(
	sandbox: RemoteSandbox,
	options: RunOptions,
	ids: string[],
	{ scenario, perSecond }: RateRun,
): Promise<BatchResult> {
	const { measured, outcome } = await nodeGets(
		sandbox,
		options,
		ids,
		rateFaults(perSecond),
		undefined,
	);
	return batchResult(scenario, measured, {
		ids: ids.length,
		concurrency: DEFAULT_MAX_CONCURRENT,
		perSecond,
		...outcome,
	});
}

const wait = async (ms: number) =>
	await new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** Reference: plain fetch that knows the limit: request i goes at i ÷ perSecond s, a 429 waits its Retry-After and goes again. */
export async function referenceRateGet(
	sandbox: RemoteSandbox,
	ids: string[],
	{ scenario, perSecond }: RateRun,
): Promise<BatchResult> {
	const { url, accessToken } = sandbox.info;
	const measured = await measure(sandbox, rateFaults(perSecond), async () => {
		const started = performance.now();
		return await Promise.all(
			ids.map(async (id, index) => {
				await wait(started + (index * 1000) / perSecond - performance.now());
				for (let tries = 0; tries < 20; tries++) {
					const response = await fetch(`${url}${REFERRALS_PATH}/${id}`, {
						headers: { Authorization: `Bearer ${accessToken}`, Accept: 'application/json' },
					});
					await response.arrayBuffer();
					if (response.status !== 429) return response.ok;
					await wait(Number(response.headers.get('retry-after') ?? 1) * 1000);
				}
				return false;
			}),
		);
	});
	return batchResult(scenario, measured, {
		ids: ids.length,
		concurrency: 'unbounded',
		perSecond,
		failedItems: measured.value.filter((ok) => !ok).length,
		note: `plain fetch sending at exactly ${perSecond} a second (it knows the limit), a 429 waiting its Retry-After`,
	});
}

export function rateTable(results: BatchResult[]): string {
	return table(
		[
			`Batch Get, 50 ms, 429 above ${RATE_LIMIT} a second`,
			'wall',
			'requests',
			'429s',
			'failed',
			'peak',
			`÷ ids/${RATE_LIMIT}/s`,
			'server/req',
			'CPU/req',
		],
		results.map((result) => [
			result.scenario,
			seconds(result.wallMs),
			result.requests,
			result.throttled,
			result.failedItems,
			result.peakInFlight,
			`${ratio(result.ratioToServiceLimit)} of ${seconds(result.serviceLimitMs)}`,
			`${result.serverMsPerRequest} ms`,
			`${(result.cpuMicrosPerRequest / 1000).toFixed(2)} ms`,
		]),
		[1, 2, 3, 4, 5, 6, 7, 8],
	);
}
