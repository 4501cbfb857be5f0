import type { IDataObject, IExecuteFunctions, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

/**
 * One operation of the node, in one file: how it is listed, its parameters, and what it
 * does for one input item. The router runs `execute` once per input item and pairs what
 * it returns with that item.
 */
export interface ReferralOperation {
	option: INodePropertyOptions;
	description: INodeProperties[];
	execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]>;
}
