/**
 * Routes the node's execution to the operation's file and runs it for every input item:
 * at most "Max Concurrent Requests" requests at once (adaptively fewer: see AdaptiveThrottle),
 * output in input order, every item paired with its input, and failures
 * turned into error items when the node continues on fail.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { ReferralOperation } from './types';
import * as accept from './referral/accept.operation';
import * as create from './referral/create.operation';
import * as decline from './referral/decline.operation';
import * as get from './referral/get.operation';
import * as getMany from './referral/getMany.operation';
import * as getRelated from './referral/getRelated.operation';
import * as markLost from './referral/markLost.operation';
import * as markWon from './referral/markWon.operation';
import * as update from './referral/update.operation';
import { throttleForOption } from '../helpers/concurrency';
import { useThrottle } from '../transport';

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
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported by this node`, {
			description: `Choose one of: ${Object.keys(operations).join(', ')}. For any other Partner Center endpoint, use the HTTP Request node with Authentication "Predefined Credential Type" and the Partner Center OAuth2 API credential.`,
		});
	}

	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const throttle = throttleForOption(options.concurrency);
	useThrottle(this, throttle);

	const perItem = await throttle.map(items.length, async (itemIndex) => {
		try {
			const results = await handler.execute.call(this, itemIndex);
			return results.map((json): INodeExecutionData => ({ json, pairedItem: { item: itemIndex } }));
		} catch (error) {
			const nodeError =
				error instanceof NodeApiError || error instanceof NodeOperationError
					? error
					: new NodeOperationError(this.getNode(), error as Error, { itemIndex });
			if (nodeError.context.itemIndex === undefined) nodeError.context.itemIndex = itemIndex;
			if (!this.continueOnFail()) throw nodeError;
			// n8n shows `error` (message and description) and routes the item to the error output.
			return [{ json: { error: nodeError.message }, error: nodeError, pairedItem: { item: itemIndex } }];
		}
	});
	return [perItem.flat()];
}
