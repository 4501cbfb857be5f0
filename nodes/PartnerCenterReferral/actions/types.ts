import type {
	IDataObject,
	IExecuteFunctions,
	INodeProperties,
	INodePropertyOptions,
} from 'n8n-workflow';

/** Sends what one item prepared and returns that item's output. */
export type SendItem = () => Promise<IDataObject[]>;

/**
 * One operation of the node, in one file: how it is listed, its parameters, and what it
 * does for one input item, in two steps. `prepare` reads and checks the item's parameters
 * and sends nothing; the router prepares every item before it sends any, so an invalid
 * item stops the node before anything is written. What `prepare` returns then does the
 * requests; the router pairs its output with the item.
 */
export interface ReferralOperation {
	option: INodePropertyOptions;
	description: INodeProperties[];
	/** What an AI model is told the operation's tool does and returns (descriptions/tool.ts). */
	toolDescription: string;
	/** Whether the operation changes referrals (its errors then say which items were already written). */
	writes: boolean;
	prepare(this: IExecuteFunctions, itemIndex: number): SendItem;
}
