/**
 * What the node shows only when it is an AI model's tool (n8n's `@tool` display option: the
 * node type is n8n's `<name>Tool` wrapper, under an AI Agent or an MCP Server Trigger), and the
 * words the tool descriptions share.
 *
 * n8n describes a tool to the model by its `toolDescription` parameter. When a node has none,
 * n8n adds its own, set automatically to the operation's action text ("Get many referrals in
 * Partner Center Referral"), which tells a model nothing of what comes back. So each operation
 * brings its own, prefilled with a text written for a model; the user can rewrite it.
 */
import type { INodeProperties } from 'n8n-workflow';

import { TOOL_MAX_REFERRALS } from '../shared/tool';

export { REFERRAL_ID_FOR_MODEL } from '../shared/tool';

/** The fields of a referral in an answer, in the order they come. */
export const REFERRAL_FIELDS_FOR_MODEL =
	'id (its GUID), name, status (New, Active or Closed) and substatus, customerName, customerCountry, dealValue (a number) and currency, closingDateTime, createdDateTime and updatedDateTime (UTC)';

/** What a listing says of its size. */
export const LISTING_SIZE_FOR_MODEL = `One call returns at most ${TOOL_MAX_REFERRALS} referrals; when more match, the last entry is a note saying so: then narrow the request with this tool's filters (such as status or dates).`;

/** The "Description" parameter of one operation's tool, prefilled with `text`. */
export function toolDescriptionField(operation: string, text: string): INodeProperties {
	return {
		displayName: 'Description',
		name: 'toolDescription',
		type: 'string',
		default: text,
		required: true,
		typeOptions: { rows: 4 },
		description:
			'What the AI model is told this tool does and returns. Prefilled for this operation; a good, specific description helps the model call the tool well.',
		displayOptions: { show: { resource: ['referral'], operation: [operation], '@tool': [true] } },
	};
}

/** "Fields for the Model": every simplified field, or the compact set (shared/tool.ts COMPACT_KEYS). */
export function toolFieldsField(defaultFields: 'all' | 'compact'): INodeProperties {
	return {
		displayName: 'Fields for the Model',
		name: 'toolFields',
		type: 'options',
		options: [
			{
				name: 'Compact',
				value: 'compact',
				description:
					'ID, name, status, substatus, customer name and country, deal value, currency, closing, created and updated dates: about a third of the text',
			},
			{
				name: 'All',
				value: 'all',
				description: 'Every field of the simplified referral (notes, contacts, eTag, ...)',
			},
		],
		default: defaultFields,
		description: 'Which fields of each referral the AI model receives',
		displayOptions: { show: { simplify: [true], '@tool': [true] } },
	};
}
