/**
 * Minimal stand-ins for the n8n-nodes-base nodes that example workflows use (the package
 * does not depend on n8n-nodes-base): Manual Trigger, Edit Fields (Set) 3.x, If 2.x and
 * No Operation, plus the harness's own input node used by `runNode`. Parameters are read
 * with `this.getNodeParameter()` so n8n resolves their expressions, and If evaluates its
 * conditions with n8n-workflow's own filter engine, exactly as the real nodes do.
 */
import type {
	FieldType,
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	NodeParameterValue,
} from 'n8n-workflow';
import {
	deepCopy,
	jsonParse,
	NodeConnectionTypes,
	NodeOperationError,
	validateFieldType,
} from 'n8n-workflow';

export class ManualTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Manual Trigger',
		name: 'manualTrigger',
		group: ['trigger', 'input'],
		version: 1,
		description: 'Runs the flow on clicking a button in n8n',
		maxNodes: 1,
		defaults: { name: 'When clicking ‘Execute workflow’' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [[{ json: {} }]];
	}
}

/** Emits the items given (as a JSON string) in its `items` parameter; `runNode` starts from it. */
export class HarnessInput implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Harness Input',
		name: 'harnessInput',
		group: ['trigger', 'input'],
		version: 1,
		description: 'Emits the test items',
		defaults: { name: 'Input' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		properties: [{ displayName: 'Items', name: 'items', type: 'json', default: '[]' }],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const raw = this.getNodeParameter('items', 0) as string | IDataObject[];
		const items = typeof raw === 'string' ? jsonParse<IDataObject[]>(raw) : raw;
		return [items.map((json) => ({ json }))];
	}
}

export class NoOp implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'No Operation, do nothing',
		name: 'noOp',
		group: ['organization'],
		version: 1,
		description: 'No Operation',
		defaults: { name: 'No Operation, do nothing' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [this.getInputData()];
	}
}

interface SetOptions {
	dotNotation?: boolean;
	ignoreConversionErrors?: boolean;
}

function setPath(target: IDataObject, path: string, value: unknown): void {
	const keys = path.split('.');
	let current = target;
	for (const key of keys.slice(0, -1)) {
		if (typeof current[key] !== 'object' || current[key] === null) current[key] = {};
		current = current[key] as IDataObject;
	}
	current[keys[keys.length - 1]] = value as IDataObject[string];
}

/** Same conversion rules as the real node's `validateEntry` (Set ≥ 3.3). */
function convertAssignment(
	this: IExecuteFunctions,
	name: string,
	type: FieldType,
	value: unknown,
	itemIndex: number,
	ignoreErrors: boolean,
): unknown {
	const description = `To fix the error try to change the type for the field "${name}" or activate the option “Ignore Type Conversion Errors” to apply a less strict type validation`;
	if (type === 'string') {
		if (value === undefined || value === null) {
			if (ignoreErrors) return null;
			throw new NodeOperationError(
				this.getNode(),
				`'${name}' expects a string but we got ${String(value)} [item ${itemIndex}]`,
				{
					itemIndex,
					description,
				},
			);
		}
		value = typeof value === 'object' ? JSON.stringify(value) : String(value);
	}
	const result = validateFieldType(name, value, type);
	if (!result.valid) {
		if (ignoreErrors) return value ?? null;
		throw new NodeOperationError(this.getNode(), `${result.errorMessage} [item ${itemIndex}]`, {
			itemIndex,
			description,
		});
	}
	return result.newValue ?? null;
}

