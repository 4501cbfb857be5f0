/**
 * `npm run bench`: throughput, throttling, CPU and memory of the Partner Center Referral
 * nodes against the sandbox, through n8n's real engine (dev/harness). The sandbox runs in
 * a child process (sandbox-process.ts), so this process's CPU time is the node plus n8n's
 * engine only; the sandbox reports its own CPU time and how long it took per request.
 *
 *   1. Batch Get: 1,000 ids, 50 ms latency, 429 + Retry-After: 1 above 10 in flight — the node
 *      with Max Concurrent Requests left out, at 10 and at 20, the default against a service that
 *      allows 2, and its own CPU per request (pool.ts); a naive burst (all at once, plain fetch, no
 *      retry); a sequential loop (plain fetch); and, as a reference, plain fetch 10 at a time.
 *   2. Get Many, Return All over 10,001 referrals (100 a page, 50 ms latency): the node's own
 *      CPU from a CPU profile (profile.ts), n8n's HTTP Request node paging the same referrals by
 *      nextLink through the same engine (httpRequest.ts), and as a reference plain fetch
 *      following the same nextLinks.
 *   3. Trigger: a poll after 20 of the 10,001 referrals changed.
 *   4. Trigger burst (trigger.ts): 10,000 new referrals in one minute, then 1,000 quiet polls.
 *   5. Trigger status memory (triggerMemory.ts): Status Changed activated over 10,000 referrals
 *      that can still move: activation time, static data size, a won referral fires once.
 *
 *   5. Per-second rate limit (rate.ts): 100 and 1,000 ids against a service that allows 25
 *      requests a second, the node beside plain fetch that knows the limit.
 *
 * Prints a table and writes bench/results.json. Exits 0 whether targets pass or not, 1 only
 * if something crashed. Options: --sequential=N (ids of the sequential baseline, default 200,
 * extrapolated to 1,000; --sequential=1000 runs them all, about 40 s more); --only=GROUPS
 * (comma-separated, of pool, baselines, rate, getmany, trigger, burst, memory, expiry: run only those, e.g.
 * --only=pool,rate to compare the throttling rows without the rest).
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import { mkdirSync, writeFileSync } from 'node:fs';
import type { ClientRequest } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

// `.js`: tsx would otherwise resolve `X.node` to the codex file `X.node.json`
import { PartnerCenterReferral } from '../../nodes/PartnerCenterReferral/PartnerCenterReferral.node.js';
import { PartnerCenterReferralTrigger } from '../../nodes/PartnerCenterReferral/PartnerCenterReferralTrigger.node.js';
import {
	DEFAULT_MAX_CONCURRENT,
	REFERRALS_PATH,
} from '../../nodes/PartnerCenterReferral/shared/constants';
import { timing } from '../../nodes/PartnerCenterReferral/shared/timing';
import { runNode, runPoll, type RunOptions } from '../harness';
import { REFERENCE_DATE } from '../sandbox/data';
import {
	BATCH_IDS,
	poolScenarios,
	poolTargets,
	SERVICE_LIMIT,
	type NodeCpu,
	type PoolRun,
} from './pool';
import {
	loadHttpRequestNode,
	referralsIn,
	runHttpRequestPaging,
	splitOutItems,
	type HttpRequestNode,
	type LoadedHttpRequestNode,
} from './httpRequest';
import { profileOwnCpu, type OwnCpu } from './profile';
import type { CounterSnapshot, FaultSettings } from './protocol';
import type { BatchResult, Target } from './results';
import { RATE_LIMIT, rateScenarios, rateTargets, type RateRun } from './rate';
import { RemoteSandbox } from './remote-sandbox';
import { triggerBurstScenario, triggerBurstTable, triggerBurstTargets } from './trigger';
import { statusMemoryScenario, statusMemoryTable, statusMemoryTargets } from './triggerMemory';
import { expiryScenario } from './expiry';

const LATENCY_MS = 50;
const RETRY_AFTER_SECONDS = 1;
const REFERRAL_COUNT = 10_000;
const PAGE_SIZE = 100;
const CHANGED = 20;
const DEFAULT_SEQUENTIAL_IDS = 200;
const RSS_SAMPLE_MS = 5;
const MAX_REFERENCE_PAGES = 1000;
/** A safety net: the bench takes about five minutes; nothing may keep it running for ever. */
const WATCHDOG_MS = 600_000;
const RESULTS_FILE = path.resolve(__dirname, '../../bench/results.json');
/** What --only can select (all by default). */
const GROUPS = ['pool', 'baselines', 'rate', 'getmany', 'trigger', 'burst', 'memory', 'expiry'];

const BATCH_FAULTS: FaultSettings = {
	latencyMs: LATENCY_MS,
	maxConcurrent: SERVICE_LIMIT,
	retryAfterSeconds: RETRY_AFTER_SECONDS,
};
const LATENCY_ONLY: FaultSettings = {
	latencyMs: LATENCY_MS,
	maxConcurrent: 0,
	retryAfterSeconds: RETRY_AFTER_SECONDS,
};
const NO_FAULTS: FaultSettings = {
	latencyMs: 0,
	maxConcurrent: 0,
	retryAfterSeconds: RETRY_AFTER_SECONDS,
};

