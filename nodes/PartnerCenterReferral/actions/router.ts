/**
 * Routes the node's execution to the operation's file and runs it for every input item:
 * first every item's parameters are read and checked (nothing is sent until all are
 * valid, or, with Continue On Fail, the invalid ones become error items), then the items
 * are sent with at most "Max Concurrent Requests" requests at once (adaptively fewer: see
 * AdaptiveThrottle), output in input order, every item paired with its input. When a
 * write fails and stops the node, its error says which items were already written.
 * Timeout (Seconds) and Max Concurrent Requests hold for the whole execution: read from the
 * first item, and a later item that gives another (or an invalid) value fails, naming it.
 */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ExecutionOptions } from './parameters';
import { checkExecutionOptions, readExecutionOptions } from './parameters';
import type { ReferralOperation, SendItem } from './types';
import * as accept from './referral/accept.operation';
import * as create from './referral/create.operation';
import * as decline from './referral/decline.operation';
import * as get from './referral/get.operation';
import * as getMany from './referral/getMany.operation';
import * as getRelated from './referral/getRelated.operation';
import * as markLost from './referral/markLost.operation';
import * as markWon from './referral/markWon.operation';
import * as update from './referral/update.operation';
import { forModel } from './toolErrors';
import type { NodeError } from '../shared/nodeError';
import { toNodeError } from '../shared/nodeError';
import { runsAsTool } from '../shared/tool';
import { throttleForOption, useThrottle, useTimeout } from '../transport';

export const operations: Record<string, ReferralOperation> = {
	get,
	getMany,
	getRelated,
	create,
	update,
	accept,
	decline,
	markWon,
	markLost,
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const operation = this.getNodeParameter('operation', 0) as string;
	const handler = operations[operation];
	if (!handler) {
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operation}" is not supported by this node`,
			{
				description: `Choose one of: ${Object.keys(operations).join(', ')}. For any other Partner Center endpoint, use the HTTP Request node with Authentication "Predefined Credential Type" and the Partner Center OAuth2 API credential.`,
			},
		);
	}

	// One timeout and one pool for the execution, from the first item (later items must agree)
	const execution = readExecutionOptions(this, 0);
	const throttle = throttleForOption(execution.maxConcurrent);
	// Every request of this execution holds a slot of it (transport/throttle.ts).
	useThrottle(this, throttle);
	// ... and waits at most this long for an answer (transport/deadline.ts).
	useTimeout(this, execution.timeoutMs);

	const prepared = items.map((_, itemIndex) =>
		prepareItem.call(this, handler, itemIndex, execution),
	);
	const written: WrittenItem[] = [];
	try {
		const perItem = await throttle.map(items.length, async (itemIndex) => {
			const item = prepared[itemIndex];
			if ('error' in item) return [errorItem(item.error, itemIndex)];
			try {
				const results = await item.send();
				if (handler.writes)
					written.push({ itemIndex, ids: results.map((json) => json.id).filter(isText) });
				return results.map(
					(json): INodeExecutionData => ({ json, pairedItem: { item: itemIndex } }),
				);
			} catch (error) {
				const nodeError = toNodeError(this.getNode(), error, itemIndex);
				// as a model's tool, advice a model can act on (actions/toolErrors.ts)
				if (runsAsTool(this.getNode())) forModel(nodeError);
				// Partner Center did the write, though the item failed: its answer was cut off
				// (transport/errors.ts), or reading the referral after it failed (api/referrals.ts)
				if (handler.writes && nodeError.context.writeDone === true)
					written.push({ itemIndex, ids: [] });
				if (!this.continueOnFail()) throw nodeError;
				return [errorItem(nodeError, itemIndex)];
			}
		});
		return [perItem.flat()];
	} catch (error) {
		// The pool lets the items in flight finish before it fails, so `written` is complete.
		const nodeError = toNodeError(this.getNode(), error);
		// a model's tool runs one item per call, whose error already says what was written
		if (written.length > 0 && !runsAsTool(this.getNode()))
			nodeError.description = [nodeError.description, describeWritten(written)]
				.filter(Boolean)
				.join(' ');
		throw nodeError;
	}
}

/** An item's parameters read and checked, or (with Continue On Fail) why they are not valid. */
function prepareItem(
	this: IExecuteFunctions,
	handler: ReferralOperation,
	itemIndex: number,
	execution: ExecutionOptions,
): { send: SendItem } | { error: NodeError } {
	try {
		if (itemIndex > 0) checkExecutionOptions(this, itemIndex, execution);
		return { send: handler.prepare.call(this, itemIndex) };
	} catch (error) {
		const nodeError = toNodeError(this.getNode(), error, itemIndex);
		if (!this.continueOnFail()) throw nodeError;
		return { error: nodeError };
	}
}

/** n8n shows `error` (message and description) and routes the item to the error output. */
function errorItem(error: NodeError, itemIndex: number): INodeExecutionData {
	return { json: { error: error.message }, error, pairedItem: { item: itemIndex } };
}

interface WrittenItem {
	itemIndex: number;
	/** The referrals it wrote (created or updated). */
	ids: string[];
}

const isText = (value: unknown): value is string => typeof value === 'string' && value !== '';

/** Which items the run wrote before it stopped, so that the user does not write them twice. */
function describeWritten(written: WrittenItem[]): string {
	const items = [...written]
		.sort((a, b) => a.itemIndex - b.itemIndex)
		.map(
			({ itemIndex, ids }) =>
				`item ${itemIndex}${ids.length > 0 ? ` (referral ${ids.join(', ')})` : ''}`,
		);
	return `Already written before the node stopped (items counted from 0): ${items.join(', ')}. Do not run these items again.`;
}
