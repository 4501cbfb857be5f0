/**
 * `npm run e2e:n8n -- --queue`: the packed package in real n8n in queue mode, the way partners
 * scale out. Per n8n version: Postgres and Redis (services.ts) as this process's children, then
 * n8n main and two workers (EXECUTIONS_MODE=queue, one encryption key, one database, each with its
 * own user folder holding the package where n8n loads community nodes), and checks
 *   1. a Webhook-started Get runs on a worker (the worker's log names the execution) and answers
 *      status/dealValue;
 *   2. an expired access token is refreshed on a worker (the refresh connection comes from a
 *      worker's process) and saved: the next execution does not refresh again;
 *   3. a burst of webhook executions over both workers against the sandbox with its concurrency
 *      limit on: how many failed, the wall time, the 429s;
 *   4. the trigger, polling on main, fires each new referral once on a worker; main stopped and
 *      started again: nothing refires, and a referral created while main was down fires once.
 * n8n 2.x refreshes tokens at the credential type's hidden token URL (Microsoft's); the run routes
 * that host to a local TLS front of the sandbox (loopback-only.cjs, E2E_ROUTE) with a certificate
 * only n8n's processes trust (NODE_EXTRA_CA_CERTS), and never changes what the package sends.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:net';
import { connect as netConnect } from 'node:net';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';

import type { Sandbox } from '../sandbox';
import { incomingReferral, startSandbox } from '../sandbox';
import { EXAMPLE_REFERRAL_ID } from '../sandbox/data';
import type { Outcome } from './common';
import { ACTION_TYPE, failure, installPackage, out, TRIGGER_TYPE, waitFor } from './common';
import type { N8nInstall } from './install';
import type { StoredExecution } from './n8n';
import { freePort, N8n, sleep } from './n8n';
import { ExpiryCheck, isExpiryListing } from './expiry';
import type { Postgres, Service } from './services';
import { startPostgres, startRedis } from './services';

/** The host n8n 2.x sends token refreshes to, whatever the stored credential says. */
const TOKEN_HOST = 'login.microsoftonline.com';
const WEBHOOK_PATH = 'pc-e2e-queue-get';
// n8n 1.x saves a workflow's static data only for ids of at most 16 characters
const WEBHOOK_WORKFLOW = 'pcQueueWebhook01';
const TRIGGER_WORKFLOW = 'pcQueueTrigger01';
const EXPIRY_WORKFLOW = 'pcQueueExpiry01';
const EXPIRY_NODE = 'Referral about to expire';
/**
 * The About to Expire check's referrals (expiry.ts) are Dutch; the New Referral trigger listens to
 * German ones only, so that each check counts only its own executions.
 */
const EXPIRY_FIELDS = {
	customerProfile: { name: 'Contoso Nederland', address: { city: 'Utrecht', country: 'NL' } },
};
const WEBHOOK_CREDENTIAL = {
	id: 'pcQueueWebhookCr',
	name: 'Partner Center (webhook)',
	type: 'partnerCenterOAuth2Api',
};
const TRIGGER_CREDENTIAL = {
	id: 'pcQueueTriggerCr',
	name: 'Partner Center (trigger)',
	type: 'partnerCenterOAuth2Api',
};

export interface QueueOptions {
	maxConcurrent: number;
	burst: number;
	latencyMs: number;
}

/** A self-signed certificate for TOKEN_HOST (openssl), trusted only by the n8n processes of this run. */
function tokenHostCertificate(dir: string): { key: string; cert: string; certFile: string } {
	const keyFile = join(dir, 'token-host.key');
	const certFile = join(dir, 'token-host.crt');
	execFileSync(
		'openssl',
		[
			'req',
			'-x509',
			'-newkey',
			'rsa:2048',
			'-nodes',
			'-days',
			'2',
			'-subj',
			`/CN=${TOKEN_HOST}`,
			'-addext',
			`subjectAltName=DNS:${TOKEN_HOST}`,
			'-keyout',
			keyFile,
			'-out',
			certFile,
		],
		{ stdio: ['ignore', 'ignore', 'pipe'] },
	);
	return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8'), certFile };
}

