/**
 * The adaptive request pool in `npm run bench`: the node's batch Get with Max Concurrent
 * Requests left out (the default: start at 5, grow up to 32) beside 10 and 20, against a
 * service that allows 10 at once; the default against a strict service that allows 2; and
 * the node's own CPU time per request, from a CPU profile of a default run. `poolTargets`
 * states the targets of these runs as PASS/FAIL.
 *
 * batch.ts measures each run (`nodeBatchGet`, passed in by run.ts as `RunBatch`); this file says which runs and what they must meet.
 */
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import {
	DEFAULT_MAX_CONCURRENT,
	START_CONCURRENT,
} from '../../nodes/PartnerCenterReferral/transport/pool';
import type { BatchResult, Target } from './results';

export interface PoolRun {
	scenario: string;
	/** how many of the bench's ids to Get */
	ids: number;
	/** Max Concurrent Requests; undefined = left out (the default) */
	concurrency?: number;
	/** the service answers 429 above this many requests in flight */
	serviceLimit: number;
}

export type RunBatch = (run: PoolRun) => Promise<BatchResult>;

export interface NodeCpu {
	scenario: string;
	requests: number;
	/** CPU time of the whole process (node + n8n's engine) per request, in the unprofiled default run */
	processMicrosPerRequest: number;
	/** of which in the node's own files (nodes/, credentials/) */
	nodeMicrosPerRequest: number;
	/** the node's share of the busy samples */
	nodeShare: number;
	/** the node's time by file, µs per request, largest first */
	nodeByFile: Record<string, number>;
	busySamples: number;
	samplingIntervalMicros: number;
	note: string;
}

/** The batch Get's ids, and how many requests at once the service allows in it (baselines.ts's batch runs too). */
export const BATCH_IDS = 1000;
export const SERVICE_LIMIT = 10;
const STRICT_SERVICE_LIMIT = 2;
/** At 2 at once, 200 ids take as long at the service's limit as 1,000 at 10: 5 s. */
const STRICT_IDS = 200;
const PROFILED_IDS = 300;
const WARM_UP_RUNS = 2;
const SAMPLING_INTERVAL_MICROS = 100;
const REPO = path.resolve(__dirname, '../..');
const NODE_SOURCES = ['nodes', 'credentials'].map(
	(folder) => pathToFileURL(path.join(REPO, folder)).href + '/',
);

const DEFAULT_SCENARIO = `Node, default (starts at ${START_CONCURRENT}, up to ${DEFAULT_MAX_CONCURRENT})`;
const STRICT_SCENARIO = `Node, default, service allows ${STRICT_SERVICE_LIMIT} (${STRICT_IDS} ids)`;
const concurrencyScenario = (concurrency: number) => `Node, Max Concurrent Requests ${concurrency}`;

/**
 * The pool's runs, in table order; `done` gets each result. Returns the node's CPU profile.
 * Warm-up runs of the same size first (not reported): without them the first measured run
 * pays V8's compilation of the node's and n8n's code paths, which a running n8n instance has
 * long paid, and looks slower than the runs after it (on a busy machine, where the optimising
 * compiler's threads wait for a core, also the first run after a single warm-up did).
 */
export async function poolScenarios(
	runBatch: RunBatch,
	done: (result: BatchResult) => void,
): Promise<NodeCpu> {
	for (let round = 0; round < WARM_UP_RUNS; round++)
		await runBatch({ scenario: 'warm-up', ids: BATCH_IDS, serviceLimit: SERVICE_LIMIT });
	const byDefault = await runBatch({
		scenario: DEFAULT_SCENARIO,
		ids: BATCH_IDS,
		serviceLimit: SERVICE_LIMIT,
	});
	done(byDefault);
	for (const concurrency of [10, 20]) {
		done(
			await runBatch({
				scenario: concurrencyScenario(concurrency),
				ids: BATCH_IDS,
				concurrency,
				serviceLimit: SERVICE_LIMIT,
			}),
		);
	}
	done(
		await runBatch({
			scenario: STRICT_SCENARIO,
			ids: STRICT_IDS,
			serviceLimit: STRICT_SERVICE_LIMIT,
		}),
	);
	const profiled = {
		scenario: `${DEFAULT_SCENARIO}, profiled`,
		ids: PROFILED_IDS,
		serviceLimit: SERVICE_LIMIT,
	};
	return await nodeCpu(runBatch, profiled, byDefault.cpuMicrosPerRequest);
}

interface ProfileNode {
	id: number;
	callFrame: { url: string; functionName: string };
}

/**
 * Runs `run` under V8's CPU profiler and counts the samples that landed in the node's own
 * files among those that found the main thread busy. Counts, not the time between samples:
 * on a busy machine that time includes moments the process waited for a core. The share
 * times the CPU per request of an unprofiled run (`processMicrosPerRequest`, measured with
 * process.cpuUsage) gives the node's µs per request.
 */
