/**
 * The AI Agent example (examples/ai-agent-referrals.json) in real n8n, with a stand-in for the
 * chat model: a local server that answers OpenAI's chat completions API on 127.0.0.1 the way a
 * model would in this conversation. Asked first, it calls the listing tool; given the tool's
 * answer, it replies with that answer. It records what n8n's AI Agent sent it: the tools (name,
 * description, JSON schema) and the tool's answer, which is exactly what a real model would read.
 *
 * The example starts with a Chat Trigger, which `n8n execute` cannot feed; the run replaces it
 * with a Manual Trigger and gives the agent its question as a defined prompt. Everything else
 * (the agent, the OpenAI Chat Model node, the two Partner Center tools) is the example's.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { operations } from '../../nodes/PartnerCenterReferral/actions/router';
import type { RunResult } from './n8n';
import type { Outcome } from './common';
import { failure } from './common';

export const OPENAI_CREDENTIAL = {
	id: 'e2eStandInModel1',
	name: 'OpenAI (e2e stand-in model)',
	type: 'openAiApi',
};

interface ChatTool {
	type: string;
	function: { name: string; description: string; parameters: Record<string, unknown> };
}

interface ChatMessage {
	role: string;
	content?: string | null;
	tool_call_id?: string;
}

export interface StandInModel {
	url: string;
	/** The tools n8n offered, as of the first request. */
	tools: ChatTool[];
	/** The tool answers n8n gave the model. */
	toolAnswers: string[];
	requests: number;
	close(): Promise<void>;
}

/** The arguments the stand-in model calls the listing tool with. */
export const LIST_ARGUMENTS = { limit: 2, status: 'New' };

