import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { operations, router } from './actions/router';
import { toolDescriptionField } from './descriptions/tool';
import { searchReferrals } from './methods/listSearch';

const operationOptions = Object.values(operations)
	.map((operation) => operation.option)
	.sort((a, b) => a.name.localeCompare(b.name));

const properties: INodeProperties[] = [
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: [{ name: 'Referral', value: 'referral' }],
		default: 'referral',
	},
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['referral'] } },
		options: operationOptions,
		default: 'get',
	},
	// Shown only when the node is an AI model's tool: what the model is told each operation does.
	...Object.entries(operations).map(([value, operation]) =>
		toolDescriptionField(value, operation.toolDescription),
	),
	...Object.values(operations).flatMap((operation) => operation.description),
];

export class PartnerCenterReferral implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Partner Center Referral',
		name: 'partnerCenterReferral',
		icon: { light: 'file:partnerCenter.svg', dark: 'file:partnerCenter.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description:
			'Read and manage Microsoft Partner Center referrals (co-sell opportunities and leads)',
		defaults: { name: 'Partner Center Referral' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'partnerCenterOAuth2Api', required: true }],
		properties,
	};

	methods = {
		listSearch: { searchReferrals },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
