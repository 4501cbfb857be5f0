/** Any error as the node's own error (n8n's NodeApiError or NodeOperationError), tied to an item. */
import type { INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

export type NodeError = NodeApiError | NodeOperationError;

/** `error` itself when it is a node error (its item set if it had none), else wrapped in a NodeOperationError. */
export function toNodeError(node: INode, error: unknown, itemIndex?: number): NodeError {
	const nodeError =
		error instanceof NodeApiError || error instanceof NodeOperationError
			? error
			: new NodeOperationError(node, error as Error, { itemIndex });
	if (nodeError.context.itemIndex === undefined && itemIndex !== undefined)
		nodeError.context.itemIndex = itemIndex;
	return nodeError;
}

/**
 * `error` marked as the service's fault: its answer could not be used (not the kind asked for,
 * another entry, a paging loop, a link elsewhere). Whoever words the error for a reader who can
 * only call again (a model calling the node as a tool) knows it is not the values sent.
 */
export function serviceFault<E extends NodeError>(error: E): E {
	error.context.serviceFault = true;
	return error;
}
