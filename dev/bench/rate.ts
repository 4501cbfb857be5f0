/**
 * Per-second rate limits in `npm run bench`: the node's batch Get (Max Concurrent Requests
 * left out) of 100 and of 1,000 ids against a sandbox that allows RATE_LIMIT requests in any
 * one second (429 + Retry-After above that, 50 ms latency), each beside a reference in the
 * same run: plain fetch that knows the limit and sends at exactly RATE_LIMIT a second, waiting
 * out a 429's Retry-After if it gets one. `rateTargets` states the targets as PASS/FAIL.
 *
 * run.ts measures each run; this file says which runs and what they must meet.
 */
import { DEFAULT_MAX_CONCURRENT } from '../../nodes/PartnerCenterReferral/shared/constants';
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
