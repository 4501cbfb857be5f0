/**
 * The MCP example (examples/mcp-server-referrals.json) in real n8n: with the workflow published
 * and n8n running, the official MCP TypeScript client connects to n8n's MCP Server Trigger at
 * /mcp/<path> over Streamable HTTP and over SSE (the trigger's version 2 serves both there) and
 * checks what an AI assistant gets: the tools' descriptions (the package's texts) and argument
 * schemas, a Get Many answer, a Get answer, and an error result for a malformed id with nothing
 * sent to Partner Center; no answer carries the credential's secrets.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';

import { operations } from '../../nodes/PartnerCenterReferral/actions/router';
import type { Sandbox } from '../sandbox';
import type { Outcome } from './common';

export const MCP_TRIGGER_TYPE = '@n8n/n8n-nodes-langchain.mcpTrigger';

interface ExampleNode {
	name: string;
	type: string;
	parameters: Record<string, unknown>;
}

interface ToolResult {
	isError?: boolean;
	content: Array<{ type: string; text?: string }>;
}

const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/** A node's name as n8n makes it a tool's name (nodeNameToToolName). */
const toolName = (nodeName: string) => nodeName.replace(/[^a-zA-Z0-9_-]+/g, '_');

const textOf = (result: ToolResult) =>
	result.content.map((part) => (part.type === 'text' ? (part.text ?? '') : '')).join('');

function check(condition: boolean, problem: string): void {
	if (!condition) throw new Error(problem);
}

/**
 * One session over `transport`: lists the tools and calls them. Returns the outcome lines, and
 * every text the client received (to look for secrets in).
 */
