/**
 * Get Many in `npm run bench` (group `getmany`): Return All over 10,001 referrals (100 a page,
 * 50 ms latency): the node (a cold run, then the measured one), its own CPU from a CPU profile
 * (profile.ts), n8n's HTTP Request node paging the same referrals by nextLink through the same
 * engine (httpRequest.ts), CPU rounds of both taking turns, and as a reference plain fetch
 * following the same nextLinks; the table and the targets.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import { REFERRALS_PATH } from '../../nodes/PartnerCenterReferral/shared/constants';
import { runNode, type RunOptions } from '../harness';
import {
	referralsIn,
	runHttpRequestPaging,
	splitOutItems,
	type HttpRequestNode,
	type LoadedHttpRequestNode,
} from './httpRequest';
import {
	firstRequestPath,
	LATENCY_MS,
	LATENCY_ONLY,
	measure,
	NO_FAULTS,
	ratio,
	round,
	seconds,
	table,
	type Measured,
} from './measure';
import { profileOwnCpu, type OwnCpu } from './profile';
import type { FaultSettings } from './protocol';
import type { RemoteSandbox } from './remote-sandbox';
import type { Target } from './results';

const MAX_REFERENCE_PAGES = 1000;

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
	/** the node's own code per item, the body's decoding included */
	ownMicrosPerItem: number;
	/** of it, the decoding of the pages (UTF-8 text and JSON.parse, in the transport's decodeBody) */
	decodingMicrosPerItem: number;
	/** the node's own code per item without the body's decoding */
	ownWithoutDecodingMicrosPerItem: number;
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

export interface GetManyResult {
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
		decodingMicrosPerItem: round(cpu.decodingShare * processMicrosPerItem, 1),
		ownWithoutDecodingMicrosPerItem: round(
			(cpu.ownShare - cpu.decodingShare) * processMicrosPerItem,
			1,
		),
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

export async function getManyScenario(
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

export function getManyTable(many: GetManyResult): string {
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
				"  of which the node's own code, the body's decoding included (CPU profile)",
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
			[
				"    the body's decoding: UTF-8 and JSON.parse of the pages (transport's decodeBody)",
				'',
				'',
				'',
				'',
				'',
				'',
				`${own.decodingMicrosPerItem} µs (${percent(own.decodingShare)})`,
				'',
				'',
			],
			[
				"    the node's own code without the body's decoding",
				'',
				'',
				'',
				'',
				'',
				'',
				`${own.ownWithoutDecodingMicrosPerItem} µs (${percent(own.ownShare - own.decodingShare)})`,
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

export function getManyTargets(many: GetManyResult): Target[] {
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
			name: "Get Many: the node's own CPU per item, the body's decoding included (CPU profile)",
			target: '≤ 20 µs',
			actual: `${many.nodeOwnCpu.ownMicrosPerItem} µs of ${many.nodeOwnCpu.processMicrosPerItem} µs (decoding ${many.nodeOwnCpu.decodingMicrosPerItem}, the rest ${many.nodeOwnCpu.ownWithoutDecodingMicrosPerItem})`,
			pass: many.nodeOwnCpu.ownMicrosPerItem <= 20,
		},
		httpRequestTarget(many),
	];
}