/** TLS on 127.0.0.1 in front of the sandbox: what n8n believes is Microsoft's token endpoint. */
async function tokenHostFront(
	sandbox: Sandbox,
	tls: { key: string; cert: string },
): Promise<{ port: number; server: Server }> {
	const target = new URL(sandbox.url);
	const server = createTlsServer({ key: tls.key, cert: tls.cert }, (socket) => {
		const upstream = netConnect({ host: target.hostname, port: Number(target.port) });
		socket.pipe(upstream).pipe(socket);
		socket.on('error', () => upstream.destroy());
		upstream.on('error', () => socket.destroy());
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const address = server.address();
	return { port: typeof address === 'object' && address ? address.port : 0, server };
}

function credentials(dir: string, sandbox: Sandbox): string {
	const entry = (credential: typeof WEBHOOK_CREDENTIAL, lifetimeSeconds: number) => {
		const token = sandbox.issueToken(lifetimeSeconds);
		return {
			...credential,
			data: {
				baseUrl: sandbox.url,
				clientId: sandbox.clientId,
				clientSecret: sandbox.clientSecret,
				oauthTokenData: {
					access_token: token.accessToken,
					refresh_token: token.refreshToken,
					token_type: 'Bearer',
				},
			},
		};
	};
	const file = join(dir, 'credentials.json');
	// the webhook's token expires after a second: its first execution must refresh it on a worker;
	// the trigger's lasts a day, so main never refreshes and every refresh counted is a worker's
	writeFileSync(
		file,
		JSON.stringify([entry(WEBHOOK_CREDENTIAL, 1), entry(TRIGGER_CREDENTIAL, 86_400)]),
	);
	return file;
}

const credentialRef = (credential: typeof WEBHOOK_CREDENTIAL) => ({
	partnerCenterOAuth2Api: { id: credential.id, name: credential.name },
});

function workflows(dir: string): string {
	const folder = join(dir, 'workflows');
	mkdirSync(folder, { recursive: true });
	const webhook = {
		id: WEBHOOK_WORKFLOW,
		name: 'E2E queue: webhook Get',
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{
				parameters: {
					httpMethod: 'GET',
					path: WEBHOOK_PATH,
					responseMode: 'lastNode',
					options: {},
				},
				id: '2b0f1b6e-0a49-4b53-9f57-0e3b0c1a0001',
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: '6f1d2c3b-4a59-4e6f-8a7b-0c1d2e3f4a51',
			},
			{
				parameters: {
					resource: 'referral',
					operation: 'get',
					referralId: { __rl: true, mode: 'id', value: '={{ $json.query.id }}' },
					simplify: true,
					options: {},
				},
				id: '2b0f1b6e-0a49-4b53-9f57-0e3b0c1a0002',
				name: 'Get referral',
				type: ACTION_TYPE,
				typeVersion: 1,
				position: [220, 0],
				credentials: credentialRef(WEBHOOK_CREDENTIAL),
			},
		],
		connections: { Webhook: { main: [[{ node: 'Get referral', type: 'main', index: 0 }]] } },
	};
	const trigger = {
		id: TRIGGER_WORKFLOW,
		name: 'E2E queue: new incoming referral',
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{
				parameters: {
					pollTimes: { item: [{ mode: 'everyMinute' }] },
					event: 'referralCreated',
					filters: { direction: 'Incoming', customerCountry: 'DE' },
					simplify: true,
					options: {},
				},
				id: '2b0f1b6e-0a49-4b53-9f57-0e3b0c1a0003',
				name: 'New incoming referral',
				type: TRIGGER_TYPE,
				typeVersion: 1,
				position: [0, 0],
				credentials: credentialRef(TRIGGER_CREDENTIAL),
			},
			{
				parameters: {},
				id: '2b0f1b6e-0a49-4b53-9f57-0e3b0c1a0004',
				name: 'Done',
				type: 'n8n-nodes-base.noOp',
				typeVersion: 1,
				position: [220, 0],
			},
		],
		connections: {
			'New incoming referral': { main: [[{ node: 'Done', type: 'main', index: 0 }]] },
		},
	};
	const expiry = {
		id: EXPIRY_WORKFLOW,
		name: 'E2E queue: referral about to expire',
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{
				parameters: {
					pollTimes: { item: [{ mode: 'everyMinute' }] },
					event: 'aboutToExpire',
					notifyBefore: 2,
					notifyBeforeUnit: 'days',
					filters: { direction: 'Incoming' },
					simplify: true,
					options: {},
				},
				id: '2b0f1b6e-0a49-4b53-9f57-0e3b0c1a0005',
				name: EXPIRY_NODE,
				type: TRIGGER_TYPE,
				typeVersion: 1,
				position: [0, 0],
				credentials: credentialRef(TRIGGER_CREDENTIAL),
			},
			{
				parameters: {},
				id: '2b0f1b6e-0a49-4b53-9f57-0e3b0c1a0006',
				name: 'Done',
				type: 'n8n-nodes-base.noOp',
				typeVersion: 1,
				position: [220, 0],
			},
		],
		connections: { [EXPIRY_NODE]: { main: [[{ node: 'Done', type: 'main', index: 0 }]] } },
	};
	writeFileSync(join(folder, 'webhook.json'), JSON.stringify(webhook));
	writeFileSync(join(folder, 'expiry.json'), JSON.stringify(expiry));
	writeFileSync(join(folder, 'trigger.json'), JSON.stringify(trigger));
	return folder;
}