async function session(
	label: string,
	transport: Transport,
	tools: ExampleNode[],
	sandbox: Sandbox,
	received: string[],
): Promise<Outcome[]> {
	const client = new Client({ name: 'n8n-nodes-partner-center-e2e', version: '1.0.0' });
	const outcomes: Outcome[] = [];
	const run = async (what: string, step: () => Promise<string>) => {
		try {
			outcomes.push({ ok: true, line: `${label}: ${what}: ${await step()}` });
		} catch (error) {
			outcomes.push({ ok: false, line: `${label}: ${what}: FAILED: ${(error as Error).message}` });
		}
	};
	await client.connect(transport);
	try {
		const listNode = tools.find((node) => node.parameters.operation === 'getMany');
		const getNode = tools.find((node) => node.parameters.operation === 'get');
		if (!listNode || !getNode) throw new Error('the MCP example needs a Get Many and a Get tool');
		const listName = toolName(listNode.name);
		const getName = toolName(getNode.name);

		await run('tools', async () => {
			const { tools: listed } = await client.listTools();
			received.push(JSON.stringify(listed));
			const byName = new Map(listed.map((tool) => [tool.name, tool]));
			check(
				byName.size === 2 && byName.has(listName) && byName.has(getName),
				`listed ${[...byName.keys()].join(', ')}`,
			);
			for (const node of [listNode, getNode]) {
				const tool = byName.get(toolName(node.name));
				const expected = operations[String(node.parameters.operation)].toolDescription;
				check(
					tool?.description === expected,
					`${tool?.name} is described as "${tool?.description}"`,
				);
			}
			const listSchema = byName.get(listName)?.inputSchema;
			check(
				JSON.stringify(listSchema?.properties) ===
					JSON.stringify({
						limit: {
							type: 'number',
							description:
								'How many referrals to list, 1 to 25; the most recently updated come first',
						},
						status: {
							type: 'string',
							description:
								'Only referrals with these statuses, comma-separated, from: New, Active, Closed. An empty text for any status',
						},
					}) && JSON.stringify(listSchema?.required) === '["limit","status"]',
				`${listName}'s schema is ${JSON.stringify(listSchema)}`,
			);
			const getSchema = byName.get(getName)?.inputSchema;
			check(
				JSON.stringify(Object.keys(getSchema?.properties ?? {})) === '["referralId"]' &&
					JSON.stringify(getSchema?.required) === '["referralId"]',
				`${getName}'s schema is ${JSON.stringify(getSchema)}`,
			);
			return `${listName}, ${getName}; described by the package's texts ("${String(byName.get(getName)?.description).slice(0, 60)}…"); schemas {limit: number, status: string}, {referralId: string}, all required`;
		});

		let firstId = '';
		await run(`${listName} {limit: 3, status: "New"}`, async () => {
			const result = (await client.callTool({
				name: listName,
				arguments: { limit: 3, status: 'New' },
			})) as ToolResult;
			const text = textOf(result);
			received.push(text);
			check(result.isError !== true, `an error: ${text}`);
			const referrals = JSON.parse(text) as Array<Record<string, unknown>>;
			check(
				referrals.length === 3 && referrals.every((entry) => entry.status === 'New'),
				`answered ${text.slice(0, 200)}`,
			);
			check(
				referrals.every(
					(entry) => typeof entry.dealValue === 'number' && GUID.test(String(entry.id)),
				),
				`entries without a numeric dealValue or a GUID id: ${text.slice(0, 200)}`,
			);
			firstId = String(referrals[0].id);
			return `3 referrals, status New, dealValue ${referrals.map((entry) => String(entry.dealValue)).join('/')}; ${text.length} characters`;
		});

		await run(`${getName} {referralId: <the first id>}`, async () => {
			const result = (await client.callTool({
				name: getName,
				arguments: { referralId: firstId },
			})) as ToolResult;
			const text = textOf(result);
			received.push(text);
			check(result.isError !== true, `an error: ${text}`);
			const [referral] = JSON.parse(text) as Array<Record<string, unknown>>;
			check(
				referral?.id === firstId && typeof referral.eTag === 'string',
				`answered ${text.slice(0, 200)}`,
			);
			return `referral ${firstId.slice(0, 8)}…, ${String(referral.status)}/${String(referral.substatus)}, eTag ${String(referral.eTag)}`;
		});

		await run(`${getName} {referralId: "referral-42"}`, async () => {
			const before = sandbox.counters.requests;
			const result = (await client.callTool({
				name: getName,
				arguments: { referralId: 'referral-42' },
			})) as ToolResult;
			const text = textOf(result);
			received.push(text);
			check(result.isError === true, `not an error result: ${text}`);
			check(
				text.includes('The argument "referralId" is not a referral id (it is "referral-42")') &&
					text.includes('A referral id is a GUID') &&
					!GUID.test(text) &&
					!text.includes('{{'),
				`the error reads ${JSON.stringify(text)}`,
			);
			check(sandbox.counters.requests === before, 'Partner Center was called');
			return `error result, nothing sent: ${JSON.stringify(text.length > 110 ? `${text.slice(0, 109)}…` : text)}`;
		});
	} finally {
		await client.close();
	}
	return outcomes;
}

/**
 * Both transports against the MCP example's server; `secrets` must appear in no text the
 * client received. Every text it received is written to `keepIn`/mcp-received.json.
 */
export async function checkMcp(
	baseUrl: string,
	workflow: { nodes: ExampleNode[] },
	sandbox: Sandbox,
	secrets: string[],
	keepIn?: string,
): Promise<Outcome[]> {
	const trigger = workflow.nodes.find((node) => node.type === MCP_TRIGGER_TYPE);
	const tools = workflow.nodes.filter((node) => node.type.endsWith('.partnerCenterReferralTool'));
	if (!trigger) return [{ ok: false, line: 'the MCP example has no MCP Server Trigger' }];
	const url = new URL(`${baseUrl}/mcp/${String(trigger.parameters.path)}`);
	const received: string[] = [];
	const outcomes = [
		...(await session(
			'Streamable HTTP',
			new StreamableHTTPClientTransport(url),
			tools,
			sandbox,
			received,
		)),
		...(await session('SSE', new SSEClientTransport(url), tools, sandbox, received)),
	];
	if (keepIn) writeFileSync(join(keepIn, 'mcp-received.json'), JSON.stringify(received, null, 2));
	const leaked = secrets.filter((secret) => received.some((text) => text.includes(secret)));
	outcomes.push({
		ok: leaked.length === 0,
		line:
			leaked.length === 0
				? `no answer carries the client secret or a token (${received.length} texts)`
				: `FAILED: ${leaked.length} secret(s) reached the MCP client`,
	});
	return outcomes;
}
