/**
 * Newcomer demo: runs every example workflow in examples/ through n8n's real execution
 * engine (dev/harness) against the local Partner Center sandbox (dev/sandbox), and prints
 * what each node produced.
 *
 *   npm run demo             offline, against a sandbox started on a free port
 *   npm run demo -- --live   the read-only examples against https://api.partner.microsoft.com,
 *                            with a bearer token from PARTNER_CENTER_TOKEN
 *
 * The workflows are read from the same JSON files users import into n8n, so the demo fails
 * as soon as an example stops working.
 */
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	INode,
	INodeExecutionData,
} from 'n8n-workflow';

// `.js` on purpose: without an extension, Node's resolver (under tsx) finds the codex file
// PartnerCenterReferral.node.json before the .ts source; tsx maps `.js` to the `.ts` file.
import { PartnerCenterReferral } from '../nodes/PartnerCenterReferral/PartnerCenterReferral.node.js';
import { PartnerCenterReferralTrigger } from '../nodes/PartnerCenterReferral/PartnerCenterReferralTrigger.node.js';
import type { RunOptions, WorkflowRun } from './harness';
import { runPoll, runTool, runWorkflow } from './harness';
import type { ExampleWorkflow } from './workflows';
import {
	EXAMPLE_FILES,
	findTrigger,
	FiredItems,
	isAiExample,
	listExampleFiles,
	loadExample,
	TRIGGER_TYPE_SUFFIX,
	withFiredItems,
} from './workflows';
import type { Sandbox } from './sandbox';
import { startSandbox } from './sandbox';
import { EXAMPLE_REFERRAL_ID } from './sandbox/data';

const LIVE_BASE_URL = 'https://api.partner.microsoft.com';
const CREDENTIAL_TYPE = 'partnerCenterOAuth2Api';
const SEEDED_REFERRALS = 200;
/** New incoming referrals of the sandbox that expire within 40 hours, for About to Expire */
const EXPIRING_SOON = 3;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

class DemoError extends Error {}

/* ------------------------------------------------------------------------------------ */
/* Printing                                                                               */

