import type { IDataObject, IExecuteFunctions, INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import {
	concurrencyOption,
	eTagOption,
	membersField,
	optionsCollection,
	referralIdLocator,
	simplifyField,
} from '../../descriptions/common';
import { qualificationFilter } from '../../descriptions/filters';
import { FieldReader } from '../../helpers/body';
import { STATUSES, SUBSTATUSES } from '../../helpers/constants';
import type { JsonPatchOperation } from '../../helpers/referrals';
import { checkTransition, patchReferral, readETagOption } from '../../helpers/referrals';
import { getReferralId } from '../../helpers/referralId';
import { formatReferral } from '../../helpers/simplify';

export const option: INodePropertyOptions = {
	name: 'Update',
	value: 'update',
	description: 'Update fields of a referral',
	action: 'Update a referral',
};

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
			{ displayName: 'Currency', name: 'currency', type: 'string', default: '', placeholder: 'e.g. USD' },
			membersField('customerContactsToAdd', 'Customer Contacts to Add', 'Customer contacts to add to the referral'),
			{ displayName: 'Deal Value', name: 'dealValue', type: 'number', typeOptions: { minValue: 0 }, default: 0 },
			{ displayName: 'External Reference ID', name: 'externalReferenceId', type: 'string', default: '' },
			{ displayName: 'Name', name: 'name', type: 'string', default: '' },
			{ displayName: 'Notes', name: 'notes', type: 'string', typeOptions: { rows: 3 }, default: '' },
			qualificationFilter,
			{
				displayName: 'Status',
				name: 'status',
				type: 'options',
				options: STATUSES.filter((status) => status !== 'None').map((status) => ({ name: status, value: status })),
				default: 'Active',
				description: 'Checked against the allowed moves before sending; Accept, Decline, Mark as Won and Mark as Lost do the common moves in one step',
			},
			{ displayName: 'Status Reason', name: 'statusReason', type: 'string', default: '' },
			{
				displayName: 'Substatus',
				name: 'substatus',
				type: 'options',
				options: SUBSTATUSES.filter((substatus) => substatus !== 'None').map((substatus) => ({
					name: substatus,
					value: substatus,
				})),
				default: 'Accepted',
			},
			membersField('teamMembersToAdd', 'Team Members to Add', 'Your people to add to the referral team'),
		],
	},
	optionsCollection(concurrencyOption, eTagOption),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['referral'], operation: ['update'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const id = getReferralId.call(this, itemIndex);
	const simplify = this.getNodeParameter('simplify', itemIndex, true) as boolean;
	const fields = this.getNodeParameter('updateFields', itemIndex, {}) as IDataObject;
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const read = new FieldReader(this, itemIndex);

	const patch: JsonPatchOperation[] = [];
	const replace = (path: string, value: IDataObject[string] | undefined) => {
		if (value !== undefined) patch.push({ op: 'replace', path, value });
	};
	replace('/name', read.text(fields.name));
	replace('/externalReferenceId', read.text(fields.externalReferenceId));
	replace('/qualification', read.text(fields.qualification));
	replace('/status', read.text(fields.status));
	replace('/substatus', read.text(fields.substatus));
	replace('/statusReason', read.text(fields.statusReason));
	replace('/details/notes', read.text(fields.notes));
	replace('/details/dealValue', read.amount('Deal Value', fields.dealValue));
	replace('/details/currency', read.currency('Currency', fields.currency));
	replace('/details/closingDateTime', read.dateTime('Closing Date', fields.closingDateTime));
	for (const member of read.members('Team Members to Add', fields.teamMembersToAdd)) {
		patch.push({ op: 'add', path: '/team/-', value: member });
	}
	for (const contact of read.members('Customer Contacts to Add', fields.customerContactsToAdd)) {
		patch.push({ op: 'add', path: '/customerProfile/team/-', value: contact });
	}
	if (patch.length === 0) {
		read.fail('Update Fields', {}, 'at least one field to change (add one with "Add Field")');
	}

	let eTag = readETagOption(options);
	if (fields.status !== undefined || fields.substatus !== undefined) {
		const target = { status: read.text(fields.status), substatus: read.text(fields.substatus) };
		eTag = await checkTransition.call(this, id, target, eTag, itemIndex);
	}
	const updated = await patchReferral.call(this, id, patch, eTag, itemIndex);
	return [formatReferral(updated, simplify)];
}
