/**
 * `npm run bench`: throughput, throttling, CPU and memory of the Partner Center Referral
 * nodes against the sandbox, through n8n's real engine (dev/harness). The sandbox runs in
 * a child process (sandbox-process.ts), so this process's CPU time is the node plus n8n's
 * engine only; the sandbox reports its own CPU time and how long it took per request.
 *
 * The groups, in the order they run (each its own file; `--only` names them):
 *
 *   1. pool (pool.ts, through batch.ts): Batch Get, 1,000 ids, 50 ms latency, 429 +
 *      Retry-After: 1 above 10 in flight — the node with Max Concurrent Requests left out, at 10
 *      and at 20, the default against a service that allows 2, and its own CPU per request.
 *   2. baselines (baselines.ts): the same service, a naive burst (all at once, plain fetch, no
 *      retry), a sequential loop (plain fetch), and as a reference plain fetch 10 at a time.
 *   3. rate (rate.ts): per-second rate limit, 100 and 1,000 ids against a service that allows
 *      25 requests a second, the node beside plain fetch that knows the limit.
 *   4. getmany (getMany.ts): Get Many, Return All over 10,001 referrals (100 a page, 50 ms
 *      latency): the node's own CPU from a CPU profile (profile.ts), n8n's HTTP Request node
 *      paging the same referrals by nextLink through the same engine (httpRequest.ts), and as a
 *      reference plain fetch following the same nextLinks.
 *   5. trigger (triggerPoll.ts): a poll after 20 of the 10,001 referrals changed.
 *   6. burst (trigger.ts): 10,000 new referrals in one minute, then 1,000 quiet polls.
 *   7. memory (triggerMemory.ts): Status Changed activated over 10,000 referrals that can still
 *      move: activation time, static data size, a won referral fires once.
 *   8. expiry (expiry.ts): About to Expire over 10,000 referrals waiting for an answer: requests
 *      and time per poll, the referrals fired, the static data's size.
 *
 * measure.ts holds what every group measures with (wall, CPU, peak RSS, the sandbox's faults)
 * and the table format; this file is the runner: options, the sandbox and the credential, the
 * groups, the report and bench/results.json.
 *
 * Prints a table and writes bench/results.json. Exits 0 whether targets pass or not, 1 only
 * if something crashed. Options: --sequential=N (ids of the sequential baseline, default 200,
 * extrapolated to 1,000; --sequential=1000 runs them all, about 40 s more); --only=GROUPS
 * (comma-separated, of pool, baselines, rate, getmany, trigger, burst, memory, expiry: run only
 * those, e.g. --only=pool,rate to compare the throttling rows without the rest; their results go
 * to bench/only-GROUPS/results.json).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// `.js`: tsx would otherwise resolve `X.node` to the codex file `X.node.json`
import { PartnerCenterReferral } from '../../nodes/PartnerCenterReferral/PartnerCenterReferral.node.js';
import { PartnerCenterReferralTrigger } from '../../nodes/PartnerCenterReferral/PartnerCenterReferralTrigger.node.js';
import type { RunOptions } from '../harness';
import { REFERENCE_DATE } from '../sandbox/data';
import { batchTable, nodeBatchGet } from './batch';
import { naiveBurst, plainPool, sequential } from './baselines';
import { getManyScenario, getManyTable, getManyTargets, type GetManyResult } from './getMany';
import { loadHttpRequestNode } from './httpRequest';
import { LATENCY_MS, RETRY_AFTER_SECONDS, round, seconds, table } from './measure';
import { BATCH_IDS, poolScenarios, poolTargets, SERVICE_LIMIT, type NodeCpu } from './pool';
import type { BatchResult, Target } from './results';
import {
	nodeRateGet,
	RATE_LIMIT,
	rateScenarios,
	rateTable,
	rateTargets,
	referenceRateGet,
} from './rate';
import { RemoteSandbox } from './remote-sandbox';
import { triggerBurstScenario, triggerBurstTable, triggerBurstTargets } from './trigger';
import { statusMemoryScenario, statusMemoryTable, statusMemoryTargets } from './triggerMemory';
import { expiryScenario } from './expiry';
import {
	CHANGED,
	triggerScenario,
	triggerTable,
	triggerTargets,
	type TriggerResult,
} from './triggerPoll';

const REFERRAL_COUNT = 10_000;
const PAGE_SIZE = 100;
const DEFAULT_SEQUENTIAL_IDS = 200;
/** A safety net: the bench takes about five minutes; nothing may keep it running for ever. */
const WATCHDOG_MS = 600_000;
const RESULTS_FILE = path.resolve(__dirname, '../../bench/results.json');
/** What --only can select (all by default). */
const GROUPS = ['pool', 'baselines', 'rate', 'getmany', 'trigger', 'burst', 'memory', 'expiry'];

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
				`  Get Many: ${seconds(many.node.wallMs)}, the node's own CPU ${many.nodeOwnCpu.ownMicrosPerItem} µs per item (${many.nodeOwnCpu.ownWithoutDecodingMicrosPerItem} without the body's decoding; reference ${seconds(many.reference.wallMs)})`,
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

		// 8. About to Expire over 10,000 referrals waiting for an answer (expiry.ts)
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