const round = (value: number, digits = 2): number =>
	Math.round(value * 10 ** digits) / 10 ** digits;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const ratio = (value: number) => `${value.toFixed(2)}×`;

/* ------------------------------------------------------------------------------------ */
/* measurement                                                                            */

interface Measured<T> {
	value: T;
	wallMs: number;
	/** CPU time (user + system) of this process during the run */
	cpuMicros: number;
	rssBeforeBytes: number;
	peakRssBytes: number;
	counters: CounterSnapshot;
	sandboxCpuMicros: number;
}

/**
 * Runs one scenario: sets the sandbox's faults, resets its counters, and measures wall time,
 * this process's CPU time and peak RSS (sampled every few ms) around `run`.
 */
async function measure<T>(
	sandbox: RemoteSandbox,
	faults: FaultSettings,
	run: () => Promise<T>,
): Promise<Measured<T>> {
	await sandbox.call('faults', faults);
	await sandbox.call('resetCounters', null);
	const before = await sandbox.call('counters', null);
	const rssBeforeBytes = process.memoryUsage.rss();
	let peakRssBytes = rssBeforeBytes;
	const sampler = setInterval(() => {
		peakRssBytes = Math.max(peakRssBytes, process.memoryUsage.rss());
	}, RSS_SAMPLE_MS);
	let value: T;
	let wallMs: number;
	let cpuMicros: number;
	try {
		const cpu = process.cpuUsage();
		const started = performance.now();
		value = await run();
		wallMs = performance.now() - started;
		const used = process.cpuUsage(cpu);
		cpuMicros = used.user + used.system;
		peakRssBytes = Math.max(peakRssBytes, process.memoryUsage.rss());
	} finally {
		clearInterval(sampler);
	}
	const counters = await sandbox.call('counters', null);
	return {
		value,
		wallMs,
		cpuMicros,
		rssBeforeBytes,
		peakRssBytes,
		counters,
		sandboxCpuMicros: counters.cpuMicros - before.cpuMicros,
	};
}

/** The path and query of the first HTTP request this process sends while `run` runs. */
async function firstRequestPath<T>(
	run: () => Promise<T>,
): Promise<{ value: T; path: string | undefined }> {
	let first: string | undefined;
	const onStart = (message: unknown) => {
		first ??= (message as { request: ClientRequest }).request.path;
	};
	diagnosticsChannel.subscribe('http.client.request.start', onStart);
	try {
		return { value: await run(), path: first };
	} finally {
		diagnosticsChannel.unsubscribe('http.client.request.start', onStart);
	}
}

/* ------------------------------------------------------------------------------------ */
/* 1. Batch Get                                                                           */

function limitMs(ids: number, inFlight: number): number {
	return Math.ceil(ids / inFlight) * LATENCY_MS;
}