export class EditFields implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Edit Fields (Set)',
		name: 'set',
		group: ['input'],
		version: [3, 3.1, 3.2, 3.3, 3.4],
		description: 'Modify, add, or remove item fields',
		defaults: { name: 'Edit Fields' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [
			{
				displayName: 'Mode',
				name: 'mode',
				type: 'options',
				options: [
					{ name: 'Manual Mapping', value: 'manual' },
					{ name: 'JSON', value: 'raw' },
				],
				default: 'manual',
			},
			{
				displayName: 'JSON',
				name: 'jsonOutput',
				type: 'json',
				default: '{}',
				displayOptions: { show: { mode: ['raw'] } },
			},
			{
				displayName: 'Fields to Set',
				name: 'assignments',
				type: 'assignmentCollection',
				default: {},
				displayOptions: { show: { mode: ['manual'] } },
			},
			{
				displayName: 'Include Other Input Fields',
				name: 'includeOtherFields',
				type: 'boolean',
				default: false,
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add option',
				default: {},
				options: [
					{
						displayName: 'Support Dot Notation',
						name: 'dotNotation',
						type: 'boolean',
						default: true,
					},
					{
						displayName: 'Ignore Type Conversion Errors',
						name: 'ignoreConversionErrors',
						type: 'boolean',
						default: false,
					},
				],
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const returnData: INodeExecutionData[] = [];
		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			try {
				const mode = this.getNodeParameter('mode', itemIndex) as string;
				const options = this.getNodeParameter('options', itemIndex, {}) as SetOptions;
				let fields: IDataObject;
				if (mode === 'raw') {
					const raw = this.getNodeParameter('jsonOutput', itemIndex) as string | IDataObject;
					fields = typeof raw === 'string' ? jsonParse<IDataObject>(raw) : raw;
				} else {
					const collection = this.getNodeParameter('assignments', itemIndex, {}) as {
						assignments?: Array<{ name: string; value: NodeParameterValue; type?: string }>;
					};
					fields = {};
					for (const assignment of collection.assignments ?? []) {
						fields[assignment.name] = convertAssignment.call(
							this,
							assignment.name,
							(assignment.type ?? 'string') as FieldType,
							assignment.value,
							itemIndex,
							options.ignoreConversionErrors === true,
						) as IDataObject[string];
					}
				}
				const includeOtherFields = this.getNodeParameter(
					'includeOtherFields',
					itemIndex,
					false,
				) as boolean;
				const json: IDataObject = includeOtherFields ? deepCopy(items[itemIndex].json) : {};
				for (const [name, value] of Object.entries(fields)) {
					if (options.dotNotation === false) json[name] = value;
					else setPath(json, name, value);
				}
				returnData.push({ json, pairedItem: { item: itemIndex } });
			} catch (error) {
				if (this.continueOnFail()) {
					returnData.push({
						json: { error: (error as Error).message },
						pairedItem: { item: itemIndex },
					});
					continue;
				}
				throw error instanceof NodeOperationError
					? error
					: new NodeOperationError(this.getNode(), error as Error, { itemIndex });
			}
		}
		return [returnData];
	}
}

export class If implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'If',
		name: 'if',
		group: ['transform'],
		version: [2, 2.1, 2.2],
		description: 'Route items to different branches (true/false)',
		defaults: { name: 'If' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['true', 'false'],
		properties: [
			{
				displayName: 'Conditions',
				name: 'conditions',
				type: 'filter',
				default: {},
				typeOptions: {
					filter: {
						caseSensitive: '={{!$parameter.options.ignoreCase}}',
						typeValidation: '={{ $parameter.looseTypeValidation ? "loose" : "strict" }}',
						version: '={{ $nodeVersion >= 2.2 ? 2 : 1 }}',
					},
				},
			},
			{
				displayName: 'Convert Types Where Required',
				name: 'looseTypeValidation',
				type: 'boolean',
				default: false,
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add option',
				default: {},
				options: [
					{ displayName: 'Ignore Case', name: 'ignoreCase', type: 'boolean', default: true },
				],
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const trueItems: INodeExecutionData[] = [];
		const falseItems: INodeExecutionData[] = [];
		this.getInputData().forEach((item, itemIndex) => {
			try {
				// For a `filter` parameter, `extractValue` makes n8n-core run `executeFilter()`.
				const pass = this.getNodeParameter('conditions', itemIndex, false, {
					extractValue: true,
				}) as boolean;
				item.pairedItem ??= { item: itemIndex };
				(pass ? trueItems : falseItems).push(item);
			} catch (error) {
				if (this.continueOnFail()) {
					falseItems.push(item);
					return;
				}
				throw error instanceof NodeOperationError
					? error
					: new NodeOperationError(this.getNode(), error as Error, { itemIndex });
			}
		});
		return [trueItems, falseItems];
	}
}

/** Registered under their n8n type names. */
export const baseNodeTypes: Record<string, INodeType> = {
	'n8n-nodes-base.manualTrigger': new ManualTrigger(),
	'n8n-nodes-base.set': new EditFields(),
	'n8n-nodes-base.if': new If(),
	'n8n-nodes-base.noOp': new NoOp(),
	'n8n-nodes-harness.input': new HarnessInput(),
};
