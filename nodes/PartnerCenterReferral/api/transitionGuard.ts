/** The read-then-check guard of every status change: a move the transition table forbids writes nothing. */
import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ReferralState } from '../shared/transitions';
import { allowedMoves, checkMove, describeState } from '../shared/transitions';
import { ETAG_CHANGED_HINT } from '../transport';
import { getReferral } from './referrals';

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
			description: `Nothing was sent. ${ETAG_CHANGED_HINT}`,
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
