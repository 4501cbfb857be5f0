/**
 * `npm run e2e:n8n`: the packed package in real n8n 1.x and 2.x (not part of `npm test`).
 *
 * For each n8n version (installed once into the cache, see install.ts): a fresh user folder, the
 * package installed where n8n installs community packages (without dev and peer dependencies),
 * the sandbox started in this process, a credential pointed at it imported, then
 *   - every manually started examples/*.json run with `n8n execute`;
 *   - every trigger example activated, `n8n start`ed, and seen to fire once on a new referral;
 *   - the items this package's nodes output there validated against the shipped output schemas;
 *   - while n8n runs: every output schema served at /schemas/... with 200 and the shipped content;
 *   - the MCP example published and its tools called with the MCP client (mcp.ts); the AI Agent
 *     example executed with a stand-in chat model on 127.0.0.1 (agent.ts).
 * One line per example per version; exits 1 on any error. n8n may connect to 127.0.0.1 only
 * (loopback-only.cjs); whatever else it tried is reported.
 *
 * Options (--help lists them): --versions=1.123.81,latest,2 picks the n8n versions (resolved
 * against the registry, versions.ts); --queue runs queue mode instead (queue.ts); --only=<major>
 * runs one of the default versions; --keep keeps the work folder.
 */
import { execFileSync } from 'node:child_process';
import {
	existsSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	rmSync,
	writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';

import Ajv from 'ajv';

import type { Sandbox } from '../sandbox';
import { incomingReferral, startSandbox } from '../sandbox';
import type { Outcome } from './common';
import {
	ACTION_TYPE,
	failure,
	installPackage,
	out,
	PACKAGE,
	ROOT,
	TRIGGER_TYPE,
	waitFor,
} from './common';
import type { N8nInstall, N8nRelease } from './install';
import { CACHE_DIR, ensureN8n, installedEngines } from './install';
import type { RunResult } from './n8n';
import { freePort, leftovers, N8n, sleep, stopAll } from './n8n';
import type { StandInModel } from './agent';
import {
	checkAgentRun,
	executableAgentWorkflow,
	OPENAI_CREDENTIAL,
	startStandInModel,
} from './agent';
import { checkMcp, MCP_TRIGGER_TYPE } from './mcp';
import { ExpiryCheck, isExpiryListing } from './expiry';
import { runQueueVersion } from './queue';
import type { E2eArgs } from './versions';
import {
	enginesOf,
	nodeMajorFor,
	parseE2eArgs,
	registryInfo,
	resolveVersions,
	USAGE,
} from './versions';

const EXAMPLES_DIR = join(ROOT, 'examples');
const CREDENTIAL = {
	id: 'pcReferralsCred1',
	name: 'Partner Center account',
	type: 'partnerCenterOAuth2Api',
};

interface Example {
	file: string;
	id: string;
	workflow: {
		name: string;
		nodes: Array<{ name: string; type: string; parameters: Record<string, unknown> }>;
		connections: Record<string, Record<string, unknown>>;
	};
	isTrigger: boolean;
	/** An AI example: an MCP Server Trigger's tools, or an AI Agent's (which needs a model). */
	ai?: 'mcp' | 'agent';
	/** the trigger's Trigger On (event parameter), when it has a trigger */
	event?: string;
}

const aiKind = (workflow: Example['workflow']): Example['ai'] =>
	workflow.nodes.some((node) => node.type === MCP_TRIGGER_TYPE)
		? 'mcp'
		: workflow.nodes.some((node) => node.type.startsWith('@n8n/n8n-nodes-langchain.'))
			? 'agent'
			: undefined;

/** The examples with an id each (n8n keeps imported ids), trigger polls every minute here. */
function loadExamples(): Example[] {
	return readdirSync(EXAMPLES_DIR)
		.filter((file) => file.endsWith('.json'))
		.sort()
		.map((file, index) => {
			const workflow = JSON.parse(
				readFileSync(join(EXAMPLES_DIR, file), 'utf8'),
			) as Example['workflow'];
			const trigger = workflow.nodes.find((node) => node.type === TRIGGER_TYPE);
			if (trigger) trigger.parameters.pollTimes = { item: [{ mode: 'everyMinute' }] };
			return {
				file,
				id: `pcE2eExample${String(index + 1).padStart(4, '0')}`,
				workflow,
				isTrigger: trigger !== undefined,
				ai: aiKind(workflow),
				event: typeof trigger?.parameters.event === 'string' ? trigger.parameters.event : undefined,
			};
		});
}

function packPackage(work: string): string {
	out(`Building and packing ${PACKAGE.name} ...`);
	execFileSync('npm', ['run', 'build', '--silent'], {
		cwd: ROOT,
		stdio: ['ignore', 'ignore', 'inherit'],
	});
	execFileSync('npm', ['pack', '--silent', '--pack-destination', work], {
		cwd: ROOT,
		stdio: ['ignore', 'ignore', 'inherit'],
	});
	return join(work, `${PACKAGE.name}-${PACKAGE.version}.tgz`);
}

/** The credential's secrets the run imported, which must reach no MCP client. */
const importedSecrets: string[] = [];

function credentialFile(work: string, sandbox: Sandbox, model: StandInModel): string {
	// a day-long token: on n8n 2.x hidden credential fields keep their defaults, so a refresh
	// would go to the tenant's Microsoft token URL, not to the sandbox
	const token = sandbox.issueToken(86_400);
	importedSecrets.push(sandbox.clientSecret, token.accessToken, token.refreshToken);
	const file = join(work, 'credential.json');
	const data = {
		baseUrl: sandbox.url,
		clientId: sandbox.clientId,
		clientSecret: sandbox.clientSecret,
		oauthTokenData: {
			access_token: token.accessToken,
			refresh_token: token.refreshToken,
			token_type: 'Bearer',
		},
	};
	// the AI Agent example's chat model: the stand-in on 127.0.0.1 (agent.ts)
	const openAi = { ...OPENAI_CREDENTIAL, data: { apiKey: 'sk-e2e-stand-in', url: model.url } };
	writeFileSync(file, JSON.stringify([{ ...CREDENTIAL, data }, openAi]));
	return file;
}

function workflowsDir(work: string, examples: Example[]): string {
	const dir = join(work, 'workflows');
	mkdirSync(dir, { recursive: true });
	for (const example of examples) {
		writeFileSync(
			join(dir, example.file),
			JSON.stringify({
				...(example.ai === 'agent' ? executableAgentWorkflow(example.workflow) : example.workflow),
				id: example.id,
				active: false,
			}),
		);
	}
	return dir;
}

/** "3 item(s) from "Log new status": status=Active, dealValue=48000" for a successful run. */
function summary(run: RunResult): string {
	const { runData, lastNodeExecuted } = run.data.resultData;
	const last = lastNodeExecuted ? runData[lastNodeExecuted]?.at(-1) : undefined;
	const items = (last?.data?.main ?? []).flatMap((output) => output ?? []);
	const fields = Object.entries(items[0]?.json ?? {});
	const known = fields.filter(([key]) =>
		['status', 'dealValue', 'newStatus', 'text', 'amount'].includes(key),
	);
	const sample = (known.length > 0 ? known : fields.slice(0, 2))
		.map(([key, value]) => {
			const text = `${key}=${JSON.stringify(value)}`;
			return text.length > 70 ? `${text.slice(0, 69)}…` : text;
		})
		.join(', ');
	return `${items.length} item(s) from "${lastNodeExecuted}"${sample ? `: ${sample}` : ''}`;
}

const ajv = new Ajv({ allErrors: true });

/**
 * Validates what this package's nodes output in a run (Simplify on) against the schema file n8n
 * would serve for them; returns how many items matched, or the first mismatch.
 */
function matchSchemas(
	example: Example,
	run: RunResult,
	schemaDir: string,
): { items: number; problem?: string } {
	let items = 0;
	for (const node of example.workflow.nodes) {
		if (
			(node.type !== ACTION_TYPE && node.type !== TRIGGER_TYPE) ||
			node.parameters.simplify === false
		)
			continue;
		const file =
			node.type === TRIGGER_TYPE
				? 'v1.0.0.json'
				: `v1.0.0/${String(node.parameters.resource ?? 'referral')}/${String(node.parameters.operation ?? 'get')}.json`;
		const validate = ajv.compile(JSON.parse(readFileSync(join(schemaDir, file), 'utf8')) as object);
		for (const nodeRun of run.data.resultData.runData[node.name] ?? []) {
			for (const item of (nodeRun.data?.main ?? []).flatMap((output) => output ?? [])) {
				if (!validate(item.json))
					return {
						items,
						problem: `"${node.name}" output does not match ${file}: ${ajv.errorsText(validate.errors)}`,
					};
				items++;
			}
		}
	}
	return { items };
}

async function executeExample(n8n: N8n, example: Example, schemaDir: string): Promise<Outcome> {
	const { code, run: printed, output } = await n8n.execute(example.id);
	if (!printed)
		return {
			ok: false,
			line: `execute: FAILED: no run printed (exit ${code}): ${output.slice(-600)}`,
		};
	// older n8n 1.x (1.85.3 does) prints the run before setting its final status: its exit code tells
	const run =
		code === 0 && printed.status === 'running' ? { ...printed, status: undefined } : printed;
	const matched = matchSchemas(example, run, schemaDir);
	const problem = failure(run) ?? (code === 0 ? undefined : `exit ${code}`) ?? matched.problem;
	return problem
		? { ok: false, line: `execute: FAILED: ${problem}` }
		: {
				ok: true,
				line: `execute: ${summary(run)}; ${matched.items} referral item(s) match the output schemas`,
			};
}

/**
 * With the trigger example activated and n8n running: once the activation poll stored the
 * trigger's state, a new incoming referral in the sandbox fires it exactly once (checked again
 * after the next poll). `listings()` counts the referral listings the sandbox answered.
 */
async function fireTrigger(
	n8n: N8n,
	sandbox: Sandbox,
	example: Example,
	listings: () => number,
	schemaDir: string,
): Promise<Outcome> {
	await waitFor('the activation poll', () =>
		n8n.staticData(example.id) !== undefined ? true : undefined,
	);
	const referral = sandbox.referrals.create(incomingReferral({ name: 'E2E rollout' }));
	const fired = await waitFor('the trigger to fire', () => {
		const executions = n8n
			.executions(example.id)
			.filter((execution) => execution.status !== 'running' && execution.status !== 'new');
		return executions.length > 0 ? executions : undefined;
	});
	const afterFire = listings();
	await waitFor('the next poll', () => (listings() > afterFire ? true : undefined));
	await sleep(3000); // let an execution that poll might have started be stored
	const all = n8n.executions(example.id);
	const run = { status: fired[0].status, data: fired[0].data };
	const matched = matchSchemas(example, run, schemaDir);
	const problem =
		failure(run) ??
		(all.length !== 1 ? `fired ${all.length} times, expected once` : undefined) ??
		(JSON.stringify(run.data.resultData.runData).includes(referral.id)
			? undefined
			: `the execution does not carry referral ${referral.id}`) ??
		matched.problem;
	return problem
		? { ok: false, line: `activated: FAILED: ${problem}` }
		: {
				ok: true,
				line: `activated: fired once on a new referral (mode ${fired[0].mode}), ${summary(run)}; ${matched.items} item(s) match the trigger's schema`,
			};
}

function triggerName(example: Example): string {
	const trigger = example.workflow.nodes.find((node) => node.type === TRIGGER_TYPE);
	if (!trigger) throw new Error(`${example.file} has no trigger`);
	return trigger.name;
}

/** Every shipped schema file, and the URL n8n serves it at (the trigger's has no resource/operation). */
function schemaUrls(schemaDir: string): Array<{ url: string; file: string }> {
	return readdirSync(schemaDir, { recursive: true, encoding: 'utf8' })
		.filter((file) => file.endsWith('.json'))
		.sort()
		.map((file) => {
			const [version, ...rest] = file.replace(/\.json$/, '').split('/');
			const node = rest.length > 0 ? ACTION_TYPE : TRIGGER_TYPE;
			return {
				url: `/schemas/${[node, version.slice(1), ...rest].join('/')}.json`,
				file: join(schemaDir, file),
			};
		});
}

/** The fields the editor lists for a schema (as n8n's getSchemaForJsonSchema reads it: first type). */
const editorFields = (schema: {
	properties: Record<string, { type: string | string[] }>;
}): string =>
	Object.entries(schema.properties)
		.map(
			([key, property]) =>
				`${key} (${Array.isArray(property.type) ? property.type[0] : property.type})`,
		)
		.join(', ');

async function checkSchemas(n8n: N8n, schemaDir: string): Promise<Outcome[]> {
	const outcomes: Outcome[] = [];
	for (const { url, file } of schemaUrls(schemaDir)) {
		const response = await fetch(`${n8n.baseUrl}${url}`);
		const body: unknown = response.ok ? await response.json() : undefined;
		const same = isDeepStrictEqual(body, JSON.parse(readFileSync(file, 'utf8')));
		outcomes.push({
			ok: response.status === 200 && same,
			line: `GET ${url} → ${response.status}${response.ok ? (same ? ', the shipped schema' : ', NOT the shipped schema') : ''}`,
		});
	}
	const get = schemaUrls(schemaDir).find(({ url }) => url.endsWith('/referral/get.json'));
	if (get) {
		const body = (await (await fetch(`${n8n.baseUrl}${get.url}`)).json()) as Parameters<
			typeof editorFields
		>[0];
		outcomes.push({
			ok: true,
			line: `Get, as the editor lists it before a run: ${editorFields(body)}`,
		});
	}
	return outcomes;
}

async function runVersion(
	install: N8nInstall,
	tarball: string,
	examples: Example[],
	work: string,
): Promise<boolean> {
	const dir = join(work, `n8n-${install.version}`);
	const userFolder = join(dir, 'user');
	const schemaDir = join(
		userFolder,
		'.n8n',
		'nodes',
		'node_modules',
		PACKAGE.name,
		'dist',
		'nodes',
		'PartnerCenterReferral',
		'__schema__',
	);
	mkdirSync(userFolder, { recursive: true });
	const nodeVersion = execFileSync(install.node, ['--version'], { encoding: 'utf8' }).trim();
	out(`\nn8n ${install.version} on Node ${nodeVersion} (user folder ${userFolder})`);

	let listings = 0;
	let expiryListings = 0;
	const sandbox = await startSandbox({
		port: 0,
		referralCount: 20,
		seed: 7,
		onRequest: (entry) => {
			// the New Referral trigger's polls and About to Expire's, counted apart
			if (isExpiryListing(entry.method, entry.url)) expiryListings++;
			else if (entry.method === 'GET' && /\/v1\.0\/engagements\/referrals\?/.test(entry.url))
				listings++;
		},
	});
	const model = await startStandInModel('List_referrals');
	const n8n = new N8n(
		install,
		userFolder,
		{ broker: await freePort(), http: await freePort() },
		join(dir, 'blocked-connections.log'),
	);
	const label = (text: string) =>
		text.padEnd(Math.max(...examples.map((example) => example.file.length)) + 2);
	let ok = true;
	const report = (outcome: Outcome, name: string) => {
		ok &&= outcome.ok;
		out(`  ${outcome.ok ? '✓' : '✗'} ${label(name)}${outcome.line}`);
	};
	try {
		installPackage(userFolder, tarball);
		await n8n.must(['import:credentials', `--input=${credentialFile(dir, sandbox, model)}`]);
		await n8n.must(['import:workflow', '--separate', `--input=${workflowsDir(dir, examples)}`]);

		for (const example of examples.filter((candidate) => !candidate.isTrigger && !candidate.ai)) {
			report(await executeExample(n8n, example, schemaDir), example.file);
		}
		// older n8n (1.85.3, the oldest supported) lacks the AI nodes' versions the AI examples use
		const missing = missingAiNodes(install);
		for (const example of examples.filter((candidate) => candidate.ai && missing[candidate.ai]))
			report({ ok: true, line: `not run: ${missing[example.ai ?? 'mcp']}` }, example.file);
		const runs = (kind: 'mcp' | 'agent') =>
			examples.filter((candidate) => candidate.ai === kind && !missing[kind]);
		for (const example of runs('agent')) {
			const { code, run } = await n8n.execute(example.id);
			report(checkAgentRun(run, code ?? -1, model, example.workflow), example.file);
		}

		const triggers = examples.filter((candidate) => candidate.isTrigger);
		const mcp = runs('mcp');
		for (const example of [...triggers, ...mcp]) {
			const major = Number(install.version.split('.')[0]);
			await n8n.must(
				major >= 2
					? ['publish:workflow', `--id=${example.id}`]
					: ['update:workflow', `--id=${example.id}`, '--active=true'],
			);
		}
		// About to Expire: a referral inside Notify Before before activation (expiry.ts)
		const expiryChecks = triggers
			.filter((example) => example.event === 'aboutToExpire')
			.map((example) => ({
				example,
				check: new ExpiryCheck(
					sandbox,
					() => n8n.executions(example.id),
					triggerName(example),
					() => expiryListings,
					() => n8n.staticData(example.id),
				),
			}));
		const startLog = join(dir, 'n8n-start.log');
		await n8n.start(startLog);
		for (const example of triggers.filter((candidate) => candidate.event !== 'aboutToExpire'))
			report(await fireTrigger(n8n, sandbox, example, () => listings, schemaDir), example.file);
		for (const { example, check } of expiryChecks) {
			await waitFor('the activation poll', () =>
				n8n.staticData(example.id) !== undefined ? true : undefined,
			);
			report(
				await check.activated((execution) => {
					const run = { status: execution.status, data: execution.data };
					const matched = matchSchemas(example, run, schemaDir);
					return {
						line: `mode ${execution.mode}, ${summary(run)}; ${matched.items} item(s) match the trigger's schema`,
						problem: matched.problem,
					};
				}),
				example.file,
			);
		}
		if (expiryChecks.length > 0) {
			// n8n saved the triggers' state only after the polls that fired
			await n8n.stop();
			for (const { check } of expiryChecks) check.down();
			await sleep(2000);
			const restart = Date.now();
			await n8n.start(startLog);
			const back = Math.round((Date.now() - restart) / 1000);
			for (const { example, check } of expiryChecks)
				report(await check.restarted(back, 'n8n'), example.file);
		}
		for (const outcome of await checkSchemas(n8n, schemaDir)) report(outcome, 'output schema');
		for (const example of mcp)
			for (const outcome of await checkMcp(
				n8n.baseUrl,
				example.workflow,
				sandbox,
				importedSecrets,
				dir,
			))
				report(outcome, example.file);
	} catch (error) {
		report({ ok: false, line: `FAILED: ${(error as Error).message}` }, 'setup');
	} finally {
		await n8n.stop();
		await sandbox.close();
		await model.close();
	}
	const blocked = existsSync(n8n.blockedLog)
		? [...new Set(readFileSync(n8n.blockedLog, 'utf8').split('\n').filter(Boolean))]
		: [];
	out(
		`  connections outside 127.0.0.1: ${blocked.length ? `${blocked.join(', ')} (refused)` : 'none attempted'}`,
	);
	return ok;
}

/**
 * Why an AI example cannot run on this n8n: it has not the AI node versions the example uses
 * (MCP Server Trigger 2; AI Agent 3, Chat Trigger 1.4, OpenAI Chat Model 1.2), read from the
 * install's node files.
 */
function missingAiNodes(install: N8nInstall): Partial<Record<'mcp' | 'agent', string>> {
	const nodes = join(install.modules, '@n8n', 'n8n-nodes-langchain', 'dist', 'nodes');
	const has = (file: string, version: string) => {
		const path = join(nodes, file);
		if (!existsSync(path)) return false;
		const versions = /version: \[([^\]]*)\]/.exec(readFileSync(path, 'utf8'))?.[1] ?? '';
		return versions.split(',').some((entry) => entry.trim() === version);
	};
	const missing: Partial<Record<'mcp' | 'agent', string>> = {};
	if (!has('mcp/McpTrigger/McpTrigger.node.js', '2'))
		missing.mcp = `n8n ${install.version} has no MCP Server Trigger version 2`;
	if (
		!has('agents/Agent/V3/AgentV3.node.js', '3') ||
		!has('trigger/ChatTrigger/ChatTrigger.node.js', '1.4') ||
		!has('llms/LMChatOpenAi/LmChatOpenAi.node.js', '1.2')
	)
		missing.agent = `n8n ${install.version} has not the AI Agent 3, Chat Trigger 1.4 and OpenAI Chat Model 1.2 the example uses`;
	return missing;
}