function batchResult(
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
async function nodeGets(
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

async function nodeBatchGet(
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
async function plainGets(sandbox: RemoteSandbox, ids: string[], lanes: number): Promise<boolean[]> {
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

async function naiveBurst(sandbox: RemoteSandbox, ids: string[]): Promise<BatchResult> {
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

async function sequential(
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
async function plainPool(sandbox: RemoteSandbox, ids: string[]): Promise<BatchResult> {
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

/* ------------------------------------------------------------------------------------ */
/* 5. Per-second rate limit                                                               */

const rateFaults = (perSecond: number): FaultSettings => ({
	...LATENCY_ONLY,
	maxPerSecond: perSecond,
});

async function nodeRateGet(
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
async function referenceRateGet(
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

/* ------------------------------------------------------------------------------------ */
/* 2. Get Many                                                                            */

interface PagingResult {
	items: number;
	failedItems: number;
	pages: number;
	wallMs: number;
	/** pages × latency */
	limitMs: number;
	ratioToLimit: number;
	/** sandbox time per page, arrival to response end (the 50 ms latency included) */
	serverMsPerPage: number;
	/** the rest of each page's time: the client (its CPU, connection set-up) and the network */
	clientMsPerPage: number;
	cpuMicros: number;
	cpuMicrosPerItem: number;
	sandboxCpuMicrosPerPage: number;
	rssBeforeMb: number;
	peakRssMb: number;
	peakRssGrowthMb: number;
	/** peak RSS growth over the run ÷ items */
	peakRssGrowthKbPerItem: number;
}

/**
 * The node's own CPU from a profiled run (profile.ts): its share of the busy self time times the
 * median CPU per item of the unprofiled rounds (the profiler itself costs CPU, more so on a busy
 * machine, so the profiled run's own CPU time is not used as the base).
 */
type OwnCpuResult = OwnCpu & {
	items: number;
	/** CPU per item of the profiled run (profiler included) */
	profiledProcessMicrosPerItem: number;
	/** the base: the node's median CPU per item over the CPU rounds */
	processMicrosPerItem: number;
	ownMicrosPerItem: number;
};

/**
 * The node, the HTTP Request node, and HTTP Request + Split Out (one item per referral, as the
 * node outputs), taking turns without latency: CPU per referral of each run, and the medians.
 */
interface CpuRounds {
	rounds: number;
	nodeMicrosPerItem: number[];
	httpRequestMicrosPerItem: number[];
	splitOutMicrosPerItem: number[];
	nodeMedian: number;
	httpRequestMedian: number;
	splitOutMedian: number;
	/** items out of Split Out in the last round (should be every referral) */
	splitOutItems: number;
	/** nodeMedian ÷ httpRequestMedian */
	ratio: number;
	/** nodeMedian ÷ splitOutMedian */
	ratioToSplitOut: number;
}

/** n8n's HTTP Request node, Return All by nextLink, the same referrals (items = referrals, in its 1 item per page) */
type HttpRequestResult =
	| (PagingResult & {
			outputItems: number;
			coldCpuMicrosPerItem: number;
			typeVersion: number;
			from: string;
			note?: string;
	  })
	| { missing: string };

interface GetManyResult {
	referrals: number;
	/** the node's first request (the reference pages from the same query) */
	firstRequest: string;
	node: PagingResult & { coldCpuMicrosPerItem: number; maxRssOfProcessMb: number; note?: string };
	nodeOwnCpu: OwnCpuResult;
	httpRequest: HttpRequestResult;
	/** undefined when the HTTP Request node is missing */
	cpuRounds?: CpuRounds;
	reference: PagingResult & { parseMicrosPerItem: number; megabytes: number };
}

const mb = (bytes: number) => round(bytes / 1024 / 1024, 1);

function pagingResult(measured: Measured<unknown>, items: number, failed: number): PagingResult {
	const pages = measured.counters.requests;
	const limit = pages * LATENCY_MS;
	const serverMs = measured.counters.apiRequestMs;
	return {
		items,
		failedItems: failed,
		pages,
		wallMs: round(measured.wallMs, 0),
		limitMs: limit,
		ratioToLimit: round(measured.wallMs / Math.max(1, limit)),
		serverMsPerPage: round(serverMs / Math.max(1, pages), 1),
		clientMsPerPage: round((measured.wallMs - serverMs) / Math.max(1, pages), 1),
		cpuMicros: measured.cpuMicros,
		cpuMicrosPerItem: round(measured.cpuMicros / Math.max(1, items), 1),
		sandboxCpuMicrosPerPage: round(measured.sandboxCpuMicros / Math.max(1, pages), 0),
		rssBeforeMb: mb(measured.rssBeforeBytes),
		peakRssMb: mb(measured.peakRssBytes),
		peakRssGrowthMb: mb(measured.peakRssBytes - measured.rssBeforeBytes),
		peakRssGrowthKbPerItem: round(
			(measured.peakRssBytes - measured.rssBeforeBytes) / 1024 / Math.max(1, items),
			1,
		),
	};
}

async function nodeGetMany(sandbox: RemoteSandbox, options: RunOptions, faults: FaultSettings) {
	return await measure(
		sandbox,
		faults,
		async () =>
			await firstRequestPath(
				async () =>
					await runNode(
						{
							type: 'partnerCenterReferral',
							parameters: {
								resource: 'referral',
								operation: 'getMany',
								returnAll: true,
								filters: {},
								options: {},
							},
						},
						options,
					),
			),
	);
}

/** Reference: the cheapest serial client (plain fetch, keep-alive, JSON.parse), same query, same nextLinks. */
async function referencePaging(sandbox: RemoteSandbox, firstPath: string) {
	const { url, accessToken } = sandbox.info;
	const stats = { parseMs: 0, bytes: 0 };
	const measured = await measure(sandbox, LATENCY_ONLY, async () => {
		let items = 0;
		let next: string | undefined = `${url}${firstPath}`;
		for (let page = 0; page < MAX_REFERENCE_PAGES && next !== undefined; page++) {
			const response = await fetch(next, {
				headers: { Authorization: `Bearer ${accessToken}`, Accept: 'application/json' },
			});
			const text = await response.text();
			if (!response.ok) throw new Error(`Reference paging: HTTP ${response.status} for ${next}`);
			stats.bytes += text.length;
			const parseStarted = performance.now();
			const body = JSON.parse(text) as { value?: unknown[]; '@odata.nextLink'?: string };
			stats.parseMs += performance.now() - parseStarted;
			items += body.value?.length ?? 0;
			next = body['@odata.nextLink'];
		}
		return items;
	});
	return {
		...pagingResult(measured, measured.value, 0),
		parseMicrosPerItem: round((stats.parseMs * 1000) / Math.max(1, measured.value), 1),
		megabytes: mb(stats.bytes),
	};
}

/** Rounds of the CPU comparison: the median of an odd count is one real run, robust to two runs disturbed by the machine. */
const CPU_ROUNDS = 5;

/** A full garbage collection, between runs (V8's `gc`, exposed for this process only). */
function collectGarbage(): void {
	setFlagsFromString('--expose-gc');
	(runInNewContext('gc') as () => void)();
}

const median = (values: number[]) =>
	[...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** A run of the node's Get Many under the CPU profiler: the node's own share of the CPU. */
async function nodeOwnCpu(
	sandbox: RemoteSandbox,
	options: RunOptions,
	processMicrosPerItem: number,
): Promise<OwnCpuResult> {
	const { value, cpu } = await profileOwnCpu(
		async () => await nodeGetMany(sandbox, options, NO_FAULTS),
	);
	const items = value.value.value.items.length;
	return {
		...cpu,
		items,
		profiledProcessMicrosPerItem: round(cpu.processCpuMicros / Math.max(1, items), 1),
		processMicrosPerItem,
		ownMicrosPerItem: round(cpu.ownShare * processMicrosPerItem, 1),
	};
}

/**
 * The node's whole run against the HTTP Request node's, CPU per referral, taking turns in this
 * process, so that both see the same machine (on a shared machine one run alone can be off by
 * a third either way).
 */
async function cpuRounds(
	sandbox: RemoteSandbox,
	options: RunOptions,
	loaded: LoadedHttpRequestNode,
	url: string,
): Promise<CpuRounds> {
	const total = sandbox.info.referralCount;
	const nodeMicrosPerItem: number[] = [];
	const httpRequestMicrosPerItem: number[] = [];
	const splitOutMicrosPerItem: number[] = [];
	let splitItems = 0;
	for (let round = 0; round < CPU_ROUNDS; round++) {
		// Each run starts with the garbage of the one before collected, so that none pays for another's.
		collectGarbage();
		nodeMicrosPerItem.push(
			Math.round((await nodeGetMany(sandbox, options, NO_FAULTS)).cpuMicros / total),
		);
		collectGarbage();
		const viaHttpRequest = await measure(
			sandbox,
			NO_FAULTS,
			async () => await runHttpRequestPaging(loaded, url, options),
		);
		httpRequestMicrosPerItem.push(Math.round(viaHttpRequest.cpuMicros / total));
		collectGarbage();
		const split = await measure(
			sandbox,
			NO_FAULTS,
			async () => await runHttpRequestPaging(loaded, url, options, { split: true }),
		);
		splitOutMicrosPerItem.push(Math.round(split.cpuMicros / total));
		splitItems = splitOutItems(split.value) ?? 0;
	}
	const nodeMedian = median(nodeMicrosPerItem);
	const httpRequestMedian = median(httpRequestMicrosPerItem);
	const splitOutMedian = median(splitOutMicrosPerItem);
	return {
		rounds: CPU_ROUNDS,
		nodeMicrosPerItem,
		httpRequestMicrosPerItem,
		splitOutMicrosPerItem,
		nodeMedian,
		httpRequestMedian,
		splitOutMedian,
		splitOutItems: splitItems,
		ratio: round(nodeMedian / Math.max(1, httpRequestMedian)),
		ratioToSplitOut: round(nodeMedian / Math.max(1, splitOutMedian)),
	};
}

/** n8n's HTTP Request node over the node's first request and its nextLinks: a cold run, then the measured one. */
async function httpRequestPaging(
	sandbox: RemoteSandbox,
	options: RunOptions,
	loaded: HttpRequestNode,
	firstPath: string,
): Promise<HttpRequestResult> {
	if ('missing' in loaded) return loaded;
	const url = `${sandbox.info.url}${firstPath}`;
	const cold = await measure(
		sandbox,
		NO_FAULTS,
		async () => await runHttpRequestPaging(loaded, url, options),
	);
	const measured = await measure(
		sandbox,
		LATENCY_ONLY,
		async () => await runHttpRequestPaging(loaded, url, options),
	);
	const run = measured.value;
	const referrals = run.error ? 0 : referralsIn(run);
	return {
		...pagingResult(measured, referrals, Math.max(0, sandbox.info.referralCount - referrals)),
		outputItems: run.error ? 0 : run.output('HTTP Request').length,
		coldCpuMicrosPerItem: round(cold.cpuMicros / Math.max(1, referrals), 1),
		typeVersion: loaded.nodeType.currentVersion,
		from: loaded.from,
		...(run.error && { note: `run error: ${run.error.message}` }),
	};
}

/**
 * The node's Get Many, a cold run and the measured one, summed up: the runs' items are dropped
 * when this returns, so that they do not weigh on the garbage collections of the runs after it.
 */
async function nodePaging(
	sandbox: RemoteSandbox,
	options: RunOptions,
): Promise<{ node: GetManyResult['node']; firstPath?: string }> {
	const total = sandbox.info.referralCount;
	// The first run of an operation pays V8's compilation of its code paths (and runs without
	// latency); the measured run is the second, as in a running n8n instance.
	const cold = await nodeGetMany(sandbox, options, NO_FAULTS);
	const measured = await nodeGetMany(sandbox, options, LATENCY_ONLY);
	const { value: run, path: firstPath } = measured.value;
	const ids = new Set(run.items.map((item) => item.json.id));
	const failed =
		run.error !== undefined
			? total
			: Math.max(0, total - ids.size) + run.items.filter((item) => item.error).length;
	return {
		firstPath,
		node: {
			...pagingResult(measured, run.items.length, failed),
			coldCpuMicrosPerItem: round(cold.cpuMicros / total, 1),
			maxRssOfProcessMb: round(process.resourceUsage().maxRSS / 1024, 1),
			...(run.error && { note: `run error: ${run.error.message}` }),
		},
	};
}

async function getManyScenario(
	sandbox: RemoteSandbox,
	options: RunOptions,
	httpRequest: HttpRequestNode,
): Promise<GetManyResult> {
	const { node, firstPath } = await nodePaging(sandbox, options);
	const viaHttpRequest = await httpRequestPaging(
		sandbox,
		options,
		httpRequest,
		firstPath ?? REFERRALS_PATH,
	);
	const rounds =
		'missing' in httpRequest
			? undefined
			: await cpuRounds(
					sandbox,
					options,
					httpRequest,
					`${sandbox.info.url}${firstPath ?? REFERRALS_PATH}`,
				);
	const ownCpu = await nodeOwnCpu(sandbox, options, rounds?.nodeMedian ?? node.cpuMicrosPerItem);
	const reference = await referencePaging(sandbox, firstPath ?? REFERRALS_PATH);
	return {
		referrals: sandbox.info.referralCount,
		firstRequest: firstPath ?? '',
		node,
		nodeOwnCpu: ownCpu,
		httpRequest: viaHttpRequest,
		...(rounds && { cpuRounds: rounds }),
		reference,
	};
}

/* ------------------------------------------------------------------------------------ */
/* 3. Trigger                                                                             */

interface TriggerResult {
	referrals: number;
	changed: number;
	firstPollRequests: number;
	firstPollItems: number;
	secondPollRequests: number;
	secondPollItems: number;
	firedChangedIds: number;
	secondPollWallMs: number;
	/** the trigger's watermark after the first poll, and the changed referrals' new updatedDateTime */
	watermark: string;
	changedUpdatedDateTimes: string[];
}

async function triggerScenario(
	sandbox: RemoteSandbox,
	options: RunOptions,
	changedIds: string[],
	clockOffsetMs: number,
): Promise<TriggerResult> {
	const original = timing.now;
	// The node's clock (its first-poll watermark) and the sandbox's (updatedDateTime stamps) must agree.
	timing.now = () => Date.now() + clockOffsetMs;
	try {
		const staticData: IDataObject = {};
		const spec = {
			type: 'partnerCenterReferralTrigger',
			parameters: { event: 'referralUpdated', filters: {}, simplify: true, options: {} },
			staticData,
		};
		const first = await measure(sandbox, LATENCY_ONLY, async () => await runPoll(spec, options));
		const nodeState = staticData['node:Partner Center Referral Trigger'] as IDataObject | undefined;
		const watermark = String((nodeState?.referrals as IDataObject | undefined)?.from ?? '');
		const changedUpdatedDateTimes = await sandbox.call('touch', { ids: changedIds });
		const second = await measure(sandbox, LATENCY_ONLY, async () => await runPoll(spec, options));
		const fired = second.value.items ?? [];
		const wanted = new Set(changedIds);
		return {
			referrals: sandbox.info.referralCount,
			changed: changedIds.length,
			firstPollRequests: first.counters.requests,
			firstPollItems: first.value.items?.length ?? 0,
			secondPollRequests: second.counters.requests,
			secondPollItems: fired.length,
			firedChangedIds: new Set(
				fired.map((item) => String(item.json.id)).filter((id) => wanted.has(id)),
			).size,
			secondPollWallMs: round(second.wallMs, 0),
			watermark,
			changedUpdatedDateTimes,
		};
	} finally {
		timing.now = original;
	}
}

/* ------------------------------------------------------------------------------------ */
/* report                                                                                 */

function table(
	headers: string[],
	rows: Array<Array<string | number>>,
	rightAligned: number[] = [],
): string {
	const cells = [headers, ...rows.map((row) => row.map(String))];
	const widths = headers.map((_, column) => Math.max(...cells.map((row) => row[column].length)));
	const line = (row: string[]) =>
		row
			.map((cell, column) =>
				rightAligned.includes(column) ? cell.padStart(widths[column]) : cell.padEnd(widths[column]),
			)
			.join('  ')
			.trimEnd();
	return [
		line(cells[0]),
		widths.map((width) => '-'.repeat(width)).join('  '),
		...cells.slice(1).map(line),
	].join('\n');
}

function batchTable(results: BatchResult[]): string {
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

function getManyTable(many: GetManyResult): string {
	const { node, nodeOwnCpu: own, httpRequest, cpuRounds: rounds, reference } = many;
	const percent = (share: number) => `${(share * 100).toFixed(1)}%`;
	const peak = (result: PagingResult) =>
		`${result.peakRssMb} MB (+${result.peakRssGrowthMb}, ${result.peakRssGrowthKbPerItem} KB/item)`;
	return table(
		[
			'Get Many, Return All: 10,001',
			'items',
			'pages',
			'wall',
			'÷ pages×50ms',
			'server/page',
			'client/page',
			'CPU/item',
			'sandbox CPU/page',
			'peak RSS',
		],
		[
			[
				'Node (2nd run)',
				node.items,
				node.pages,
				seconds(node.wallMs),
				ratio(node.ratioToLimit),
				`${node.serverMsPerPage} ms`,
				`${node.clientMsPerPage} ms`,
				`${node.cpuMicrosPerItem} µs (1st run ${node.coldCpuMicrosPerItem})`,
				`${(node.sandboxCpuMicrosPerPage / 1000).toFixed(1)} ms`,
				peak(node),
			],
			[
				"  of which the node's own code (CPU profile)",
				own.items,
				'',
				'',
				'',
				'',
				'',
				`${own.ownMicrosPerItem} µs (${percent(own.ownShare)} of ${own.processMicrosPerItem})`,
				'',
				'',
			],
			'missing' in httpRequest
				? [
						`n8n's HTTP Request node: not run, ${httpRequest.missing}`,
						'',
						'',
						'',
						'',
						'',
						'',
						'',
						'',
						'',
					]
				: [
						`n8n's HTTP Request node ${httpRequest.typeVersion}, by nextLink (2nd run)`,
						`${httpRequest.items} in ${httpRequest.outputItems}`,
						httpRequest.pages,
						seconds(httpRequest.wallMs),
						ratio(httpRequest.ratioToLimit),
						`${httpRequest.serverMsPerPage} ms`,
						`${httpRequest.clientMsPerPage} ms`,
						`${httpRequest.cpuMicrosPerItem} µs (1st run ${httpRequest.coldCpuMicrosPerItem})`,
						`${(httpRequest.sandboxCpuMicrosPerPage / 1000).toFixed(1)} ms`,
						peak(httpRequest),
					],
			...(rounds
				? [
						[
							`CPU rounds, no latency, taking turns (${rounds.rounds} each), medians: node ÷ HTTP Request`,
							'',
							'',
							'',
							'',
							'',
							'',
							`${rounds.nodeMedian} µs ÷ ${rounds.httpRequestMedian} µs = ${ratio(rounds.ratio)}`,
							'',
							'',
						],
						[
							'  node ÷ HTTP Request + Split Out (one item per referral)',
							rounds.splitOutItems,
							'',
							'',
							'',
							'',
							'',
							`${rounds.nodeMedian} µs ÷ ${rounds.splitOutMedian} µs = ${ratio(rounds.ratioToSplitOut)}`,
							'',
							'',
						],
					]
				: []),
			[
				'Reference: plain fetch',
				reference.items,
				reference.pages,
				seconds(reference.wallMs),
				ratio(reference.ratioToLimit),
				`${reference.serverMsPerPage} ms`,
				`${reference.clientMsPerPage} ms`,
				`${reference.cpuMicrosPerItem} µs (JSON.parse ${reference.parseMicrosPerItem})`,
				`${(reference.sandboxCpuMicrosPerPage / 1000).toFixed(1)} ms`,
				`${reference.megabytes} MB JSON`,
			],
		],
		[1, 2, 3, 4, 5, 6, 8],
	);
}

/** The whole run's CPU per referral, the node's against n8n's HTTP Request node's in the same bench run. */
function httpRequestTarget({ httpRequest, cpuRounds: rounds }: GetManyResult): Target {
	const name = "Get Many: whole run's CPU per item ÷ HTTP Request node's (medians)";
	if ('missing' in httpRequest || !rounds) {
		return {
			name,
			target: '≤ 1.00×',
			actual: `not run: ${'missing' in httpRequest ? httpRequest.missing : 'no rounds'}`,
			pass: false,
		};
	}
	return {
		name,
		target: '≤ 1.00×',
		actual: `${ratio(rounds.ratio)} (${rounds.nodeMedian} µs ÷ ${rounds.httpRequestMedian} µs)`,
		pass: rounds.ratio <= 1,
	};
}

function triggerTable(trigger: TriggerResult): string {
	return table(
		[
			'Trigger poll',
			'referrals',
			'changed',
			'1st poll requests',
			'2nd poll requests',
			'items fired',
			'wall',
		],
		[
			[
				`after ${trigger.changed} updates`,
				trigger.referrals,
				trigger.changed,
				trigger.firstPollRequests,
				trigger.secondPollRequests,
				trigger.secondPollItems,
				seconds(trigger.secondPollWallMs),
			],
		],
		[1, 2, 3, 4, 5, 6],
	);
}

function rateTable(results: BatchResult[]): string {
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

function evaluate(
	batch: BatchResult[],
	nodeCpu: NodeCpu | undefined,
	many: GetManyResult | undefined,
	trigger: TriggerResult | undefined,
): Target[] {
	return [
		...(nodeCpu ? poolTargets(batch, nodeCpu) : []),
		...(many ? getManyTargets(many) : []),
		...(trigger ? triggerTargets(trigger) : []),
	];
}

function getManyTargets(many: GetManyResult): Target[] {
	return [
		{
			name: 'Get Many: no failed items',
			target: '0',
			actual: String(many.node.failedItems),
			pass: many.node.failedItems === 0,
		},
		{
			name: 'Get Many: wall ÷ (pages × latency)',
			target: '≤ 1.15×',
			actual: ratio(many.node.ratioToLimit),
			pass: many.node.ratioToLimit <= 1.15,
		},
		{
			name: "Get Many: the node's own CPU per item (CPU profile)",
			target: '≤ 20 µs',
			actual: `${many.nodeOwnCpu.ownMicrosPerItem} µs of ${many.nodeOwnCpu.processMicrosPerItem} µs`,
			pass: many.nodeOwnCpu.ownMicrosPerItem <= 20,
		},
		httpRequestTarget(many),
	];
}

function triggerTargets(trigger: TriggerResult): Target[] {
	return [
		{
			name: 'Trigger: second poll in one request, 20 items',
			target: '1 request, 20 items',
			actual: `${trigger.secondPollRequests} request(s), ${trigger.secondPollItems} items (${trigger.firedChangedIds} of the changed)`,
			pass:
				trigger.secondPollRequests === 1 &&
				trigger.secondPollItems === CHANGED &&
				trigger.firedChangedIds === CHANGED,
		},
	];
}

/* ------------------------------------------------------------------------------------ */
/* main                                                                                   */

function log(line: string): void {
	console.log(line);
}

async function main(): Promise<void> {
	const benchStarted = performance.now();
	const loadAtStart = os.loadavg().map((load) => round(load));
	const argument = process.argv.find((arg) => arg.startsWith('--sequential='));
	const sequentialIds = Math.min(
		BATCH_IDS,
		Math.max(
			1,
			Math.floor(Number(argument?.split('=')[1] ?? DEFAULT_SEQUENTIAL_IDS)) ||
				DEFAULT_SEQUENTIAL_IDS,
		),
	);
	const only = process.argv.find((arg) => arg.startsWith('--only='))?.split('=')[1];
	const groups = only?.split(',').map((group) => group.trim().toLowerCase());
	const unknown = groups?.filter((group) => !GROUPS.includes(group)) ?? [];
	if (unknown.length > 0)
		throw new Error(
			`--only: unknown group(s) ${unknown.join(', ')}; choose from ${GROUPS.join(', ')}`,
		);
	const runs = (group: (typeof GROUPS)[number]) => groups === undefined || groups.includes(group);
	const resultsFile =
		groups === undefined
			? RESULTS_FILE
			: path.join(path.dirname(RESULTS_FILE), `only-${groups.join('-')}`, 'results.json');
	// Generated data is stamped before 2026-01-01: keep "now" after it even on a machine whose clock is earlier.
	const clockOffsetMs = Math.max(0, REFERENCE_DATE + 86_400_000 - Date.now());

	const sandbox = await RemoteSandbox.start({
		referralCount: REFERRAL_COUNT,
		pageSize: PAGE_SIZE,
		seed: 1,
		clockOffsetMs,
	});
	try {
		const info = sandbox.info;
		const options: RunOptions = {
			nodeTypes: [new PartnerCenterReferral(), new PartnerCenterReferralTrigger()],
			credentials: {
				partnerCenterOAuth2Api: {
					clientId: info.clientId,
					clientSecret: info.clientSecret,
					tenantId: 'organizations',
					baseUrl: info.url,
					accessTokenUrl: info.tokenUrl,
					oauthTokenData: {
						access_token: info.accessToken,
						refresh_token: info.refreshToken,
						token_type: 'Bearer',
					},
				},
			},
		};
		const allIds = await sandbox.call('ids', { count: BATCH_IDS });
		// Loaded before any run, so that its one-off cost (about 200 MB of RSS, a few seconds) is in no run's figures.
		const httpRequest = await loadHttpRequestNode();
		log(
			'missing' in httpRequest
				? `n8n's HTTP Request node: ${httpRequest.missing}`
				: `n8n's HTTP Request node from ${httpRequest.from}`,
		);
		log(
			`Sandbox in a child process at ${info.url}: ${info.referralCount} referrals, ${PAGE_SIZE} a page`,
		);

		const batch: BatchResult[] = [];
		const rate: BatchResult[] = [];
		const done = (result: BatchResult) => {
			batch.push(result);
			log(`  ${result.scenario}: ${seconds(result.wallMs)}`);
		};
		let nodeCpu: NodeCpu | undefined;
		if (runs('pool')) {
			nodeCpu = await poolScenarios(
				async (run) => await nodeBatchGet(sandbox, options, allIds.slice(0, run.ids), run),
				done,
			);
			log(
				`  Node's own CPU: ${nodeCpu.nodeMicrosPerRequest} µs of ${nodeCpu.processMicrosPerRequest} µs per request`,
			);
		}
		if (runs('baselines')) {
			done(await naiveBurst(sandbox, allIds));
			done(await sequential(sandbox, allIds.slice(0, sequentialIds), BATCH_IDS));
			done(await plainPool(sandbox, allIds));
		}
		if (runs('rate')) {
			// without the pool's warm-up runs, a run of the same code path first (not reported)
			if (!runs('pool'))
				await nodeRateGet(sandbox, options, allIds.slice(0, 300), {
					scenario: 'warm-up',
					ids: 300,
					perSecond: 0,
				});
			await rateScenarios(
				async (run) => await nodeRateGet(sandbox, options, allIds.slice(0, run.ids), run),
				async (run) => await referenceRateGet(sandbox, allIds.slice(0, run.ids), run),
				(result) => {
					rate.push(result);
					log(`  ${result.scenario}: ${seconds(result.wallMs)}`);
				},
			);
		}

		let many: GetManyResult | undefined;
		if (runs('getmany')) {
			many = await getManyScenario(sandbox, options, httpRequest);
			log(
				`  Get Many: ${seconds(many.node.wallMs)}, the node's own CPU ${many.nodeOwnCpu.ownMicrosPerItem} µs per item (reference ${seconds(many.reference.wallMs)})`,
			);
		}
		let trigger: TriggerResult | undefined;
		if (runs('trigger')) {
			const changedIds = Array.from(
				{ length: CHANGED },
				(_, index) => allIds[index * Math.floor(BATCH_IDS / CHANGED)],
			);
			trigger = await triggerScenario(sandbox, options, changedIds, clockOffsetMs);
			log(
				`  Trigger: ${trigger.secondPollRequests} request(s), ${trigger.secondPollItems} item(s)`,
			);
		}
		let burst: Awaited<ReturnType<typeof triggerBurstScenario>> | undefined;
		if (runs('burst')) {
			burst = await triggerBurstScenario();
			log(
				`  Trigger burst: ${burst.fired} fired, ${burst.refired} refired, ${burst.requestsPerQuietPoll} request(s) per quiet poll`,
			);
		}

		let statusMemory: Awaited<ReturnType<typeof statusMemoryScenario>> | undefined;
		if (runs('memory')) {
			statusMemory = await statusMemoryScenario();
			log(
				`  Trigger status memory: activation ${seconds(statusMemory.activationMs)}, ${statusMemory.stateBytes} bytes of static data`,
			);
		}

		// 6. About to Expire over 10,000 referrals waiting for an answer (expiry.ts)
		const expiry = runs('expiry') ? await expiryScenario() : undefined;
		const targets = [
			...evaluate(batch, nodeCpu, many, trigger),
			...(runs('rate') ? rateTargets(rate) : []),
			...(burst ? triggerBurstTargets(burst) : []),
			...(statusMemory ? statusMemoryTargets(statusMemory) : []),
			...(expiry?.targets ?? []),
		];
		const cpus = os.cpus();
		const machine = {
			cpuModel: cpus[0]?.model ?? 'unknown',
			cores: cpus.length,
			node: process.version,
			platform: `${os.platform()} ${os.release()} ${os.arch()}`,
			totalMemoryMb: Math.round(os.totalmem() / 1024 / 1024),
			date: new Date().toISOString(),
			/** 1/5/15-minute load averages: above the core count, other processes competed for the CPU */
			loadAverageAtStart: loadAtStart,
			loadAverageAtEnd: os.loadavg().map((load) => round(load)),
		};
		const durationMs = round(performance.now() - benchStarted, 0);
		const results = {
			machine,
			settings: {
				batchIds: BATCH_IDS,
				latencyMs: LATENCY_MS,
				serviceMaxConcurrent: SERVICE_LIMIT,
				servicePerSecondInRateRows: RATE_LIMIT,
				retryAfterSeconds: RETRY_AFTER_SECONDS,
				...(groups !== undefined && { only: groups }),
				referrals: info.referralCount,
				pageSize: PAGE_SIZE,
				changedForTrigger: CHANGED,
				sequentialIds,
				sandbox:
					'child process (dev/bench/sandbox-process.ts): CPU figures are of the bench process (node + n8n engine) unless named sandbox',
			},
			batchGet: batch,
			rateGet: rate,
			nodeCpu,
			getMany: many,
			trigger,
			triggerBurst: burst,
			triggerStatusMemory: statusMemory,
			triggerExpiry: expiry?.result,
			targets,
			durationMs,
		};
		mkdirSync(path.dirname(resultsFile), { recursive: true });
		writeFileSync(resultsFile, `${JSON.stringify(results, null, '\t')}\n`);

		const busiest = Math.max(machine.loadAverageAtStart[0], machine.loadAverageAtEnd[0]);
		log(
			[
				'',
				`Machine: ${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}, ${machine.date}`,
				`Load average (1 min): ${machine.loadAverageAtStart[0]} at start, ${machine.loadAverageAtEnd[0]} at end${
					busiest > machine.cores
						? ` — above ${machine.cores} cores: other processes competed for the CPU, wall times are inflated`
						: ''
				}`,
				...(batch.length > 0 ? ['', batchTable(batch)] : []),
				...(rate.length > 0 ? ['', rateTable(rate)] : []),
				...(many
					? [
							'',
							getManyTable(many),
							`  (server = sandbox time per request, arrival to response end, its 50 ms latency included; client = the rest of the wall time)`,
						]
					: []),
				...(trigger ? ['', triggerTable(trigger)] : []),
				...(burst ? ['', triggerBurstTable(burst)] : []),
				...(statusMemory ? ['', statusMemoryTable(statusMemory)] : []),
				...(expiry ? ['', expiry.table] : []),
				'',
				table(
					['Target', 'wanted', 'actual', ''],
					targets.map((target) => [
						target.name,
						target.target,
						target.actual,
						target.pass ? 'PASS' : 'FAIL',
					]),
				),
				'',
				`${targets.filter((target) => target.pass).length}/${targets.length} targets met. Bench took ${seconds(durationMs)}; results in ${path.relative(process.cwd(), resultsFile)}`,
			].join('\n'),
		);
	} finally {
		await sandbox.close();
	}
}

const watchdog = setTimeout(() => {
	console.error(`The bench did not finish within ${WATCHDOG_MS / 1000} s; stopping.`);
	process.exit(1);
}, WATCHDOG_MS);
watchdog.unref();

main().then(
	() => process.exit(0),
	(error: unknown) => {
		console.error(error);
		process.exit(1);
	},
);
