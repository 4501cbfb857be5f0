/**
 * A node as an AI model's tool, the way n8n runs it under an AI Agent or an MCP Server Trigger:
 *
 * - `toolNodeType`: n8n's `<name>Tool` wrapper of a `usableAsTool` node (n8n's
 *   LoadNodesAndCredentials.convertNodeToAiTool, in n8n's CLI package, not in n8n-core; the
 *   same in n8n 1.123 and 2.41);
 * - `ToolCaller`: stands in for the model's side (the AI Agent, the MCP Server Trigger). It takes
 *   its tools from n8n-core's getInputConnectionData (so n8n-core's createNodeAsTool builds
 *   them: name, description, the $fromAI schema) and calls them; it reports each tool as the MCP
 *   Server Trigger lists it (name, description, JSON schema by zod-to-json-schema) and each
 *   call's answer as the trigger gives it to a client: the tool's text, or
 *   `Error: <message>` for a failed call.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { jsonParse, NodeConnectionTypes } from 'n8n-workflow';
import { zodToJsonSchema } from 'zod-to-json-schema';

/** n8n's tool wrapper of a `usableAsTool` node type (a new object; `nodeType` is left alone). */
export function toolNodeType(nodeType: INodeType): INodeType {
	const base = nodeType.description;
	const properties: INodeProperties[] = [...base.properties];
	const description: INodeTypeDescription = {
		...base,
		name: `${base.name}Tool`,
		displayName: `${base.displayName} Tool`,
		inputs: [],
		outputs: [NodeConnectionTypes.AiTool],
		properties,
		codex: {
			categories: ['AI'],
			subcategories: { AI: ['Tools'], Tools: base.codex?.subcategories?.Tools ?? ['Other Tools'] },
			resources: base.codex?.resources ?? {},
		},
	};
	delete description.usableAsTool;
	// n8n adds "Tool Description" (auto: the operation's action) unless the node has its own.
	if (!properties.some((property) => property.name === 'toolDescription')) {
		const hasOperation = properties.some((p) => p.name === 'resource' || p.name === 'operation');
		const toolDescription: INodeProperties = {
			displayName: 'Description',
			name: 'toolDescription',
			type: 'string',
			default: base.description,
			required: true,
			typeOptions: { rows: 2 },
			...(hasOperation && { displayOptions: { show: { descriptionType: ['manual'] } } }),
		};
		const lastNotice = properties.map((property) => property.type).lastIndexOf('notice');
		properties.splice(lastNotice + 1, 0, toolDescription);
		if (hasOperation) {
			properties.splice(lastNotice + 1, 0, {
				displayName: 'Tool Description',
				name: 'descriptionType',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Set Automatically', value: 'auto' },
					{ name: 'Set Manually', value: 'manual' },
				],
				default: 'auto',
			});
		}
	}
	return Object.assign(Object.create(nodeType) as INodeType, { description });
}

export const TOOL_CALLER_TYPE = 'n8n-nodes-harness.toolCaller';

/** What the model's side saw of one tool. */
export interface ToolReport extends IDataObject {
	/** The tool's name: the node's name, as n8n makes it a tool name. */
	name: string;
	/** What the model is told the tool does. */
	description: string;
	/** The arguments' JSON schema, as the MCP Server Trigger lists it. */
	inputSchema: IDataObject;
	/** Per call: the text the model received, or `Error: <message>`. */
	answers: Array<{ text: string; isError: boolean }>;
}

interface CallableTool {
	name: string;
	description: string;
	schema: Parameters<typeof zodToJsonSchema>[0];
	invoke(args: IDataObject): Promise<unknown>;
}

/** The model's side: one output item per connected tool, each called with every entry of `calls`. */
export class ToolCaller implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Tool Caller',
		name: 'toolCaller',
		group: ['transform'],
		version: 1,
		description: 'Calls its tools as a model would',
		defaults: { name: 'Model' },
		inputs: [
			NodeConnectionTypes.Main,
			{ type: NodeConnectionTypes.AiTool, displayName: 'Tools', required: true },
		],
		outputs: [NodeConnectionTypes.Main],
		properties: [{ displayName: 'Calls', name: 'calls', type: 'json', default: '[]' }],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const calls = jsonParse<IDataObject[]>(this.getNodeParameter('calls', 0) as string);
		const connected = await this.getInputConnectionData(NodeConnectionTypes.AiTool, 0);
		const tools = (Array.isArray(connected) ? connected : [connected]) as CallableTool[];
		const reports: ToolReport[] = [];
		for (const tool of tools) {
			const answers: ToolReport['answers'] = [];
			for (const args of calls) {
				try {
					const result = await tool.invoke(args);
					answers.push({
						text: typeof result === 'string' ? result : JSON.stringify(result),
						isError: false,
					});
				} catch (error) {
					answers.push({ text: `Error: ${(error as Error).message}`, isError: true });
				}
			}
			reports.push({
				name: tool.name,
				description: tool.description,
				inputSchema: zodToJsonSchema(tool.schema, {
					removeAdditionalStrategy: 'strict',
				}) as IDataObject,
				answers,
			});
		}
		return [reports.map((json) => ({ json }))];
	}
}