interface Counts {
	listings: number;
	expiryListings: number;
	refreshes: number;
	throttled: number;
}

/** Which worker's log says it started the execution (n8n logs "Worker started execution <id> (job <n>)"). */
function workerOf(executionId: string, workerLogs: string[]): number | undefined {
	const pattern = new RegExp(`Worker started execution ${executionId} \\(`);
	const index = workerLogs.findIndex(
		(file) => existsSync(file) && pattern.test(readFileSync(file, 'utf8')),
	);
	return index < 0 ? undefined : index + 1;
}

function startedOn(file: string): number {
	return existsSync(file)
		? (readFileSync(file, 'utf8').match(/Worker started execution \d+ /g) ?? []).length
		: 0;
}

const carries = (execution: StoredExecution, referralId: string): boolean =>
	JSON.stringify(execution.data.resultData.runData).includes(referralId);

async function getViaWebhook(
	main: N8n,
): Promise<{ status: number; body: Record<string, unknown> | undefined; text: string }> {
	const response = await fetch(
		`${main.baseUrl}/webhook/${WEBHOOK_PATH}?id=${EXAMPLE_REFERRAL_ID}`,
		{
			signal: AbortSignal.timeout(300_000),
		},
	);
	const text = await response.text();
	let body: Record<string, unknown> | undefined;
	try {
		body = JSON.parse(text) as Record<string, unknown>;
	} catch {
		body = undefined;
	}
	return { status: response.status, body, text };
}

