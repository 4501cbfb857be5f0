/** Referral requests used by several operations (built on the transport). */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { REFERRALS_PATH } from '../shared/constants';
import type { ReferralState } from '../shared/transitions';
import { allowedMoves, checkMove, describeState } from '../shared/transitions';
import type { ValueReader } from '../shared/values';
import { textOnly } from '../shared/values';
import type { PartnerCenterContext } from '../transport';
import { apiRequest, isReferral, MAYBE_CREATED } from '../transport';

/** Reads one referral; an answer that is not a referral (no id, e.g. an empty body) is an error. */
export async function getReferral(
	this: PartnerCenterContext,
	id: string,
	itemIndex?: number,
): Promise<IDataObject> {
	const { body } = await apiRequest.call(this, {
		method: 'GET',
		path: `${REFERRALS_PATH}/${id}`,
		itemIndex,
		referralId: id,
	});
	if (isReferral(body)) return body;
	throw new NodeOperationError(this.getNode(), `Partner Center returned no referral for ${id}`, {
		description:
			'Its answer had no referral id (an empty or unexpected body), so there is nothing to output or check. Run again; if it persists, check the API Base URL in the credential (it must point at the Partner Center API, not a web page or another service).',
		itemIndex,
	});
}

/** The referral a create answered with; an answer without one (no id) may still mean it was created. */
export function createdReferral(this: IExecuteFunctions, body: IDataObject | undefined, itemIndex: number): IDataObject {
	if (isReferral(body)) return body;
	throw new NodeOperationError(this.getNode(), 'Partner Center answered the create without the created referral', {
		description: `Its answer had no referral id (an empty or unexpected body). ${MAYBE_CREATED}`,
		itemIndex,
	});
}

export interface JsonPatchOperation extends IDataObject {
	op: 'replace' | 'add';
	path: string;
	value: IDataObject[string];
}

/**
 * Sends one JSON Patch and returns the referral as it is afterwards (the service is asked
 * for the representation; if it answers without one, e.g. 204, the referral is read again).
 * With `eTag`, the update only happens if the referral still has that eTag.
 */
export async function patchReferral(
	this: IExecuteFunctions,
	id: string,
	operations: JsonPatchOperation[],
	eTag: string | undefined,
	itemIndex: number,
): Promise<IDataObject> {
	const headers: IDataObject = { Prefer: 'return=representation', 'Content-Type': 'application/json' };
	if (eTag) headers['If-Match'] = eTag;
	const { body } = await apiRequest.call(this, {
		method: 'PATCH',
		path: `${REFERRALS_PATH}/${id}`,
		body: operations,
		headers,
		itemIndex,
		referralId: id,
	});
	return isReferral(body) ? body : await getReferral.call(this, id, itemIndex);
}

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

/**
 * Reads the referral and checks that moving it to `target` is allowed by the documented
 * transition table (and, with an expected eTag, that it did not change). Fails without
 * sending anything otherwise, also when the referral has no status to move from. Returns
 * the eTag to guard the update with.
 */
export async function checkTransition(
	this: IExecuteFunctions,
	id: string,
	target: ReferralState,
	expectedETag: string | undefined,
	itemIndex: number,
): Promise<string | undefined> {
	const current = await getReferral.call(this, id, itemIndex);
	if (typeof current.status !== 'string' || current.status === '') {
		throw new NodeOperationError(this.getNode(), `Partner Center returned referral ${id} without a status, so the move cannot be checked`, {
			description:
				'Nothing was sent: the node never changes a status without knowing the one it moves from. Get the referral to see what Partner Center returns for it, and run again.',
			itemIndex,
		});
	}
	const state: ReferralState = {
		status: current.status,
		substatus: typeof current.substatus === 'string' ? current.substatus : undefined,
	};
	const currentETag = typeof current.eTag === 'string' ? current.eTag : undefined;
	if (expectedETag && currentETag && expectedETag !== currentETag) {
		throw new NodeOperationError(this.getNode(), `The referral ${id} changed since it was read (its eTag is no longer ${expectedETag})`, {
			description:
				'Nothing was sent. Get the referral again and use its new eTag in "Only Update If Unchanged", or clear that option to update regardless.',
			itemIndex,
		});
	}
	const problem = checkMove(state, target);
	if (problem) {
		const moves = allowedMoves(state);
		// a target without a status keeps the current one (as checkMove assumes)
		const to: ReferralState = { status: target.status ?? state.status, substatus: target.substatus };
		throw new NodeOperationError(
			this.getNode(),
			`Referral ${id} cannot move from ${describeState(state)} to ${describeState(to)}: ${problem}`,
			{
				description: `Nothing was sent. From ${describeState(state)} the allowed moves are: ${moves.length > 0 ? moves.join(', ') : 'none (Closed is final)'}.`,
				itemIndex,
			},
		);
	}
	return expectedETag ?? currentETag;
}
