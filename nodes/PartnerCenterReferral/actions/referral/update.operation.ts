import type {
	IDataObject,
	IExecuteFunctions,
	INodeProperties,
	INodePropertyOptions,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { JsonPatchOperation } from '../../api/referrals';
import { patchReferral } from '../../api/referrals';
import { checkTransition } from '../../api/transitionGuard';
import {
	concurrencyOption,
	eTagOption,
	membersField,
	optionsCollection,
	referralIdLocator,
	simplifyField,
	timeoutOption,
} from '../../descriptions/common';
import { qualificationField } from '../../descriptions/fields';
import { REFERRAL_ID_FOR_MODEL } from '../../descriptions/tool';
import { readMembers } from '../../shared/body';
import { QUALIFICATIONS, STATUSES, SUBSTATUSES } from '../../shared/constants';
import { formatReferral } from '../../shared/simplify';
import type { Rule } from '../../shared/values';
import { amount, currency, dateTime, oneOf, text, ValueReader } from '../../shared/values';
import { getReferralId, readETagOption, readSimplify } from '../parameters';
import type { SendItem } from '../types';

/** The statuses and substatuses an update may set (None is not one to move to). */
const UPDATE_STATUSES = STATUSES.filter((status) => status !== 'None');
const UPDATE_SUBSTATUSES = SUBSTATUSES.filter((substatus) => substatus !== 'None');

export const option: INodePropertyOptions = {
	name: 'Update',
	value: 'update',
	description: 'Update fields of a referral',
	action: 'Update a referral',
};

export const toolDescription = `Changes fields of one Microsoft Partner Center referral, given its id, and returns the updated referral. ${REFERRAL_ID_FOR_MODEL} Writes: the change is saved in Partner Center at once, and a status change cannot be undone once the referral is Closed. Call it only when the user asked for this change.`;

const properties: INodeProperties[] = [
	referralIdLocator,
	simplifyField,
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			{ displayName: 'Closing Date', name: 'closingDateTime', type: 'dateTime', default: '' },
			{
				displayName: 'Currency',
				name: 'currency',
				type: 'string',
				default: '',
				placeholder: 'e.g. USD',
			},
			membersField(
				'customerContactsToAdd',
				'Customer Contacts to Add',
				'Customer contacts to add to the referral',
			),
			{
				displayName: 'Deal Value',
				name: 'dealValue',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 0,
			},
			{
				displayName: 'External Reference ID',
				name: 'externalReferenceId',
				type: 'string',
				default: '',
			},
			{ displayName: 'Name', name: 'name', type: 'string', default: '' },
			{
				displayName: 'Notes',
				name: 'notes',
				type: 'string',
				typeOptions: { rows: 3 },
				default: '',
			},
			qualificationField,
			{
				displayName: 'Status',
				name: 'status',
				type: 'options',
				options: UPDATE_STATUSES.map((status) => ({ name: status, value: status })),
				default: 'Active',
				description:
					'Checked against the allowed moves before sending; Accept, Decline, Mark as Won and Mark as Lost do the common moves in one step',
			},
			{ displayName: 'Status Reason', name: 'statusReason', type: 'string', default: '' },
			{
				displayName: 'Substatus',
				name: 'substatus',
				type: 'options',
				options: UPDATE_SUBSTATUSES.map((substatus) => ({ name: substatus, value: substatus })),
				default: 'Accepted',
			},
			membersField(
				'teamMembersToAdd',
				'Team Members to Add',
				'Your people to add to the referral team',
			),
		],
	},
	optionsCollection(concurrencyOption, eTagOption, timeoutOption),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['referral'], operation: ['update'] } },
	properties,
);

export const writes = true;

export function prepare(this: IExecuteFunctions, itemIndex: number): SendItem {
	const read = new ValueReader(this, itemIndex);
	const id = getReferralId.call(this, itemIndex);
	const simplify = readSimplify(this, read, itemIndex);
	const fields = this.getNodeParameter('updateFields', itemIndex, {}) as IDataObject;
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;

	const patch: JsonPatchOperation[] = [];
	const replace = <T extends IDataObject[string]>(
		path: string,
		parameter: string,
		value: unknown,
		rule: Rule<T>,
	) => {
		const found = read.optional(parameter, value, rule);
		if (found !== undefined) patch.push({ op: 'replace', path, value: found });
		return found;
	};
	replace('/name', 'Name', fields.name, text);
	replace('/externalReferenceId', 'External Reference ID', fields.externalReferenceId, text);
	replace('/qualification', 'Qualification', fields.qualification, oneOf(QUALIFICATIONS));
	const status = replace('/status', 'Status', fields.status, oneOf(UPDATE_STATUSES));
	const substatus = replace('/substatus', 'Substatus', fields.substatus, oneOf(UPDATE_SUBSTATUSES));
	replace('/statusReason', 'Status Reason', fields.statusReason, text);
	replace('/details/notes', 'Notes', fields.notes, text);
	replace('/details/dealValue', 'Deal Value', fields.dealValue, amount);
	replace('/details/currency', 'Currency', fields.currency, currency);
	replace('/details/closingDateTime', 'Closing Date', fields.closingDateTime, dateTime);
	for (const member of readMembers(read, 'Team Members to Add', fields.teamMembersToAdd)) {
		patch.push({ op: 'add', path: '/team/-', value: member });
	}
	for (const contact of readMembers(
		read,
		'Customer Contacts to Add',
		fields.customerContactsToAdd,
	)) {
		patch.push({ op: 'add', path: '/customerProfile/team/-', value: contact });
	}
	if (patch.length === 0) {
		read.fail(
			'Update Fields',
			{},
			{
				expected: 'at least one field to change (add one with "Add Field")',
				forModel: 'at least one field to change: every value this call gave was empty',
			},
		);
	}
	const expectedETag = readETagOption(read, options);

	return async () => {
		let eTag = expectedETag;
		let filledSubstatus: string | undefined;
		if (status !== undefined || substatus !== undefined) {
			({ eTag, filledSubstatus } = await checkTransition.call(
				this,
				id,
				{ status, substatus },
				eTag,
				itemIndex,
			));
		}
		let sent = patch;
		if (filledSubstatus !== undefined) {
			// right after /status, where a Substatus given would be
			const at = patch.findIndex((operation) => operation.path === '/status') + 1;
			sent = [
				...patch.slice(0, at),
				{ op: 'replace', path: '/substatus', value: filledSubstatus },
				...patch.slice(at),
			];
		}
		const updated = await patchReferral.call(this, id, sent, eTag, itemIndex);
		if (filledSubstatus !== undefined) hintFilledSubstatus(this, `${status}/${filledSubstatus}`);
		return [formatReferral(updated, simplify)];
	};
}

/** The runs (n8n's context of one execution of the node) already told about a filled substatus. */
const hinted = new WeakMap<IExecuteFunctions, Set<string>>();

/** Says once per run and move, above the output, that Update filled in the substatus. */
function hintFilledSubstatus(context: IExecuteFunctions, move: string): void {
	const told = hinted.get(context) ?? new Set<string>();
	hinted.set(context, told);
	// n8n versions before execution hints (2024) run the update all the same
	if (told.has(move) || typeof context.addExecutionHints !== 'function') return;
	told.add(move);
	const [status, substatus] = move.split('/');
	context.addExecutionHints({
		message: `Substatus set to ${substatus}, the only substatus of ${status}, where Update Fields had Status ${status} and no Substatus`,
		location: 'outputPane',
	});
}
