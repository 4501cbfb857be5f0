/** Parameters that several operations read the same way. */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { DEFAULT_MAX_CONCURRENT, MAX_CONCURRENT } from '../shared/constants';
import { referralIdOf } from '../shared/referralId';
import { timeoutMsForOption } from '../shared/timeout';
import { COMPACT_KEYS, moreReferralsNote, runsAsTool, TOOL_MAX_REFERRALS } from '../shared/tool';
import { eTag, flag, isBlank, limit, oneOf, ValueReader, wholeNumber } from '../shared/values';

/**
 * The referral GUID of the Referral parameter (a resource locator, or a plain string from an
 * expression), trimmed and URL-encoded; anything else fails here, before a request.
 */
export function getReferralId(
	this: IExecuteFunctions,
	itemIndex: number,
	parameterName = 'referralId',
): string {
	return referralIdOf(
		this,
		this.getNodeParameter(parameterName, itemIndex),
		itemIndex,
		parameterName,
	);
}

/**
 * "Return All" and "Limit" of a listing operation, read before anything is sent: the limit,
 * or undefined when Return All is on (a switch, so also the text true or false).
 *
 * As a model's tool, a blank Return All or Limit is "not set" (n8n makes the model send every
 * argument it is given, so it may send an empty one), and an invalid Limit is explained without
 * the editor's settings; the answer is then cut to size by `toolAnswer`.
 */
export function readLimit(
	context: IExecuteFunctions,
	read: ValueReader,
	itemIndex: number,
): number | undefined {
	const returnAll = context.getNodeParameter('returnAll', itemIndex, false);
	const value = context.getNodeParameter('limit', itemIndex, 50);
	if (runsAsTool(context.getNode())) {
		if (read.optional('Return All', returnAll, flag) === true || isBlank(value)) return undefined;
	} else if (read.required('Return All', returnAll, flag)) return undefined;
	// as a tool, the limit rule's words for a model (no "Return All")
	return read.required('Limit', value, limit);
}

/**
 * A listing's limit as sent: as a model's tool, one more than an answer holds at most, so that
 * `toolAnswer` knows whether more exist.
 */
export function listingLimit(
	context: IExecuteFunctions,
	limit: number | undefined,
): number | undefined {
	if (!runsAsTool(context.getNode())) return limit;
	return Math.min(limit ?? Infinity, TOOL_MAX_REFERRALS + 1);
}

/**
 * What a listing answers. As a model's tool: at most TOOL_MAX_REFERRALS referrals, then a note
 * when more exist; with "Fields for the Model" Compact (and Simplify on), only COMPACT_KEYS.
 */
export function toolAnswer(
	context: IExecuteFunctions,
	itemIndex: number,
	simplify: boolean,
	referrals: IDataObject[],
): IDataObject[] {
	if (!runsAsTool(context.getNode())) return referrals;
	const shown = referrals
		.slice(0, TOOL_MAX_REFERRALS)
		.map((referral) =>
			simplify && readToolFields(context, itemIndex) === 'compact' ? compact(referral) : referral,
		);
	return referrals.length > TOOL_MAX_REFERRALS
		? [...shown, moreReferralsNote(TOOL_MAX_REFERRALS)]
		: shown;
}

/** One referral as a model's tool answers it (Get, the writes): its fields as chosen. */
export function toolReferral(
	context: IExecuteFunctions,
	itemIndex: number,
	simplify: boolean,
	referral: IDataObject,
): IDataObject {
	return toolAnswer(context, itemIndex, simplify, [referral])[0];
}

function readToolFields(context: IExecuteFunctions, itemIndex: number): string {
	const read = new ValueReader(context, itemIndex);
	return read.required(
		'Fields for the Model',
		context.getNodeParameter('toolFields', itemIndex, 'all'),
		oneOf(['all', 'compact']),
	);
}

function compact(referral: IDataObject): IDataObject {
	return Object.fromEntries(COMPACT_KEYS.map((key) => [key, referral[key] ?? null]));
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
		read.fail(parameter, options.eTag, {
			expected:
				'the eTag of the referral as last read, e.g. {{ $json.eTag }} after a Get. Added but empty, the update would not be guarded: map the eTag field (check its name), or remove the option to update regardless',
			forModel:
				'the referral\'s eTag exactly as a Partner Center Referral tool returned it in the referral\'s "eTag" field (read the referral again to get its current one). Empty, the change would not be guarded against one made since the referral was read, so it is refused',
		});
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

/** The options that hold for a whole execution: one timeout and one pool of requests for all items. */
export interface ExecutionOptions {
	/** Options → Timeout (Seconds), in ms. */
	timeoutMs: number;
	/** Options → Max Concurrent Requests (the default when not set). */
	maxConcurrent: number;
}

const MAX_CONCURRENT_NAME = 'Max Concurrent Requests';

const maxConcurrent = wholeNumber(
	1,
	MAX_CONCURRENT,
	`a whole number from 1 to ${MAX_CONCURRENT}, as a number or as text of digits such as "${DEFAULT_MAX_CONCURRENT}" (or nothing, for the default of ${DEFAULT_MAX_CONCURRENT})`,
);

/**
 * Timeout (Seconds) and Max Concurrent Requests as one item gives them, by the value rules
 * (blank is the default; anything else invalid fails naming the option and the item, before
 * anything is sent).
 */
export function readExecutionOptions(
	context: IExecuteFunctions,
	itemIndex: number,
): ExecutionOptions {
	const options = context.getNodeParameter('options', itemIndex, {}) as IDataObject;
	return {
		timeoutMs: timeoutMsForOption(context, options.timeout, itemIndex),
		maxConcurrent:
			new ValueReader(context, itemIndex).optional(
				MAX_CONCURRENT_NAME,
				options.concurrency,
				maxConcurrent,
			) ?? DEFAULT_MAX_CONCURRENT,
	};
}

/**
 * A later item's execution options, which must be the first item's: the execution has one
 * timeout and one pool, so a different value cannot apply to this item and is refused (naming
 * the item) rather than ignored, as is an invalid one.
 */
export function checkExecutionOptions(
	context: IExecuteFunctions,
	itemIndex: number,
	first: ExecutionOptions,
): void {
	const own = readExecutionOptions(context, itemIndex);
	const differing = [
		['Timeout (Seconds)', own.timeoutMs / 1000, first.timeoutMs / 1000],
		[MAX_CONCURRENT_NAME, own.maxConcurrent, first.maxConcurrent],
	].find(([, value, firstValue]) => value !== firstValue);
	if (!differing) return;
	const [name, value, firstValue] = differing;
	throw new NodeOperationError(
		context.getNode(),
		`"${name}" is ${value} for item ${itemIndex} but ${firstValue} for item 0: it must be the same for every item`,
		{
			description: `"${name}" applies to the whole execution (one time limit and one pool of requests for all items), set from the first item (items counted from 0); a different value on a later item is refused rather than ignored. Give every item the same value (a fixed value, or an expression that gives the same for each item; not set means the default), or send these items in separate executions. Nothing was sent to Partner Center for this item.`,
			itemIndex,
		},
	);
}
