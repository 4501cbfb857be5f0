/**
 * The example workflows (examples/*.json) as the harness runs them, shared by the demo
 * (dev/demo.ts) and the integration tests so both exercise the same files the same way.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import type {
	IDataObject,
	INode,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { jsonParse, NodeConnectionTypes } from 'n8n-workflow';

import type { WorkflowInput } from './harness';

export const EXAMPLES_DIR = join(__dirname, '..', 'examples');

export const EXAMPLE_FILES = {
	alert: 'alert-high-value-new-referral.json',
	crm: 'referral-to-crm-record.json',
	slack: 'slack-alert-new-incoming-referral.json',
	accept: 'accept-and-log.json',
	expiry: 'expiry-reminder.json',
	mcp: 'mcp-server-referrals.json',
	agent: 'ai-agent-referrals.json',
} as const;

export interface ExampleWorkflow extends WorkflowInput {
	name: string;
	nodes: INode[];
	settings?: WorkflowInput['settings'];
}

export function listExampleFiles(): string[] {
	return readdirSync(EXAMPLES_DIR)
		.filter((file) => file.endsWith('.json'))
		.sort();
}

/** A fresh copy of an example workflow, parsed from its file. */
export function loadExample(file: string): ExampleWorkflow {
	return jsonParse<ExampleWorkflow>(readFileSync(join(EXAMPLES_DIR, file), 'utf8'));
}

/** The package of n8n's AI nodes (AI Agent, chat models, MCP Server Trigger). */
export const LANGCHAIN_PACKAGE = '@n8n/n8n-nodes-langchain';

/**
 * Whether an example uses the node as an AI model's tool (it has n8n's AI nodes). Those need a
 * model or an MCP client, which the harness and the demo do not have: the tests run their tool
 * nodes as tools (test/integration/examples.test.ts), the demo lists them, and the e2e run
 * calls the MCP one with an MCP client (dev/e2e/mcp.ts).
 */
export function isAiExample(workflow: Pick<ExampleWorkflow, 'nodes'>): boolean {
	return workflow.nodes.some((node) => node.type.startsWith(`${LANGCHAIN_PACKAGE}.`));
}

export const TRIGGER_TYPE_SUFFIX = '.partnerCenterReferralTrigger';

export function findTrigger(workflow: ExampleWorkflow): INode {
	const trigger = workflow.nodes.find((node) => node.type.endsWith(TRIGGER_TYPE_SUFFIX));
	if (!trigger) throw new Error(`"${workflow.name}" has no Partner Center Referral Trigger node`);
	return trigger;
}

export const FIRED_ITEMS_TYPE = 'firedItems';

/**
 * Emits the items a polling trigger fired (its `items` parameter, JSON). It takes the
 * trigger's place when the rest of a trigger workflow runs, which is what n8n does for an
 * activated workflow: the poll's items become the trigger node's output.
 */
export class FiredItems implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Fired Items',
		name: FIRED_ITEMS_TYPE,
		group: ['trigger'],
		version: 1,
		description: 'Emits the items a polling trigger fired',
		defaults: { name: 'Fired Items' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		properties: [{ displayName: 'Items', name: 'items', type: 'json', default: '[]' }],
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][]> {
		return [
			jsonParse<IDataObject[]>(this.getNodeParameter('items') as string).map((json) => ({ json })),
		];
	}
}

/**
 * The workflow with its trigger node replaced (same name, so the file's connections and any
 * `$('<trigger>')` expressions still apply) by a FiredItems node emitting `fired`.
 */
export function withFiredItems(
	workflow: ExampleWorkflow,
	fired: INodeExecutionData[],
): ExampleWorkflow {
	const trigger = findTrigger(workflow);
	return {
		...workflow,
		nodes: workflow.nodes.map((node) =>
			node.name === trigger.name
				? {
						id: node.id,
						name: node.name,
						position: node.position,
						type: FIRED_ITEMS_TYPE,
						typeVersion: 1,
						parameters: { items: JSON.stringify(fired.map((item) => item.json)) },
					}
				: node,
		),
	};
}
