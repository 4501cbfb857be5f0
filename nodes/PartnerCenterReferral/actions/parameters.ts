/** Parameters that several operations read the same way. */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { referralIdOf } from '../shared/referralId';
import type { ValueReader } from '../shared/values';
import { eTag, flag, isBlank, limit } from '../shared/values';

/**
 * The referral GUID of the Referral parameter (a resource locator, or a plain string from an
 * expression), trimmed and URL-encoded; anything else fails here, before a request.
 */
export function getReferralId(
	this: IExecuteFunctions,
	itemIndex: number,
	parameterName = 'referralId',
): string {
	return referralIdOf(this, this.getNodeParameter(parameterName, itemIndex), itemIndex);
}

/**
 * "Return All" and "Limit" of a listing operation, read before anything is sent: the limit,
 * or undefined when Return All is on (a switch, so also the text true or false).
 */
export function readLimit(
	context: IExecuteFunctions,
	read: ValueReader,
	itemIndex: number,
): number | undefined {
	if (read.required('Return All', context.getNodeParameter('returnAll', itemIndex, false), flag))
		return undefined;
	return read.required('Limit', context.getNodeParameter('limit', itemIndex, 50), limit);
}

/**
 * The eTag from "Only Update If Unchanged", or undefined when the option is not added.
 * Added but blank or not text (say, an expression naming a missing field) fails: the update
 * must not run unguarded. So does an eTag that would not be sent byte for byte as If-Match.
 */
export function readETagOption(read: ValueReader, options: IDataObject): string | undefined {
	if (!('eTag' in options)) return undefined;
	const parameter = 'Only Update If Unchanged (ETag)';
	if (isBlank(options.eTag) || typeof options.eTag !== 'string') {
		read.fail(
			parameter,
			options.eTag,
			'the eTag of the referral as last read, e.g. {{ $json.eTag }} after a Get. Added but empty, the update would not be guarded: map the eTag field (check its name), or remove the option to update regardless',
		);
	}
	return read.required(parameter, options.eTag, eTag);
}

/** "Simplify", by the one switch rule (shared/values.ts `flag`). */
export function readSimplify(
	context: IExecuteFunctions,
	read: ValueReader,
	itemIndex: number,
): boolean {
	return read.required('Simplify', context.getNodeParameter('simplify', itemIndex, true), flag);
}