const out = (line = '') => console.log(line);
const isTty = process.stdout.isTTY === true;
const bold = (text: string) => (isTty ? `\x1b[1m${text}\x1b[22m` : text);
const dim = (text: string) => (isTty ? `\x1b[2m${text}\x1b[22m` : text);

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A table cell: GUIDs shortened to their first block, long text cut, null shown as '-'. */
function cell(value: unknown, max = 34): string {
	if (value === null || value === undefined || value === '') return '-';
	const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
	if (GUID.test(text)) return text.slice(0, 8);
	if (/^"[0-9a-f]{8}-[0-9a-f-]+"$/i.test(text)) return `${text.slice(0, 9)}…"`;
	return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function table(
	headers: string[],
	rows: string[][],
	rightAligned: number[] = [],
	indent = '    ',
): void {
	const widths = headers.map((header, column) =>
		Math.max(header.length, ...rows.map((row) => row[column].length)),
	);
	const line = (values: string[]) =>
		indent +
		values
			.map((value, column) =>
				rightAligned.includes(column)
					? value.padStart(widths[column])
					: value.padEnd(widths[column]),
			)
			.join('  ')
			.trimEnd();
	out(bold(line(headers)));
	for (const row of rows) out(line(row));
}

function wrap(text: string, width = 96, indent = '    '): string {
	const lines: string[] = [];
	let current = '';
	for (const word of text.split(/\s+/)) {
		if (current !== '' && current.length + 1 + word.length > width) {
			lines.push(current);
			current = word;
		} else {
			current = current === '' ? word : `${current} ${word}`;
		}
	}
	if (current !== '') lines.push(current);
	return lines.map((line) => indent + line).join('\n');
}

function printReferrals(items: INodeExecutionData[]): void {
	if (items.length === 0) {
		out(dim('    (no referrals)'));
		return;
	}
	const rows = items.map(({ json }) => {
		const customer = json.customerName ?? (json.customerProfile as IDataObject | undefined)?.name;
		const status = [json.status, json.substatus]
			.filter((part) => typeof part === 'string')
			.join('/');
		const closing =
			typeof json.closingDateTime === 'string' ? json.closingDateTime.slice(0, 10) : null;
		return [
			cell(json.id),
			cell(customer),
			cell(status),
			cell(json.dealValue),
			cell(json.currency),
			cell(closing),
		];
	});
	table(['ID', 'Customer', 'Status', 'Deal value', 'Currency', 'Closing'], rows, [3]);
}

/** Set output: the `text` of each item when it builds a message, else a table of its fields. */
function printFields(items: INodeExecutionData[]): void {
	if (items.length === 0) {
		out(dim('    (no items)'));
		return;
	}
	if (items.every(({ json }) => typeof json.text === 'string')) {
		for (const { json } of items) out(wrap(`“${String(json.text)}”`));
		return;
	}
	const headers = [...new Set(items.flatMap(({ json }) => Object.keys(json)))];
	const rows = items.map(({ json }) => headers.map((header) => cell(json[header], 24)));
	const numeric = headers.flatMap((header, column) =>
		items.every(({ json }) => typeof json[header] === 'number' || json[header] === null)
			? [column]
			: [],
	);
	table(headers, rows, numeric);
}

/** Prints what every node of a finished run produced, in the order the nodes ran. */
function printRun(workflow: ExampleWorkflow, run: WorkflowRun, skip: string[] = []): void {
	const runData = run.run.data.resultData.runData;
	for (const nodeName of Object.keys(runData)) {
		if (skip.includes(nodeName)) continue;
		const node = workflow.nodes.find((candidate) => candidate.name === nodeName);
		const outputs = runData[nodeName].at(-1)?.data?.main ?? [];
		const items = outputs[0] ?? [];
		const type = node?.type ?? '';
		if (type === 'n8n-nodes-base.manualTrigger') continue;
		if (type === 'n8n-nodes-base.if') {
			const passed = outputs[0]?.length ?? 0;
			const failed = outputs[1]?.length ?? 0;
			out(`  ${bold(nodeName)} ${dim(`→ ${passed} item(s) on "true", ${failed} on "false"`)}`);
			continue;
		}
		out(`  ${bold(nodeName)} ${dim(`→ ${items.length} item(s)`)}`);
		if (/\.partnerCenterReferral(Trigger)?$/.test(type)) printReferrals(items);
		else printFields(items);
	}
}

function flow(workflow: ExampleWorkflow): string {
	const names: string[] = [];
	const starts = workflow.nodes.filter(
		(node) =>
			!Object.values(workflow.connections).some((connection) =>
				connection.main?.some((targets) => targets?.some((target) => target.node === node.name)),
			),
	);
	const visit = (name: string) => {
		if (names.includes(name)) return;
		names.push(name);
		for (const targets of workflow.connections[name]?.main ?? [])
			for (const target of targets ?? []) visit(target.node);
	};
	for (const start of starts) visit(start.name);
	return names.join(' → ');
}

/* ------------------------------------------------------------------------------------ */
/* Running the examples                                                                   */

function load(file: string): ExampleWorkflow {
	try {
		return loadExample(file);
	} catch (error) {
		throw new DemoError(`Could not read the example examples/${file}: ${(error as Error).message}`);
	}
}

/** Every examples/*.json file: the newcomer-friendly order first, then any others. */
function exampleFiles(): string[] {
	const all = listExampleFiles();
	const preferred: string[] = [
		EXAMPLE_FILES.alert,
		EXAMPLE_FILES.crm,
		EXAMPLE_FILES.slack,
		EXAMPLE_FILES.expiry,
		EXAMPLE_FILES.accept,
	];
	return [
		...preferred.filter((file) => all.includes(file)),
		...all.filter((file) => !preferred.includes(file)),
	];
}

const hasTrigger = (workflow: ExampleWorkflow) =>
	workflow.nodes.some((node) => node.type.endsWith(TRIGGER_TYPE_SUFFIX));

/** Only reads from Partner Center: no trigger, and every Partner Center node gets or lists. */
function isReadOnly(workflow: ExampleWorkflow): boolean {
	return (
		!hasTrigger(workflow) &&
		!isAiExample(workflow) &&
		workflow.nodes
			.filter((node) => node.type.endsWith('.partnerCenterReferral'))
			.every((node) => ['get', 'getMany', 'getRelated'].includes(String(node.parameters.operation)))
	);
}

function runOptions(credentials: ICredentialDataDecryptedObject): RunOptions {
	return {
		nodeTypes: [new PartnerCenterReferral(), new PartnerCenterReferralTrigger(), new FiredItems()],
		credentials: { [CREDENTIAL_TYPE]: credentials },
	};
}

function describeFailure(workflow: ExampleWorkflow, run: WorkflowRun): string {
	const error = run.error;
	const node =
		(error as { node?: INode } | undefined)?.node?.name ?? run.run.data.resultData.lastNodeExecuted;
	const description = error?.description ? `\n  ${error.description}` : '';
	return `"${workflow.name}" failed${node ? ` in node "${node}"` : ''}: ${error?.message ?? 'unknown error'}${description}`;
}

function header(index: number, total: number, workflow: ExampleWorkflow, file: string): void {
	out();
	out(bold(`[${index}/${total}] ${workflow.name}`) + dim(`   examples/${file}`));
	out(dim(`  ${flow(workflow)}`));
}

async function runExample(
	workflow: ExampleWorkflow,
	credentials: ICredentialDataDecryptedObject,
): Promise<WorkflowRun> {
	const run = await runWorkflow(workflow, runOptions(credentials));
	if (run.error || run.run.status !== 'success')
		throw new DemoError(describeFailure(workflow, run));
	printRun(workflow, run);
	return run;
}

/** Keeps a token that n8n refreshed during a run, as n8n does in its credential store. */
function keepRefreshedToken(
	run: { credentialUpdates: WorkflowRun['credentialUpdates'] },
	credentials: ICredentialDataDecryptedObject,
) {
	const latest = run.credentialUpdates.filter((update) => update.type === CREDENTIAL_TYPE).at(-1);
	if (latest?.data.oauthTokenData) credentials.oauthTokenData = latest.data.oauthTokenData;
	return latest !== undefined;
}

function accessToken(credentials: ICredentialDataDecryptedObject): string {
	return String((credentials.oauthTokenData as IDataObject | undefined)?.access_token ?? '');
}

/** The demo's new incoming referral from Tailwind Traders, waiting for an answer (New / Pending). */
const TAILWIND_WAITING = {
	name: 'Azure landing zone for Tailwind Traders',
	type: 'Independent',
	qualification: 'MarketingQualified',
	direction: 'Incoming',
	status: 'New',
	substatus: 'Pending',
} as const;

/** Polls `trigger` as n8n would, keeping its static data between polls and any refreshed token. */
function poller(
	trigger: ReturnType<typeof findTrigger>,
	credentials: ICredentialDataDecryptedObject,
): () => Promise<INodeExecutionData[]> {
	const staticData: IDataObject = {};
	return async () => {
		const result = await runPoll(
			{
				type: trigger.type,
				typeVersion: trigger.typeVersion,
				parameters: trigger.parameters,
				mode: 'trigger',
				staticData,
			},
			runOptions(credentials),
		);
		keepRefreshedToken(result, credentials);
		return result.items ?? [];
	};
}

async function runTriggerExample(
	workflow: ExampleWorkflow,
	sandbox: Sandbox,
	credentials: ICredentialDataDecryptedObject,
): Promise<void> {
	const trigger = findTrigger(workflow);
	const poll = poller(trigger, credentials);

	const first = await poll();
	out(
		`  ${bold(trigger.name)} ${dim(`activated: the first poll starts from now → ${first.length} item(s)`)}`,
	);

	const now = Date.now();
	const created = sandbox.referrals.create({
		...TAILWIND_WAITING,
		expirationDateTime: new Date(now + 14 * DAY_MS).toISOString(),
		customerProfile: {
			name: 'Tailwind Traders',
			address: {
				addressLine1: 'Unter den Linden 1',
				city: 'Berlin',
				postalCode: '10117',
				country: 'DE',
			},
		},
		details: {
			notes: 'Wants a landing zone and a migration plan for 120 VMs.',
			dealValue: 48000,
			currency: 'EUR',
			closingDateTime: new Date(now + 90 * DAY_MS).toISOString().slice(0, 10) + 'T00:00:00Z',
		},
		inviteContext: { notes: 'Referred by Microsoft', invitedBy: { organizationName: 'Microsoft' } },
	});
	sandbox.referrals.create({
		name: 'Teams Phone for Wingtip Toys (sent by us)',
		type: 'Independent',
		direction: 'Outgoing',
		customerProfile: { name: 'Wingtip Toys', address: { country: 'US' } },
		details: { dealValue: 9000, currency: 'USD' },
	});
	out(
		dim(
			`  (in the sandbox: Microsoft sends an incoming referral ${created.id.slice(0, 8)}; we send an outgoing one)`,
		),
	);

	const fired = await poll();
	out(
		`  ${bold(trigger.name)} ${dim(`second poll → ${fired.length} item(s) fired (only the incoming one matches the filter)`)}`,
	);
	printReferrals(fired);
	if (fired.length !== 1 || fired[0].json.id !== created.id) {
		throw new DemoError(
			`"${workflow.name}": expected the trigger to fire once, for the new incoming referral ${created.id}`,
		);
	}

	// The rest of the workflow, fed with what fired: the trigger node is replaced by one that
	// emits those items under the same name, so the file's connections and expressions apply.
	const rest = withFiredItems(workflow, fired);
	const run = await runWorkflow(rest, runOptions(credentials));
	if (run.error || run.run.status !== 'success')
		throw new DemoError(describeFailure(workflow, run));
	printRun(rest, run, [trigger.name]);

	const again = await poll();
	out(
		`  ${bold(trigger.name)} ${dim(`third poll → ${again.length} item(s): nothing fires twice`)}`,
	);
	if (again.length !== 0)
		throw new DemoError(
			`"${workflow.name}": the trigger fired again for referrals it already delivered`,
		);
}

/**
 * An example with an AI Agent or an MCP Server Trigger needs a model or an MCP client, which the
 * demo has not: its Partner Center tools are called here as a model would call them (the list
 * first, then Get with the first id it returned), showing what the model is told and gets.
 */
async function runAiExample(
	workflow: ExampleWorkflow,
	credentials: ICredentialDataDecryptedObject,
): Promise<void> {
	out(
		dim(
			'  (needs an AI model or an MCP client: import it into n8n; here its tools are called as a model would)',
		),
	);
	let firstId: string | undefined;
	for (const node of workflow.nodes.filter((candidate) => candidate.type.endsWith('Tool'))) {
		const args =
			node.parameters.operation === 'get' ? { referralId: firstId } : { limit: 3, status: 'New' };
		const { tool } = await runTool(
			{
				type: 'partnerCenterReferral',
				name: node.name,
				parameters: node.parameters,
				calls: [args],
			},
			runOptions(credentials),
		);
		const [answer] = tool.answers;
		out(`  ${bold(tool.name)} ${dim(`(${JSON.stringify(args)})`)}`);
		out(dim(wrap(`told: ${tool.description}`)));
		if (answer.isError)
			throw new DemoError(`"${workflow.name}": ${tool.name} failed: ${answer.text}`);
		const items = (JSON.parse(answer.text) as IDataObject[]).map((json) => ({ json }));
		firstId ??= items[0]?.json.id as string | undefined;
		out(
			dim(
				`    → ${answer.text.length} characters of JSON for the model, ${items.length} referral(s)`,
			),
		);
		printReferrals(items);
	}
}

/** About to Expire's items: who, how much, and how long until the referral expires. */
function printExpiring(items: INodeExecutionData[]): void {
	const rows = items.map(({ json }) => [
		cell(json.id),
		cell(json.customerName),
		cell(json.customerCountry),
		cell(json.dealValue),
		cell(json.currency),
		cell(json.expiresInHours),
		cell(typeof json.expiresAt === 'string' ? json.expiresAt.slice(0, 16).replace('T', ' ') : null),
	]);
	table(
		['ID', 'Customer', 'Country', 'Deal value', 'Currency', 'Expires in (h)', 'Expires at (UTC)'],
		rows,
		[3, 5],
	);
}

/**
 * About to Expire: the first poll fires the referrals already within Notify Before (the sandbox
 * makes EXPIRING_SOON of them expire within 40 hours); a referral nobody answered for 13 days
 * fires at the next poll; nothing fires twice. Each time the rest of the workflow builds the
 * messages from what fired.
 */
async function runExpiryExample(
	workflow: ExampleWorkflow,
	sandbox: Sandbox,
	credentials: ICredentialDataDecryptedObject,
): Promise<void> {
	const trigger = findTrigger(workflow);
	const poll = poller(trigger, credentials);
	const messages = async (fired: INodeExecutionData[]) => {
		const rest = withFiredItems(workflow, fired);
		const run = await runWorkflow(rest, runOptions(credentials));
		if (run.error || run.run.status !== 'success')
			throw new DemoError(describeFailure(workflow, run));
		printRun(rest, run, [trigger.name]);
	};
	const before = `${String(trigger.parameters.notifyBefore)} ${String(trigger.parameters.notifyBeforeUnit)}`;

	const first = await poll();
	out(
		`  ${bold(trigger.name)} ${dim(`activated: the first poll → ${first.length} item(s), the referrals waiting for an answer that expire within ${before}`)}`,
	);
	printExpiring(first);
	if (first.length < EXPIRING_SOON)
		throw new DemoError(
			`"${workflow.name}": expected the first poll to fire the ${EXPIRING_SOON} referrals the sandbox makes expire soon, it fired ${first.length}`,
		);
	await messages(first);

	const now = Date.now();
	const created = sandbox.referrals.create({
		...TAILWIND_WAITING,
		createdDateTime: new Date(now - 13 * DAY_MS + 6 * HOUR_MS).toISOString(),
		// 30 hours and a few minutes: "expires in 30 hours"
		expirationDateTime: new Date(now + 30 * HOUR_MS + 5 * 60_000).toISOString(),
		customerProfile: { name: 'Tailwind Traders', address: { city: 'Berlin', country: 'DE' } },
		details: { dealValue: 48000, currency: 'EUR' },
	});
	out(
		dim(
			`  (in the sandbox: referral ${created.id.slice(0, 8)}, which arrived 13 days ago and nobody answered, expires in 30 hours)`,
		),
	);
	const fired = await poll();
	out(`  ${bold(trigger.name)} ${dim(`second poll → ${fired.length} item(s) fired`)}`);
	printExpiring(fired);
	if (fired.length !== 1 || fired[0].json.id !== created.id)
		throw new DemoError(
			`"${workflow.name}": expected the trigger to fire once, for referral ${created.id}, now 30 hours from its expiry`,
		);
	await messages(fired);

	const again = await poll();
	out(
		`  ${bold(trigger.name)} ${dim(`third poll → ${again.length} item(s): each referral is reminded once`)}`,
	);
	if (again.length !== 0)
		throw new DemoError(
			`"${workflow.name}": the trigger reminded again of referrals it already fired`,
		);
}

async function sandboxDemo(): Promise<void> {
	const started = Date.now();
	const sandbox = await startSandbox({
		referralCount: SEEDED_REFERRALS,
		seed: 1,
		expiringSoon: EXPIRING_SOON,
	});
	try {
		const credentials = sandbox.signedInCredential() as ICredentialDataDecryptedObject;
		out(bold('Partner Center Referral nodes: the example workflows against the local sandbox'));
		out(
			dim(
				`Sandbox ${sandbox.url}: ${sandbox.referrals.count()} referrals (the documented example + ${SEEDED_REFERRALS} generated; ${EXPIRING_SOON} New incoming ones expire within 40 hours)`,
			),
		);
		out(
			dim(
				`Credential "Partner Center account": API Base URL ${sandbox.url}, signed in (access + refresh token)`,
			),
		);

		const order = exampleFiles();
		for (const [index, file] of order.entries()) {
			const workflow = load(file);
			header(index + 1, order.length, workflow, file);

			if (file === EXAMPLE_FILES.crm) {
				// Token expiry: the access token dies; n8n refreshes it through the credential and retries.
				sandbox.expireAccessTokens();
				const before = sandbox.counters.tokenRequests;
				const oldToken = accessToken(credentials);
				out(
					dim(
						'  (the access token expires now: every issued access token is revoked in the sandbox)',
					),
				);
				const run = await runExample(workflow, credentials);
				const refreshed =
					keepRefreshedToken(run, credentials) && accessToken(credentials) !== oldToken;
				const after = sandbox.counters.tokenRequests;
				if (!refreshed || after <= before) {
					throw new DemoError(`"${workflow.name}": the expired access token was not refreshed`);
				}
				out(
					`  ↻ Token refreshed: Partner Center answered 401, n8n called the token endpoint with the refresh token`,
				);
				out(
					`    (sandbox token requests ${before} → ${after}), retried, and saved the new access token in the credential.`,
				);
				continue;
			}
			if (hasTrigger(workflow) && findTrigger(workflow).parameters.event === 'aboutToExpire') {
				await runExpiryExample(workflow, sandbox, credentials);
				continue;
			}
			if (hasTrigger(workflow)) {
				await runTriggerExample(workflow, sandbox, credentials);
				continue;
			}
			if (isAiExample(workflow)) {
				await runAiExample(workflow, credentials);
				continue;
			}
			keepRefreshedToken(await runExample(workflow, credentials), credentials);
		}

		const { requests, byMethod, tokenRequests } = sandbox.counters;
		const methods = Object.entries(byMethod)
			.map(([method, count]) => `${count} ${method}`)
			.join(', ');
		out();
		out(
			`✓ All ${order.length} example workflows ran in ${((Date.now() - started) / 1000).toFixed(1)} s: ${requests} API requests (${methods}), ${tokenRequests} token refresh(es).`,
		);
	} finally {
		await sandbox.close();
	}
}

/* ------------------------------------------------------------------------------------ */
/* --live                                                                                 */

function printHowToGetAToken(): void {
	out(
		'--live needs a delegated (App+User) access token for Partner Center in PARTNER_CENTER_TOKEN.',
	);
	out();
	out('  1. Sign in as a Partner Center user with the Referrals Admin or Referrals User role.');
	out(
		'  2. Get an access token for the resource https://api.partner.microsoft.com (it lasts about an hour), e.g.',
	);
	out(
		'       export PARTNER_CENTER_TOKEN=$(az account get-access-token --resource https://api.partner.microsoft.com --query accessToken -o tsv)',
	);
	out(
		'     or with your own Entra app registration (delegated Microsoft Partner Center permission, admin consent),',
	);
	out(
		'     as described in https://learn.microsoft.com/en-us/partner-center/developer/referral-api-authentication',
	);
	out(
		'  3. Optionally set PARTNER_CENTER_REFERRAL_ID to a referral of your organisation (the documented example id',
	);
	out(`     ${EXAMPLE_REFERRAL_ID} only exists in Microsoft's documentation and in the sandbox).`);
	out('  4. npm run demo -- --live');
	out();
	out('Only the read-only examples run (Get and Get Many); nothing is changed in Partner Center.');
}

async function liveDemo(): Promise<boolean> {
	const token = process.env.PARTNER_CENTER_TOKEN?.trim();
	if (!token) {
		printHowToGetAToken();
		process.exitCode = 2;
		return false;
	}
	const referralId = process.env.PARTNER_CENTER_REFERRAL_ID?.trim() || EXAMPLE_REFERRAL_ID;
	const credentials: ICredentialDataDecryptedObject = {
		baseUrl: LIVE_BASE_URL,
		oauthTokenData: { access_token: token, token_type: 'Bearer' },
	};
	out(
		bold(`Partner Center Referral nodes: the read-only example workflows against ${LIVE_BASE_URL}`),
	);
	if (referralId === EXAMPLE_REFERRAL_ID) {
		out(
			dim(
				`(PARTNER_CENTER_REFERRAL_ID is not set: "Get referral" asks for the documented example ${EXAMPLE_REFERRAL_ID}, which your organisation most likely does not have)`,
			),
		);
	}

	const workflows = exampleFiles()
		.map((file) => ({ file, workflow: load(file) }))
		.filter(({ workflow }) => isReadOnly(workflow));
	let failures = 0;
	for (const [index, { file, workflow }] of workflows.entries()) {
		for (const node of workflow.nodes) {
			const locator = node.parameters.referralId as IDataObject | undefined;
			if (node.parameters.operation === 'get' && locator?.value === EXAMPLE_REFERRAL_ID)
				locator.value = referralId;
		}
		header(index + 1, workflows.length, workflow, file);
		try {
			await runExample(workflow, credentials);
		} catch (error) {
			failures++;
			out(`  ✗ ${(error as Error).message}`);
		}
	}
	out();
	if (failures > 0) {
		out(
			`✗ ${failures} of ${workflows.length} workflows failed against the live service (is the token still valid? it lasts about an hour).`,
		);
		process.exitCode = 1;
		return false;
	}
	out(`✓ The ${workflows.length} read-only example workflows ran against ${LIVE_BASE_URL}.`);
	return true;
}

/* ------------------------------------------------------------------------------------ */

function printNextSteps(): void {
	out();
	out(bold('Next steps'));
	out('  npm test                           unit, engine and sandbox integration tests (jest)');
	out(
		'  npm run sandbox -- --port 8080     the sandbox by hand: prints its API Base URL, token URL, client id/secret and a token',
	);
	out(
		'  examples/*.json                    import them into n8n (Workflows → Import from File) and pick your credential',
	);
}

async function main(): Promise<void> {
	const args = process.argv.slice(2);
	const unknown = args.filter((arg) => arg !== '--live');
	if (unknown.length > 0) {
		console.error(`Unknown argument(s): ${unknown.join(' ')}. Usage: npm run demo [-- --live]`);
		process.exitCode = 2;
		return;
	}
	if (args.includes('--live')) {
		if (!(await liveDemo())) return;
	} else {
		await sandboxDemo();
	}
	printNextSteps();
}

main()
	.catch((error: unknown) => {
		const message =
			error instanceof DemoError ? error.message : ((error as Error)?.stack ?? String(error));
		console.error();
		console.error(`✗ Demo failed: ${message}`);
		process.exitCode = 1;
	})
	.finally(() => {
		// n8n-core keeps a few process-wide handles open; the demo is done, so leave now.
		process.exit(process.exitCode ?? 0);
	});