export async function runQueueVersion(
	install: N8nInstall,
	tarball: string,
	work: string,
	options: QueueOptions,
): Promise<boolean> {
	const dir = join(work, `queue-n8n-${install.version}`);
	mkdirSync(dir, { recursive: true });
	const nodeVersion = execFileSync(install.node, ['--version'], { encoding: 'utf8' }).trim();
	out(
		`\nn8n ${install.version} on Node ${nodeVersion}, queue mode: main + 2 workers, Postgres, Redis (work folder ${dir})`,
	);
	const major = Number(install.version.split('.')[0]);

	const counts: Counts = { listings: 0, expiryListings: 0, refreshes: 0, throttled: 0 };
	const sandbox = await startSandbox({
		port: 0,
		referralCount: 20,
		seed: 7,
		onRequest: (entry) => {
			// the New Referral trigger's polls and About to Expire's, counted apart
			if (isExpiryListing(entry.method, entry.url)) counts.expiryListings++;
			else if (entry.method === 'GET' && /\/v1\.0\/engagements\/referrals\?/.test(entry.url))
				counts.listings++;
			if (entry.method === 'POST' && /\/oauth2\/v2\.0\/token/.test(entry.url)) counts.refreshes++;
			if (entry.status === 429) counts.throttled++;
		},
	});
	const services: Service[] = [];
	const processes: N8n[] = [];
	let front: Server | undefined;
	let ok = true;
	const report = (outcome: Outcome, name: string) => {
		ok &&= outcome.ok;
		out(`  ${outcome.ok ? '✓' : '✗'} ${name.padEnd(16)}${outcome.line}`);
	};
	const routedLog = join(dir, 'routed-connections.log');
	const blockedLog = join(dir, 'blocked-connections.log');
	try {
		const started = Date.now();
		const postgres: Postgres = await startPostgres(join(dir, 'postgres'));
		services.push(postgres);
		const redis = await startRedis(join(dir, 'redis'));
		services.push(redis);
		const database = `n8n_${install.version.replace(/\W/g, '_')}`;
		postgres.createDatabase(database);
		const tls = tokenHostCertificate(dir);
		const tokenFront = await tokenHostFront(sandbox, tls);
		front = tokenFront.server;
		out(
			`  Postgres on 127.0.0.1:${postgres.port}, Redis on 127.0.0.1:${redis.port}, ${TOKEN_HOST} routed to 127.0.0.1:${tokenFront.port} (started in ${Date.now() - started} ms)`,
		);

		const shared = {
			EXECUTIONS_MODE: 'queue',
			N8N_ENCRYPTION_KEY: randomBytes(24).toString('base64url'),
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(postgres.port),
			DB_POSTGRESDB_DATABASE: database,
			DB_POSTGRESDB_USER: 'postgres',
			DB_POSTGRESDB_PASSWORD: '',
			QUEUE_BULL_REDIS_HOST: '127.0.0.1',
			QUEUE_BULL_REDIS_PORT: String(redis.port),
			QUEUE_HEALTH_CHECK_ACTIVE: 'true',
			N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
			N8N_LOG_LEVEL: 'info',
			NODE_EXTRA_CA_CERTS: tls.certFile,
			E2E_ROUTE: `${TOKEN_HOST}=127.0.0.1:${tokenFront.port}`,
			E2E_ROUTED_LOG: routedLog,
		};
		// one user folder per process, each with the package where n8n loads community nodes
		const roles = ['main', 'worker1', 'worker2'];
		installPackage(join(dir, 'main'), tarball);
		for (const role of roles.slice(1))
			cpSync(join(dir, 'main', '.n8n', 'nodes'), join(dir, role, '.n8n', 'nodes'), {
				recursive: true,
			});
		for (const role of roles) {
			const env = { ...shared, QUEUE_HEALTH_CHECK_PORT: String(await freePort()) };
			processes.push(
				new N8n(
					install,
					join(dir, role),
					{ broker: await freePort(), http: await freePort() },
					blockedLog,
					{ env, postgres: { port: postgres.port, database } },
				),
			);
		}
		const [main, ...workers] = processes;
		const mainLog = join(dir, 'main.log');
		const workerLogs = workers.map((_, index) => join(dir, `worker${index + 1}.log`));

		await main.must(['import:credentials', `--input=${credentials(dir, sandbox)}`]);
		await main.must(['import:workflow', '--separate', `--input=${workflows(dir)}`]);
		for (const id of [WEBHOOK_WORKFLOW, TRIGGER_WORKFLOW, EXPIRY_WORKFLOW]) {
			await main.must(
				major >= 2
					? ['publish:workflow', `--id=${id}`]
					: ['update:workflow', `--id=${id}`, '--active=true'],
			);
		}
		// About to Expire: a referral inside Notify Before before activation (expiry.ts)
		const expiry = new ExpiryCheck(
			sandbox,
			() => main.executions(EXPIRY_WORKFLOW),
			EXPIRY_NODE,
			() => counts.expiryListings,
			() => main.staticData(EXPIRY_WORKFLOW),
			EXPIRY_FIELDS,
		);
		const boot = Date.now();
		await main.start(mainLog);
		await Promise.all(
			workers.map(async (worker, index) => await worker.startWorker(workerLogs[index])),
		);
		out(`  main and 2 workers ready in ${Math.round((Date.now() - boot) / 1000)} s`);

		const newest = (workflowId: string) => main.executions(workflowId).at(-1);
		const pidOf = (n8n: N8n) => n8n.pid;
		const refresherOf = (before: number) => {
			const lines = existsSync(routedLog)
				? readFileSync(routedLog, 'utf8').split('\n').filter(Boolean).slice(before)
				: [];
			return lines.map((line) => Number(line.split(' ')[0]));
		};
		const routedCount = () => refresherOf(0).length;

		// 1 + 2: the webhook Get on a worker; its expired token refreshed there, and saved
		const routedBefore = routedCount();
		const refreshesBefore = counts.refreshes;
		const first = await getViaWebhook(main);
		const firstExecution = newest(WEBHOOK_WORKFLOW);
		const firstWorker = firstExecution ? workerOf(firstExecution.id, workerLogs) : undefined;
		const refreshesFirst = counts.refreshes - refreshesBefore;
		const refresherPids = refresherOf(routedBefore);
		const refresherRole = refresherPids.map(
			(pid) => roles[processes.findIndex((n8n) => pidOf(n8n) === pid)] ?? `pid ${pid}`,
		);
		report(
			first.status !== 200 ||
				!first.body ||
				!('status' in first.body) ||
				!('dealValue' in first.body)
				? {
						ok: false,
						line: `webhook Get: FAILED: HTTP ${first.status}: ${first.text.slice(0, 400)}`,
					}
				: firstWorker === undefined
					? {
							ok: false,
							line: `webhook Get: FAILED: no worker log names execution ${firstExecution?.id ?? '(none stored)'}`,
						}
					: {
							ok: true,
							line: `webhook Get ran on worker ${firstWorker} (execution ${firstExecution?.id}): status=${JSON.stringify(first.body.status)}, dealValue=${JSON.stringify(first.body.dealValue)}`,
						},
			'webhook → Get',
		);

		const refreshesMid = counts.refreshes;
		const second = await getViaWebhook(main);
		const secondExecution = newest(WEBHOOK_WORKFLOW);
		const secondWorker = secondExecution ? workerOf(secondExecution.id, workerLogs) : undefined;
		const refreshesSecond = counts.refreshes - refreshesMid;
		const refreshedOnWorker =
			refresherRole.length > 0 && refresherRole.every((role) => role.startsWith('worker'));
		report(
			refreshesFirst !== 1 || !refreshedOnWorker
				? {
						ok: false,
						line: `token refresh: FAILED: the expired token was refreshed ${refreshesFirst} time(s) (expected 1) by ${refresherRole.join(', ') || 'nobody'} (expected a worker); first run: ${firstExecution ? (failure(firstExecution) ?? 'success') : 'not stored'}`,
					}
				: second.status !== 200 || refreshesSecond !== 0
					? {
							ok: false,
							line: `token refresh: FAILED: the refreshed token was not saved: the next execution (worker ${secondWorker ?? '?'}) refreshed ${refreshesSecond} more time(s), HTTP ${second.status}`,
						}
					: {
							ok: true,
							line: `expired token refreshed once, on ${refresherRole.join(', ')} (at ${TOKEN_HOST}, routed to the sandbox), and saved: the next execution (worker ${secondWorker ?? '?'}) refreshed 0 times`,
						},
			'token refresh',
		);

		// 3: a burst over both workers with the sandbox's concurrency limit on
		const executionsBefore = main.executions(WEBHOOK_WORKFLOW).length;
		const startedBefore = workerLogs.map(startedOn);
		sandbox.faults.maxConcurrent = options.maxConcurrent;
		sandbox.faults.retryAfterSeconds = 1;
		sandbox.faults.latencyMs = options.latencyMs;
		const throttledBefore = counts.throttled;
		const burstStart = Date.now();
		const answers = await Promise.all(
			Array.from(
				{ length: options.burst },
				async () =>
					await getViaWebhook(main).catch((error: unknown) => ({
						status: 0,
						body: undefined,
						text: String(error),
					})),
			),
		);
		const wall = (Date.now() - burstStart) / 1000;
		sandbox.faults.maxConcurrent = 0;
		sandbox.faults.latencyMs = 0;
		const throttled = counts.throttled - throttledBefore;
		await sleep(2000);
		const burstExecutions = main.executions(WEBHOOK_WORKFLOW).slice(executionsBefore);
		const failedAnswers = answers.filter(
			(answer) => answer.status !== 200 || !answer.body || !('status' in answer.body),
		);
		const failedExecutions = burstExecutions.filter(
			(execution) => failure(execution) !== undefined,
		);
		const perWorker = workerLogs.map((file, index) => startedOn(file) - startedBefore[index]);
		const reasons = [
			...new Set([
				...failedExecutions.map((execution) => failure(execution) ?? ''),
				...failedAnswers.map((answer) => `HTTP ${answer.status}: ${answer.text.slice(0, 160)}`),
			]),
		].slice(0, 3);
		report(
			{
				ok:
					failedAnswers.length === 0 &&
					failedExecutions.length === 0 &&
					perWorker.every((count) => count > 0),
				line: `${options.burst} concurrent webhook executions, sandbox limit ${options.maxConcurrent || 'off'} in flight, ${options.latencyMs} ms latency: ${failedAnswers.length} failed answers, ${failedExecutions.length} failed executions of ${burstExecutions.length} stored, ${wall.toFixed(1)} s wall, ${throttled} × 429 from the sandbox, workers ran ${perWorker.join(' + ')}${reasons.length ? `; first failures: ${reasons.join(' | ')}` : ''}`,
			},
			'burst',
		);

		// 4: the triggers on main, their executions on workers, across a restart of main; About to
		// Expire's check (a referral entering Notify Before) runs alongside New Referral's
		await waitFor('the activation poll to store the About to Expire state', () =>
			main.staticData(EXPIRY_WORKFLOW) !== undefined ? true : undefined,
		);
		const onWorker = (execution: StoredExecution) => {
			const worker = workerOf(execution.id, workerLogs);
			return {
				line: `mode ${execution.mode}, on worker ${worker ?? 'none'}`,
				problem: worker === undefined ? `execution ${execution.id} is in no worker log` : undefined,
			};
		};
		const expiryActivated = expiry.activated((execution) => {
			const { line, problem } = onWorker(execution);
			return { line: `execution ${execution.id}, ${line}`, problem };
		});
		await waitFor('the activation poll to store the trigger state', () =>
			main.staticData(TRIGGER_WORKFLOW) !== undefined ? true : undefined,
		);
		const firing = (referralId: string) =>
			main.executions(TRIGGER_WORKFLOW).filter((execution) => carries(execution, referralId));
		const settled = (execution: StoredExecution) =>
			execution.status !== 'running' && execution.status !== 'new';
		const nextPoll = async () => {
			const seen = counts.listings;
			await waitFor('the next poll', () => (counts.listings > seen ? true : undefined));
			await sleep(5000); // let an execution that poll might have started be stored
		};
		const before = sandbox.referrals.create(
			incomingReferral({ name: 'E2E queue: before the restart' }),
		);
		const fired = await waitFor('the trigger to fire on the new referral', () => {
			const found = firing(before.id).filter(settled);
			return found.length > 0 ? found : undefined;
		});
		await nextPoll();
		const beforeWorker = workerOf(fired[0].id, workerLogs);
		const beforeProblem = failure(fired[0]);
		report(
			firing(before.id).length !== 1 || beforeWorker === undefined || beforeProblem
				? {
						ok: false,
						line: `trigger: FAILED: referral ${before.id} fired ${firing(before.id).length} time(s) (expected once), worker ${beforeWorker ?? 'none'}${beforeProblem ? `, ${beforeProblem}` : ''}`,
					}
				: {
						ok: true,
						line: `trigger on main fired a new referral once (execution ${fired[0].id}, mode ${fired[0].mode}) on worker ${beforeWorker}; the next poll fired nothing`,
					},
			'trigger',
		);
		report(await expiryActivated, 'expiry');

		const stateBeforeStop = JSON.stringify(main.staticData(TRIGGER_WORKFLOW));
		await main.stop();
		const during = sandbox.referrals.create(
			incomingReferral({ name: 'E2E queue: while main was down' }),
		);
		expiry.down();
		await sleep(2000);
		const restart = Date.now();
		await main.start(mainLog);
		const back = Math.round((Date.now() - restart) / 1000);
		const duringFired = await waitFor(
			'the referral created while main was down to fire',
			() => {
				const found = firing(during.id).filter(settled);
				return found.length > 0 ? found : undefined;
			},
			180_000,
		).catch(() => [] as StoredExecution[]);
		await nextPoll();
		await nextPoll();
		const refired = firing(before.id).length - 1;
		const duringCount = firing(during.id).length;
		const total = main.executions(TRIGGER_WORKFLOW).length;
		const duringWorker = duringFired[0] ? workerOf(duringFired[0].id, workerLogs) : undefined;
		const problems = [
			refired > 0
				? `referral ${before.id} (fired before the restart) fired ${refired} more time(s) after it`
				: '',
			duringCount !== 1
				? `referral ${during.id} (created while main was down) fired ${duringCount} time(s), expected once`
				: '',
			duringCount > 0 && duringWorker === undefined ? 'its execution is in no worker log' : '',
			total !== 2 ? `${total} trigger executions in all, expected 2` : '',
		].filter(Boolean);
		report(
			problems.length
				? {
						ok: false,
						line: `main restart: FAILED: ${problems.join('; ')} (trigger state saved before the stop: ${stateBeforeStop.slice(0, 300)}; now: ${JSON.stringify(main.staticData(TRIGGER_WORKFLOW)).slice(0, 300)})`,
					}
				: {
						ok: true,
						line: `main stopped and started again (back in ${back} s): nothing refired; the referral created while main was down fired once (execution ${duringFired[0].id}) on worker ${duringWorker}; two more polls fired nothing`,
					},
			'main restart',
		);
		report(await expiry.restarted(back, 'main', onWorker), 'expiry restart');
	} catch (error) {
		report({ ok: false, line: `FAILED: ${(error as Error).message}` }, 'setup');
	} finally {
		await Promise.all(processes.map(async (n8n) => await n8n.stop()));
		for (const service of services.reverse()) await service.stop();
		await new Promise<void>((resolve) => (front ? front.close(() => resolve()) : resolve()));
		await sandbox.close();
	}
	const blocked = existsSync(blockedLog)
		? [...new Set(readFileSync(blockedLog, 'utf8').split('\n').filter(Boolean))]
		: [];
	out(
		`  connections outside 127.0.0.1: ${blocked.length ? `${blocked.join(', ')} (refused)` : 'none attempted'}`,
	);
	return ok;
}
