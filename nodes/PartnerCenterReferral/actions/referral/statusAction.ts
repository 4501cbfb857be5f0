/**
 * The one-step status moves (accept, decline, mark won, mark lost) differ only in their
 * target state; each operation file describes itself through this factory.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { JsonPatchOperation } from '../../api/referrals';
import { patchReferral } from '../../api/referrals';
import { checkTransition } from '../../api/transitionGuard';
import {
	concurrencyOption,
	eTagOption,
	optionsCollection,
	referralIdLocator,
	simplifyField,
	timeoutOption,
} from '../../descriptions/common';
import { REFERRAL_ID_FOR_MODEL } from '../../descriptions/tool';
import { formatReferral } from '../../shared/simplify';
import { text, ValueReader } from '../../shared/values';
import { getReferralId, readETagOption, readSimplify } from '../parameters';
import type { ReferralOperation, SendItem } from '../types';

export interface StatusMove {
	value: string;
	name: string;
	action: string;
	description: string;
	status: string;
	substatus: string;
	reasonPlaceholder: string;
	/** The tool description's own part: what the move means to the deal. */
	forModel: string;
}

export function statusAction(move: StatusMove): ReferralOperation {
	const properties: INodeProperties[] = [
		referralIdLocator,
		simplifyField,
		optionsCollection(
			concurrencyOption,
			eTagOption,
			{
				displayName: 'Reason',
				name: 'reason',
				type: 'string',
				default: '',
				placeholder: move.reasonPlaceholder,
				description: "Why, in free text (sent as the referral's status reason)",
			},
			timeoutOption,
		),
	];

	return {
		option: {
			name: move.name,
			value: move.value,
			description: move.description,
			action: move.action,
		},
		description: updateDisplayOptions(
			{ show: { resource: ['referral'], operation: [move.value] } },
			properties,
		),
		toolDescription: `${move.forModel} It takes the referral's id. ${REFERRAL_ID_FOR_MODEL} Returns the updated referral. Writes: the new status is saved in Partner Center at once, and Closed is final (a closed referral cannot be reopened). Call it only when the user asked for it.`,
		writes: true,
		prepare(this: IExecuteFunctions, itemIndex: number): SendItem {
			const read = new ValueReader(this, itemIndex);
			const id = getReferralId.call(this, itemIndex);
			const simplify = readSimplify(this, read, itemIndex);
			const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
			const expectedETag = readETagOption(read, options);
			const patch: JsonPatchOperation[] = [
				{ op: 'replace', path: '/status', value: move.status },
				{ op: 'replace', path: '/substatus', value: move.substatus },
			];
			const reason = read.optional('Reason', options.reason, text);
			if (reason !== undefined) patch.push({ op: 'replace', path: '/statusReason', value: reason });
			const target = { status: move.status, substatus: move.substatus };
			return async () => {
				const { eTag } = await checkTransition.call(this, id, target, expectedETag, itemIndex);
				const updated = await patchReferral.call(this, id, patch, eTag, itemIndex);
				return [formatReferral(updated, simplify)];
			};
		},
	};
}