export async function startStandInModel(listTool: string): Promise<StandInModel> {
	const model: Omit<StandInModel, 'url' | 'close'> = { tools: [], toolAnswers: [], requests: 0 };
	const server = createServer((request, response) => {
		let body = '';
		request.on('data', (chunk: Buffer) => (body += chunk.toString()));
		request.on('end', () => {
			model.requests++;
			if (request.method !== 'POST' || !request.url?.endsWith('/chat/completions')) {
				response.writeHead(404).end();
				return;
			}
			const parsed = JSON.parse(body) as {
				model: string;
				stream?: boolean;
				messages: ChatMessage[];
				tools?: ChatTool[];
			};
			if (model.tools.length === 0) model.tools = parsed.tools ?? [];
			const toolMessages = parsed.messages.filter((message) => message.role === 'tool');
			const message: {
				role: string;
				content: string | null;
				tool_calls?: Array<{ id: string; type: string; function: Record<string, string> }>;
			} =
				toolMessages.length === 0
					? {
							role: 'assistant',
							content: null,
							tool_calls: [
								{
									id: 'call_e2e_1',
									type: 'function',
									function: { name: listTool, arguments: JSON.stringify(LIST_ARGUMENTS) },
								},
							],
						}
					: { role: 'assistant', content: `Tool answer: ${String(toolMessages.at(-1)?.content)}` };
			if (toolMessages.length > 0) model.toolAnswers.push(String(toolMessages.at(-1)?.content));
			const calls = message.tool_calls;
			const finish = calls ? 'tool_calls' : 'stop';
			const base = { id: 'chatcmpl-e2e', created: 0, model: parsed.model };
			const usage = { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 };
			if (parsed.stream) {
				const delta = calls
					? { role: 'assistant', tool_calls: calls.map((call, index) => ({ index, ...call })) }
					: message;
				response.writeHead(200, { 'content-type': 'text/event-stream' });
				const chunk = (choice: Record<string, unknown>) =>
					`data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [choice] })}\n\n`;
				response.write(chunk({ index: 0, delta, finish_reason: null }));
				response.write(chunk({ index: 0, delta: {}, finish_reason: finish }));
				response.end('data: [DONE]\n\n');
				return;
			}
			response.writeHead(200, { 'content-type': 'application/json' });
			response.end(
				JSON.stringify({
					...base,
					object: 'chat.completion',
					choices: [{ index: 0, message, finish_reason: finish }],
					usage,
				}),
			);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return Object.assign(model, {
		url: `http://127.0.0.1:${port}/v1`,
		close: async () => await new Promise<void>((resolve) => server.close(() => resolve())),
	});
}

interface WorkflowNode {
	id?: string;
	name: string;
	type: string;
	typeVersion?: number;
	position?: number[];
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	webhookId?: string;
}

interface Workflow {
	nodes: WorkflowNode[];
	connections: Record<string, Record<string, unknown>>;
}

export const AGENT_QUESTION = 'Which two new referrals came in most recently?';

/** The example as `n8n execute` can run it: a Manual Trigger and a defined prompt for the agent. */
export function executableAgentWorkflow<T extends Workflow>(workflow: T): T {
	const copy = structuredClone(workflow);
	const chat = copy.nodes.find((node) => node.type === '@n8n/n8n-nodes-langchain.chatTrigger');
	const agent = copy.nodes.find((node) => node.type === '@n8n/n8n-nodes-langchain.agent');
	const lm = copy.nodes.find((node) => node.type === '@n8n/n8n-nodes-langchain.lmChatOpenAi');
	if (!chat || !agent || !lm)
		throw new Error('the AI Agent example changed: no chat trigger, agent or model');
	const manual = 'Start';
	copy.nodes = copy.nodes.map((node) =>
		node === chat
			? {
					id: node.id,
					name: manual,
					type: 'n8n-nodes-base.manualTrigger',
					typeVersion: 1,
					position: node.position,
					parameters: {},
				}
			: node,
	);
	copy.connections[manual] = copy.connections[chat.name];
	delete copy.connections[chat.name];
	agent.parameters = { ...agent.parameters, promptType: 'define', text: AGENT_QUESTION };
	lm.credentials = { openAiApi: { id: OPENAI_CREDENTIAL.id, name: OPENAI_CREDENTIAL.name } };
	return copy;
}

const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/**
 * After `n8n execute` of the agent workflow: it succeeded, the model was offered both tools with
 * the package's descriptions, and the listing tool's answer it read holds two new referrals.
 */
export function checkAgentRun(
	run: RunResult | undefined,
	code: number,
	model: StandInModel,
	workflow: Workflow,
): Outcome {
	const problem = (() => {
		if (!run) return `no run printed (exit ${code})`;
		const failed = failure(run) ?? (code === 0 ? undefined : `exit ${code}`);
		if (failed) return failed;
		const tools = workflow.nodes.filter((node) => node.type.endsWith('.partnerCenterReferralTool'));
		for (const node of tools) {
			const name = node.name.replace(/[^a-zA-Z0-9_-]+/g, '_');
			const offered = model.tools.find((tool) => tool.function.name === name);
			const expected = operations[String(node.parameters.operation)].toolDescription;
			if (offered?.function.description !== expected)
				return `the model was offered ${name} as ${JSON.stringify(offered?.function.description)}`;
		}
		const answer = model.toolAnswers[0];
		if (answer === undefined) return 'the model never got a tool answer';
		const referrals = JSON.parse(answer) as Array<Record<string, unknown>>;
		if (
			!Array.isArray(referrals) ||
			referrals.length !== LIST_ARGUMENTS.limit ||
			!referrals.every((entry) => entry.status === 'New' && GUID.test(String(entry.id)))
		)
			return `the tool answered ${answer.slice(0, 200)}`;
		const output = JSON.stringify(run.data.resultData.runData['AI Agent']?.at(-1)?.data ?? {});
		if (!output.includes(String(referrals[0].id))) return 'the agent’s output lacks the referrals';
		return undefined;
	})();
	return problem
		? { ok: false, line: `agent: FAILED: ${problem}` }
		: {
				ok: true,
				line: `agent (stand-in model on 127.0.0.1): offered ${model.tools.map((tool) => tool.function.name).join(', ')} with the package's descriptions; called List_referrals ${JSON.stringify(LIST_ARGUMENTS)}, read ${LIST_ARGUMENTS.limit} new referrals (${model.toolAnswers[0]?.length} characters); ${model.requests} model requests`,
			};
}