async function nodeCpu(
	runBatch: RunBatch,
	run: PoolRun,
	processMicrosPerRequest: number,
): Promise<NodeCpu> {
	const session = new Session();
	session.connect();
	try {
		await session.post('Profiler.enable');
		await session.post('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_MICROS });
		await session.post('Profiler.start');
		let result: BatchResult;
		let profile: { nodes: ProfileNode[]; samples?: number[] };
		try {
			result = await runBatch(run);
		} finally {
			({ profile } = await session.post('Profiler.stop'));
		}
		const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
		let busy = 0;
		const own = new Map<string, number>();
		for (const id of profile.samples ?? []) {
			const frame = frames.get(id);
			if (!frame || frame.functionName === '(idle)') continue;
			busy++;
			if (NODE_SOURCES.some((prefix) => frame.url.startsWith(prefix))) {
				const file = path.relative(REPO, new URL(frame.url).pathname);
				own.set(file, (own.get(file) ?? 0) + 1);
			}
		}
		const micros = (samples: number) =>
			Math.round((samples / Math.max(1, busy)) * processMicrosPerRequest * 10) / 10;
		const nodeSamples = [...own.values()].reduce((sum, count) => sum + count, 0);
		return {
			scenario: run.scenario,
			requests: result.requests,
			processMicrosPerRequest,
			nodeMicrosPerRequest: micros(nodeSamples),
			nodeShare: Math.round((nodeSamples / Math.max(1, busy)) * 1000) / 1000,
			nodeByFile: Object.fromEntries(
				[...own.entries()]
					.sort((a, b) => b[1] - a[1])
					.map(([file, count]) => [file, micros(count)]),
			),
			busySamples: busy,
			samplingIntervalMicros: SAMPLING_INTERVAL_MICROS,
			note: "share of the busy main-thread samples in nodes/ and credentials/ (the node's own code, not the n8n code it calls), times the CPU per request of the unprofiled default run",
		};
	} finally {
		session.disconnect();
	}
}

const ratio = (value: number | undefined) => (value === undefined ? 'n/a' : `${value.toFixed(2)}×`);
const percent = (value: number) => `${(value * 100).toFixed(1)}%`;

/** The pool's targets (ratios to the service's limit, not timings of a test). */
export function poolTargets(batch: BatchResult[], cpu: NodeCpu): Target[] {
	const find = (scenario: string) => batch.find((result) => result.scenario === scenario);
	const runs = [
		DEFAULT_SCENARIO,
		concurrencyScenario(10),
		concurrencyScenario(20),
		STRICT_SCENARIO,
	].map(find);
	const [byDefault, at10, at20, strict] = runs;
	const extra = (result: BatchResult | undefined) =>
		result ? (result.requests - result.ids) / result.ids : Number.NaN;
	return [
		...runs.map((result, index) => ({
			name: `Batch Get, ${result?.scenario ?? `run ${index + 1} missing`}: no failed items`,
			target: '0',
			actual: String(result?.failedItems ?? 'n/a'),
			pass: result?.failedItems === 0,
		})),
		{
			name: 'Batch Get, default: wall ÷ 5 s limit',
			target: '≤ 1.60×',
			actual: ratio(byDefault?.ratioToServiceLimit),
			pass: (byDefault?.ratioToServiceLimit ?? Number.POSITIVE_INFINITY) <= 1.6,
		},
		{
			name: 'Batch Get, default: extra requests from 429s',
			target: '≤ 2%',
			actual: `${percent(extra(byDefault))} (${byDefault?.throttled ?? 'n/a'} 429s, peak ${byDefault?.peakInFlight ?? 'n/a'} in flight)`,
			pass: extra(byDefault) <= 0.02,
		},
		{
			name: 'Batch Get, Max Concurrent Requests 10: wall ÷ 5 s limit, 429s',
			target: '≤ 1.50×, 0',
			actual: `${ratio(at10?.ratioToServiceLimit)}, ${at10?.throttled ?? 'n/a'}`,
			pass: (at10?.ratioToServiceLimit ?? Number.POSITIVE_INFINITY) <= 1.5 && at10?.throttled === 0,
		},
		{
			name: 'Batch Get, Max Concurrent Requests 20: wall ÷ 5 s limit',
			target: '≤ 1.50×',
			actual: ratio(at20?.ratioToServiceLimit),
			pass: (at20?.ratioToServiceLimit ?? Number.POSITIVE_INFINITY) <= 1.5,
		},
		{
			name: `Batch Get, default, service allows ${STRICT_SERVICE_LIMIT}: settles at the limit (wall ÷ 5 s limit)`,
			target: '≤ 1.60×',
			actual: `${ratio(strict?.ratioToServiceLimit)} (${strict?.throttled ?? 'n/a'} 429s: ${START_CONCURRENT - STRICT_SERVICE_LIMIT} in the first burst, then probes)`,
			pass: (strict?.ratioToServiceLimit ?? Number.POSITIVE_INFINITY) <= 1.6,
		},
		{
			name: "Batch Get: the node's own CPU per request, share of the process's",
			target: '< 5%',
			actual: `${cpu.nodeMicrosPerRequest} µs of ${cpu.processMicrosPerRequest} µs (${percent(cpu.nodeShare)})`,
			pass: cpu.nodeShare < 0.05,
		},
	];
}
