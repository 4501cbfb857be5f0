/** Parameters that several operations read the same way. */
import type { IDataObject } from 'n8n-workflow';

import type { ValueReader } from '../shared/values';
import { textOnly } from '../shared/values';

/**
 * The eTag from "Only Update If Unchanged", or undefined when the option is not added.
 * Added but blank or not text (say, an expression naming a missing field) fails: the
 * update must not run unguarded.
 */
export function readETagOption(read: ValueReader, options: IDataObject): string | undefined {
	if (!('eTag' in options)) return undefined;
	return read.required(
		'Only Update If Unchanged (ETag)',
		options.eTag,
		textOnly,
		'the eTag of the referral as last read, e.g. {{ $json.eTag }} after a Get. Added but empty, the update would not be guarded: map the eTag field (check its name), or remove the option to update regardless',
	);
}
