/**
 * The documented status/substatus transition table. The service rejects other moves;
 * checking here first gives a clear error and sends nothing.
 *
 * | from   | may move to          | substatus with that status      |
 * | New    | New, Active, Closed  | New: Pending, Received          |
 * | Active | Active, Closed       | Active: Accepted                |
 * | Closed | Closed (terminal)    | Closed: Won, Lost, Declined, Expired |
 *
 * A move to another status names its substatus: a status alone would leave the old
 * substatus with the new status (Closed/Pending). When the new status allows exactly one
 * substatus (Active: Accepted), `completeMove` fills it in; otherwise `checkMove` refuses.
 */
export const NEXT_STATUSES: Record<string, string[]> = {
	New: ['New', 'Active', 'Closed'],
	Active: ['Active', 'Closed'],
	Closed: ['Closed'],
};

export const SUBSTATUSES_OF: Record<string, string[]> = {
	New: ['Pending', 'Received'],
	Active: ['Accepted'],
	Closed: ['Won', 'Lost', 'Declined', 'Expired'],
};

export interface ReferralState {
	status?: string;
	substatus?: string;
}

function same(a: string | undefined, b: string | undefined): boolean {
	return (a ?? '').toLowerCase() === (b ?? '').toLowerCase();
}

/** The states a referral may move to from `current` (Closed is final: only itself). */
export function allowedMoves(current: ReferralState): string[] {
	if (same(current.status, 'Closed')) return [];
	const statuses = NEXT_STATUSES[canonical(current.status) ?? ''] ?? Object.keys(SUBSTATUSES_OF);
	return statuses.flatMap((status) =>
		SUBSTATUSES_OF[status].map((substatus) => `${status}/${substatus}`),
	);
}

/** Undefined when the move is allowed, else the reason it is not. */
export function checkMove(current: ReferralState, target: ReferralState): string | undefined {
	const status = target.status ?? current.status;
	const substatus = target.substatus;
	const knownStatus = canonical(status);
	if (knownStatus === undefined)
		return `"${status}" is not a referral status (expected New, Active or Closed)`;
	if (
		substatus !== undefined &&
		!SUBSTATUSES_OF[knownStatus].some((allowed) => same(allowed, substatus))
	) {
		return `substatus ${substatus} does not go with status ${knownStatus} (allowed: ${SUBSTATUSES_OF[knownStatus].join(', ')})`;
	}
	const from = canonical(current.status);
	if (from === 'Closed') {
		if (knownStatus === 'Closed' && (substatus === undefined || same(substatus, current.substatus)))
			return undefined;
		return 'Closed is final';
	}
	// A status the table does not know (None, or a new one) may move anywhere: the service decides.
	if (from !== undefined && !NEXT_STATUSES[from].includes(knownStatus))
		return `${from} cannot move back to ${knownStatus}`;
	if (substatus === undefined && !same(knownStatus, current.status)) {
		return `a move to ${knownStatus} needs a substatus: one of ${SUBSTATUSES_OF[knownStatus].join(', ')}`;
	}
	return undefined;
}

/**
 * `target` with its substatus filled in when it moves to another status without one and
 * that status allows exactly one (Active: Accepted); else `target` as it is.
 */
export function completeMove(current: ReferralState, target: ReferralState): ReferralState {
	const status = canonical(target.status);
	if (status === undefined || target.substatus !== undefined || same(status, current.status))
		return target;
	const substatuses = SUBSTATUSES_OF[status];
	return substatuses.length === 1 ? { ...target, substatus: substatuses[0] } : target;
}

export function describeState(state: ReferralState): string {
	return [state.status ?? 'unknown', state.substatus].filter(Boolean).join('/');
}

function canonical(status: string | undefined): string | undefined {
	return Object.keys(NEXT_STATUSES).find((known) => same(known, status));
}
