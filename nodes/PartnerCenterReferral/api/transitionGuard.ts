/** The read-then-check guard of every status change: a move the transition table forbids writes nothing. */
import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { ETAG_CHANGED_FOR_MODEL, runsAsTool } from '../shared/tool';
import { serviceFault } from '../shared/nodeError';
import type { ReferralState } from '../shared/transitions';
import { allowedMoves, checkMove, completeMove, describeState } from '../shared/transitions';
import { etagChangedHint } from '../transport';
import { REFERRAL } from './listing';
import { getReferral } from './referrals';

/** What a checked move sends: the eTag to guard the update with, and a substatus the check filled in. */
export interface CheckedMove {
	eTag: string | undefined;
	/** Set when `target` gave a new status without a substatus and the status allows only this one. */
	filledSubstatus?: string;
}

/**
 * Reads the referral and checks that moving it to `target` is allowed by the documented
 * transition table (and, with an expected eTag, that it did not change). A new status
 * without a substatus gets the one substatus that status allows, or is refused when it
 * allows several. Fails without sending anything otherwise, also when the referral has no
 * status to move from.
 */
export async function checkTransition(
	this: IExecuteFunctions,
	id: string,
	target: ReferralState,
	expectedETag: string | undefined,
	itemIndex: number,
): Promise<CheckedMove> {
	const current = await getReferral.call(this, id, itemIndex);
	if (typeof current.status !== 'string' || current.status === '') {
		throw serviceFault(
			new NodeOperationError(
				this.getNode(),
				`Partner Center returned referral ${id} without a status, so the move cannot be checked`,
				{
					description:
						'Nothing was sent: the node never changes a status without knowing the one it moves from. Get the referral to see what Partner Center returns for it, and run again.',
					itemIndex,
				},
			),
		);
	}
	const state: ReferralState = {
		status: current.status,
		substatus: typeof current.substatus === 'string' ? current.substatus : undefined,
	};
	const currentETag = typeof current.eTag === 'string' ? current.eTag : undefined;
	if (expectedETag && currentETag && expectedETag !== currentETag) {
		throw new NodeOperationError(
			this.getNode(),
			`The referral ${id} changed since it was read (its eTag is no longer ${expectedETag})`,
			{
				description: `Nothing was sent. ${runsAsTool(this.getNode()) ? ETAG_CHANGED_FOR_MODEL : etagChangedHint(REFERRAL)}`,
				itemIndex,
			},
		);
	}
	const move = completeMove(state, target);
	const problem = checkMove(state, move);
	if (problem) {
		const moves = allowedMoves(state);
		// a target without a status keeps the current one (as checkMove assumes)
		const to: ReferralState = { status: move.status ?? state.status, substatus: move.substatus };
		throw new NodeOperationError(
			this.getNode(),
			`Referral ${id} cannot move from ${describeState(state)} to ${describeState(to)}: ${problem}`,
			{
				description: `Nothing was sent. From ${describeState(state)} the allowed moves are: ${moves.length > 0 ? moves.join(', ') : 'none (Closed is final)'}.`,
				itemIndex,
			},
		);
	}
	const filledSubstatus = move.substatus !== target.substatus ? move.substatus : undefined;
	return { eTag: expectedETag ?? currentETag, filledSubstatus };
}
