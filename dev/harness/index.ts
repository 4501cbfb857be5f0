/**
 * The engine runner of the tests, the demo and the bench: runs nodes through n8n's real
 * execution engine (n8n-core's WorkflowExecute, ExecuteContext and PollContext, n8n-workflow's
 * expressions), with given credentials in place of n8n's database. Networking is left alone:
 * the caller decides what to mock (nock) or where to connect (a local server).
 *
 *   runWorkflow(workflowJson, options)  run a whole workflow from its start node
 *   runNode(spec, options)              run one node fed by an input node emitting `items`
 *   runPoll(spec, options)              run one poll of a polling trigger
 *   runTool(spec, options)              run a node as an AI model's tool, called with given arguments
 */
import { Container } from '@n8n/di';
import {
	ExecutionLifecycleHooks,
	ExternalSecretsProxy,
	PollContext,
	PollTriggerExecutor,
	WorkflowExecute,
} from 'n8n-core';
import type {
	ExecutionBaseError,
	ICredentialDataDecryptedObject,
	IDataObject,
	IConnections,
	INode,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	INodeTypes,
	IRun,
	IVersionedNodeType,
	IWorkflowExecuteAdditionalData,
	IWorkflowSettings,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { NodeHelpers, UnexpectedError, Workflow } from 'n8n-workflow';

import { name as packageName } from '../../package.json';
import { baseNodeTypes } from './baseNodes';
import { setUpContainer } from './container';
import type { CredentialUpdate } from './credentials';
import { TestCredentialsHelper } from './credentials';
import type { ToolReport } from './tool';
import { TOOL_CALLER_TYPE, ToolCaller, toolNodeType } from './tool';

export { baseNodeTypes } from './baseNodes';
export { CredentialTypes, TestCredentialsHelper } from './credentials';
export type { CredentialUpdate } from './credentials';
export type { ToolReport } from './tool';
export { toolNodeType } from './tool';

export interface RunOptions {
	/** Node types to register, under their description name and as `<package name>.<name>`. */
	nodeTypes: INodeType[] | Record<string, INodeType>;
	/** Credential data by credential type name, e.g. `{ partnerCenterOAuth2Api: { ... } }`. */
	credentials?: Record<string, ICredentialDataDecryptedObject>;
}

export interface WorkflowRun {
	run: IRun;
	/** Items of the node's last run on the given output (0 by default). Throws if the node did not run or failed. */
	output(nodeName: string, outputIndex?: number): INodeExecutionData[];
	error: ExecutionBaseError | undefined;
	/** What n8n asked to persist through the credentials helper, in order (e.g. refreshed `oauthTokenData`). */
	credentialUpdates: CredentialUpdate[];
}

export interface WorkflowInput {
	nodes: INode[];
	connections: IConnections;
	name?: string;
	staticData?: IDataObject;
	/** Defaults to `{ executionOrder: 'v1' }`, as for workflows created in current n8n. */
	settings?: IWorkflowSettings;
}

export interface NodeSpec {
	type: string;
	typeVersion?: number;
	parameters: INodeParameters;
	/** JSON of the items the input node emits; one empty item by default. */
	items?: IDataObject[];
	continueOnFail?: boolean;
	onError?: 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput';
	alwaysOutputData?: boolean;
	/** Display name of the credential attached to the node. */
	credentialsName?: string;
}

export interface PollSpec {
	type: string;
	typeVersion?: number;
	parameters: INodeParameters;
	/** 'trigger': an activated workflow's poll; 'manual': "Fetch Test Event". Default 'trigger'. */
	mode?: 'trigger' | 'manual';
	/** Workflow static data; pass the same object to the next call to keep the node's state. */
	staticData?: IDataObject;
	credentialsName?: string;
	/** n8n's id of the trigger node (default 'poll-node'): another id is another node of the same name. */
	nodeId?: string;
}

export interface PollResult {
	items: INodeExecutionData[] | null;
	/** The workflow static data (the object passed in, when one was). The node's part is under `node:<node name>`. */
	staticData: IDataObject;
	credentialUpdates: CredentialUpdate[];
}

const INPUT_NODE_NAME = 'Input';

class NodeTypes implements INodeTypes {
	constructor(private readonly types: Record<string, INodeType | IVersionedNodeType>) {}

	has(type: string): boolean {
		return type in this.types;
	}

	getByName(type: string): INodeType | IVersionedNodeType {
		return this.types[type];
	}

	/** Unknown types give `undefined` like n8n's loader-less lookups, so that unused nodes (sticky notes) do no harm. */
	getByNameAndVersion(type: string, version?: number): INodeType {
		const nodeType = this.types[type];
		return (nodeType && NodeHelpers.getVersionedNodeType(nodeType, version)) as INodeType;
	}

	getKnownTypes(): IDataObject {
		return {};
	}

	latestVersion(type: string): number {
		const nodeType = this.getByName(type);
		if ('nodeVersions' in nodeType) return nodeType.currentVersion;
		const { version } = nodeType.description;
		return Array.isArray(version) ? Math.max(...version) : version;
	}
}

function buildNodeTypes(nodeTypes: RunOptions['nodeTypes']): NodeTypes {
	const types: Record<string, INodeType | IVersionedNodeType> = { ...baseNodeTypes };
	const entries = Array.isArray(nodeTypes)
		? nodeTypes.map((nodeType) => [nodeType.description.name, nodeType] as const)
		: Object.entries(nodeTypes);
	for (const [key, nodeType] of entries) {
		const { name } = nodeType.description;
		types[key] = nodeType;
		types[name] = nodeType;
		types[`${packageName}.${name}`] = nodeType;
	}
	return new NodeTypes(types);
}

/**
 * Gives every node the credentials its type declares and the test provides, with an id
 * (n8n-core refuses to refresh an OAuth2 token of a credential without one).
 */
function attachCredentials(
	nodes: INode[],
	nodeTypes: NodeTypes,
	options: RunOptions,
	credentialsName?: string,
): void {
	for (const node of nodes) {
		if (!nodeTypes.has(node.type)) continue;
		const declared =
			nodeTypes.getByNameAndVersion(node.type, node.typeVersion).description.credentials ?? [];
		for (const { name: type } of declared) {
			if (options.credentials?.[type] === undefined) continue;
			node.credentials ??= {};
			const existing = node.credentials[type];
			node.credentials[type] = {
				id: existing?.id ?? `test-${type}`,
				name: existing?.name ?? credentialsName ?? `Test ${type}`,
			};
		}
	}
}

function buildAdditionalData(
	credentialsHelper: TestCredentialsHelper,
	hooks?: ExecutionLifecycleHooks,
): IWorkflowExecuteAdditionalData {
	const baseUrl = 'http://localhost:5678';
	const unsupported = (what: string) => async () => {
		throw new UnexpectedError(`${what} is not supported by the test harness`);
	};
	return {
		credentialsHelper,
		hooks,
		executionId: hooks?.executionId,
		userId: 'test-user',
		workflowId: 'test-workflow',
		currentNodeExecutionIndex: 0,
		currentNodeParameters: undefined,
		executionTimeoutTimestamp: undefined,
		variables: {},
		restApiUrl: `${baseUrl}/rest`,
		instanceBaseUrl: `${baseUrl}/`,
		formBaseUrl: `${baseUrl}/form`,
		formWaitingBaseUrl: `${baseUrl}/form-waiting`,
		formTestBaseUrl: `${baseUrl}/form-test`,
		webhookBaseUrl: `${baseUrl}/webhook`,
		webhookWaitingBaseUrl: `${baseUrl}/webhook-waiting`,
		webhookTestBaseUrl: `${baseUrl}/webhook-test`,
		mcpBaseUrl: `${baseUrl}/mcp`,
		mcpTestBaseUrl: `${baseUrl}/mcp-test`,
		externalSecretsProxy: new ExternalSecretsProxy(),
		executeWorkflow: unsupported('Executing a sub-workflow'),
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		logAiEvent: () => {},
		startRunnerTask: unsupported('Running a task runner task'),
	};
}

function nodeOutput(run: IRun, nodeName: string, outputIndex = 0): INodeExecutionData[] {
	const taskData = run.data.resultData.runData[nodeName]?.at(-1);
	if (taskData === undefined) {
		const ran = Object.keys(run.data.resultData.runData).join(', ') || 'none';
		const failure = run.data.resultData.error
			? ` The run failed: ${run.data.resultData.error.message}`
			: '';
		throw new UnexpectedError(`Node "${nodeName}" did not run (nodes that ran: ${ran}).${failure}`);
	}
	if (taskData.error) {
		throw new UnexpectedError(`Node "${nodeName}" failed: ${taskData.error.message}`);
	}
	return taskData.data?.main[outputIndex] ?? [];
}

/** Runs a workflow (e.g. parsed from an exported JSON file) in 'manual' mode from its start node. */
export async function runWorkflow(
	workflowInput: WorkflowInput,
	options: RunOptions,
): Promise<WorkflowRun> {
	return await execute(workflowInput, options);
}

async function execute(
	workflowInput: WorkflowInput,
	options: RunOptions,
	{ credentialsName, startNodeName }: { credentialsName?: string; startNodeName?: string } = {},
): Promise<WorkflowRun> {
	setUpContainer();
	const nodeTypes = buildNodeTypes(options.nodeTypes);
	const nodes = structuredClone(workflowInput.nodes);
	attachCredentials(nodes, nodeTypes, options, credentialsName);

	const workflow = new Workflow({
		id: 'test-workflow',
		name: workflowInput.name ?? 'Test workflow',
		nodes,
		connections: workflowInput.connections,
		active: false,
		nodeTypes,
		staticData: workflowInput.staticData,
		settings: workflowInput.settings ?? { executionOrder: 'v1' },
	});
	const startNode = startNodeName
		? (workflow.getNode(startNodeName) ?? undefined)
		: workflow.getStartNode();
	if (!startNode) throw new UnexpectedError('The workflow has no node to start from');
	const unknown = [startNode.name, ...workflow.getChildNodes(startNode.name)]
		.map((name) => workflow.nodes[name])
		.filter((node) => !node.disabled && !nodeTypes.has(node.type))
		.map((node) => `"${node.name}" (${node.type})`);
	if (unknown.length > 0) {
		throw new UnexpectedError(
			`Unknown node types in the workflow: ${unknown.join(', ')}; pass them in options.nodeTypes`,
		);
	}

	const credentialsHelper = new TestCredentialsHelper(options.credentials ?? {}, nodeTypes);
	const mode: WorkflowExecuteMode = 'manual';
	const hooks = new ExecutionLifecycleHooks(mode, 'test-execution', {
		id: workflow.id,
		name: workflow.name ?? '',
		active: false,
		isArchived: false,
		activeVersionId: null,
		createdAt: new Date(),
		updatedAt: new Date(),
		nodes,
		connections: workflowInput.connections,
	});
	const workflowExecute = new WorkflowExecute(buildAdditionalData(credentialsHelper, hooks), mode);
	const run = await workflowExecute.run({ workflow, startNode });

	return {
		run,
		output: (nodeName, outputIndex) => nodeOutput(run, nodeName, outputIndex),
		error: run.data.resultData.error,
		credentialUpdates: credentialsHelper.updates,
	};
}

/**
 * Runs one node fed by the harness input node, which emits `items`.
 * `items` is output 0 of the node; `errorItems` its error output (with `onError: 'continueErrorOutput'`).
 * Both are empty when the node did not produce output (see `error`).
 */
export async function runNode(
	spec: NodeSpec,
	options: RunOptions,
): Promise<WorkflowRun & { items: INodeExecutionData[]; errorItems: INodeExecutionData[] }> {
	const nodeTypes = buildNodeTypes(options.nodeTypes);
	if (!nodeTypes.has(spec.type)) throw new UnexpectedError(`Unknown node type "${spec.type}"`);
	const { description } = nodeTypes.getByNameAndVersion(spec.type, spec.typeVersion);
	const name = description.defaults.name ?? description.displayName;
	const node: INode = {
		id: 'node-under-test',
		name,
		type: spec.type,
		typeVersion: spec.typeVersion ?? nodeTypes.latestVersion(spec.type),
		position: [200, 0],
		parameters: spec.parameters,
		...(spec.continueOnFail !== undefined && { continueOnFail: spec.continueOnFail }),
		...(spec.onError !== undefined && { onError: spec.onError }),
		...(spec.alwaysOutputData !== undefined && { alwaysOutputData: spec.alwaysOutputData }),
	};
	const input: INode = {
		id: 'harness-input',
		name: INPUT_NODE_NAME,
		type: 'n8n-nodes-harness.input',
		typeVersion: 1,
		position: [0, 0],
		parameters: { items: JSON.stringify(spec.items ?? [{}]) },
	};
	const connections: IConnections = {
		[INPUT_NODE_NAME]: { main: [[{ node: name, type: 'main', index: 0 }]] },
	};
	const result = await execute({ nodes: [input, node], connections }, options, {
		credentialsName: spec.credentialsName,
		startNodeName: INPUT_NODE_NAME,
	});

	const main = result.run.data.resultData.runData[name]?.at(-1)?.data?.main ?? [];
	return {
		...result,
		items: main[0] ?? [],
		errorItems:
			spec.onError === 'continueErrorOutput' && main.length > 1
				? (main[main.length - 1] ?? [])
				: [],
	};
}

/**
 * Runs one poll of a polling trigger through n8n-core's PollContext: in 'trigger' mode as
 * n8n's PollTriggerExecutor does for an activated workflow, in 'manual' mode as
 * WorkflowExecute does for "Fetch Test Event". Errors of the poll are thrown.
 */
export async function runPoll(spec: PollSpec, options: RunOptions): Promise<PollResult> {
	setUpContainer();
	const nodeTypes = buildNodeTypes(options.nodeTypes);
	if (!nodeTypes.has(spec.type)) throw new UnexpectedError(`Unknown node type "${spec.type}"`);
	const nodeType = nodeTypes.getByNameAndVersion(spec.type, spec.typeVersion);
	if (typeof nodeType.poll !== 'function')
		throw new UnexpectedError(`Node type "${spec.type}" has no poll()`);
	const node: INode = {
		id: spec.nodeId ?? 'poll-node',
		name: nodeType.description.defaults.name ?? nodeType.description.displayName,
		type: spec.type,
		typeVersion: spec.typeVersion ?? nodeTypes.latestVersion(spec.type),
		position: [0, 0],
		parameters: spec.parameters,
	};
	attachCredentials([node], nodeTypes, options, spec.credentialsName);
	const mode = spec.mode ?? 'trigger';
	const staticData = spec.staticData ?? {};
	const workflow = new Workflow({
		id: 'test-workflow',
		name: 'Test workflow',
		nodes: [node],
		connections: {},
		active: mode === 'trigger',
		nodeTypes,
		staticData,
		settings: { executionOrder: 'v1' },
	});
	const credentialsHelper = new TestCredentialsHelper(options.credentials ?? {}, nodeTypes);
	const additionalData = buildAdditionalData(credentialsHelper);

	const emitted: { items: INodeExecutionData[][] | null } = { items: null };
	if (mode === 'manual') {
		const context = new PollContext(workflow, node, additionalData, 'manual', 'manual');
		emitted.items = await nodeType.poll.call(context);
	} else {
		let pollError: Error | undefined;
		const context = new PollContext(
			workflow,
			node,
			additionalData,
			'trigger',
			'activate',
			(data) => {
				emitted.items = data;
			},
			(error) => {
				pollError = error;
			},
		);
		const poll = Container.get(PollTriggerExecutor).create(workflow, node, context, () => true);
		await poll(false);
		if (pollError) throw pollError;
	}
	return {
		items: emitted.items?.[0] ?? null,
		staticData,
		credentialUpdates: credentialsHelper.updates,
	};
}

export interface ToolSpec {
	/** The node's own type (`usableAsTool`); it runs as n8n's `<type>Tool` wrapper of it. */
	type: string;
	parameters: INodeParameters;
	/** The node's name, which n8n makes the tool's name. */
	name?: string;
	/** The arguments of each call the model makes, in order. */
	calls: IDataObject[];
}

/**
 * Runs a node as an AI model's tool through n8n-core: a stand-in for the model's side (the AI
 * Agent or the MCP Server Trigger, dev/harness/tool.ts) takes it from getInputConnectionData and
 * calls it with each of `calls`. Returns what the model's side saw: the tool's name, description,
 * JSON schema and answers.
 */
export async function runTool(
	spec: ToolSpec,
	options: RunOptions,
): Promise<WorkflowRun & { tool: ToolReport }> {
	const baseTypes = buildNodeTypes(options.nodeTypes);
	if (!baseTypes.has(spec.type)) throw new UnexpectedError(`Unknown node type "${spec.type}"`);
	const base = baseTypes.getByNameAndVersion(spec.type) as INodeType;
	const tool = toolNodeType(base);
	const toolType = `${spec.type}Tool`;
	const name = spec.name ?? base.description.defaults.name ?? base.description.displayName;
	const nodes: INode[] = [
		{
			id: 'harness-input',
			name: INPUT_NODE_NAME,
			type: 'n8n-nodes-harness.input',
			typeVersion: 1,
			position: [0, 0],
			parameters: { items: JSON.stringify([{}]) },
		},
		{
			id: 'tool-caller',
			name: 'Model',
			type: TOOL_CALLER_TYPE,
			typeVersion: 1,
			position: [200, 0],
			parameters: { calls: JSON.stringify(spec.calls) },
		},
		{
			id: 'node-under-test',
			name,
			type: toolType,
			typeVersion: 1,
			position: [200, 200],
			parameters: spec.parameters,
		},
	];
	const connections: IConnections = {
		[INPUT_NODE_NAME]: { main: [[{ node: 'Model', type: 'main', index: 0 }]] },
		[name]: { ai_tool: [[{ node: 'Model', type: 'ai_tool', index: 0 }]] },
	};
	const nodeTypes = Array.isArray(options.nodeTypes)
		? Object.fromEntries(options.nodeTypes.map((type) => [type.description.name, type]))
		: options.nodeTypes;
	const result = await execute(
		{ nodes, connections },
		{
			...options,
			nodeTypes: { ...nodeTypes, [toolType]: tool, [TOOL_CALLER_TYPE]: new ToolCaller() },
		},
		{ startNodeName: INPUT_NODE_NAME },
	);
	return { ...result, tool: result.output('Model')[0].json as ToolReport };
}