/**
 * The n8n releases to check: the specs resolved against the registry (skipped when all are exact
 * versions), each with the Node major its engines field allows (read from the cached install,
 * else the registry).
 */
function releasesOf(args: E2eArgs): N8nRelease[] {
	const exact = args.versions.every((spec) => /^\d+\.\d+\.\d+/.test(spec));
	const versions = exact ? args.versions : resolveVersions(args.versions, registryInfo());
	return versions.map((version) => {
		const engines = installedEngines(version) ?? enginesOf(version);
		return { version, nodeMajor: nodeMajorFor(engines, process.versions.node) };
	});
}

async function main(): Promise<void> {
	let args: E2eArgs;
	try {
		args = parseE2eArgs(process.argv.slice(2));
	} catch (error) {
		process.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
		process.exitCode = 2;
		return;
	}
	if (args.help) {
		out(USAGE);
		return;
	}
	const releases = releasesOf(args);
	const mode = args.queue ? 'queue mode (Postgres, Redis, main + 2 workers)' : 'one process';
	out(
		`n8n ${releases.map((release) => `${release.version} (Node ${release.nodeMajor})`).join(', ')}, ${mode}`,
	);
	const work = mkdtempSync(join(tmpdir(), 'n8n-e2e-'));
	const started = Date.now();
	let ok = false;
	try {
		out(`n8n installs are cached in ${CACHE_DIR}`);
		const installs = releases.map((release) => ensureN8n(release));
		const tarball = packPackage(work);
		const examples = loadExamples();
		ok = true;
		for (const install of installs) {
			ok =
				(args.queue
					? await runQueueVersion(install, tarball, work, args)
					: await runVersion(install, tarball, examples, work)) && ok;
		}
	} finally {
		await stopAll();
		const left = leftovers();
		if (left.length > 0) {
			ok = false;
			out(`✗ still running after the stop: ${left.join(', ')}`);
		} else out('\nevery process the run started has ended');
		const keep = !ok || args.keep;
		if (!keep) rmSync(work, { recursive: true, force: true });
		out(
			`\n${ok ? '✓ passed' : '✗ FAILED'} on n8n ${releases.map((release) => release.version).join(' and ')}${args.queue ? ' in queue mode' : ''} in ${Math.round((Date.now() - started) / 1000)} s${keep ? `; logs in ${work}` : ''}`,
		);
	}
	process.exitCode = ok ? 0 : 1;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
	process.once(signal, () => {
		out(`\n${signal}: stopping every process the run started ...`);
		void stopAll().finally(() => {
			const left = leftovers();
			out(
				left.length > 0
					? `✗ still running: ${left.join(', ')}`
					: 'every process the run started has ended (the work folder is kept)',
			);
			process.exit(130);
		});
	});
}

main().catch(async (error: unknown) => {
	process.stderr.write(
		`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
	);
	await stopAll();
	process.exit(1);
});
