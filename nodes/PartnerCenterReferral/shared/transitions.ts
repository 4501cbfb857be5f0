/**
 * The documented status/substatus transition table. The service rejects other moves;
 * checking here first gives a clear error and sends nothing.
 *
 * | from   | may move to          | substatus with that status      |
 * | New    | New, Active, Closed  | New: Pending, Received          |
 * | Active | Active, Closed       | Active: Accepted                |
 * | Closed | Closed (terminal)    | Closed: Won, Lost, Declined, Expired |
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
	return statuses.flatMap((status) => SUBSTATUSES_OF[status].map((substatus) => `${status}/${substatus}`));
}

/** Undefined when the move is allowed, else the reason it is not. */
export function checkMove(current: ReferralState, target: ReferralState): string | undefined {
	const status = target.status ?? current.status;
	const substatus = target.substatus;
	const knownStatus = canonical(status);
	if (knownStatus === undefined) return `"${status}" is not a referral status (expected New, Active or Closed)`;
	if (substatus !== undefined && !SUBSTATUSES_OF[knownStatus].some((allowed) => same(allowed, substatus))) {
		return `substatus ${substatus} does not go with status ${knownStatus} (allowed: ${SUBSTATUSES_OF[knownStatus].join(', ')})`;
	}
	const from = canonical(current.status);
	// A status the table does not know (None, or a new one): let the service decide.
	if (from === undefined) return undefined;
	if (from === 'Closed') {
		if (knownStatus === 'Closed' && (substatus === undefined || same(substatus, current.substatus))) return undefined;
		return 'Closed is final';
	}
	if (!NEXT_STATUSES[from].includes(knownStatus)) return `${from} cannot move back to ${knownStatus}`;
	return undefined;
}

export function describeState(state: ReferralState): string {
	return [state.status ?? 'unknown', state.substatus].filter(Boolean).join('/');
}

function canonical(status: string | undefined): string | undefined {
	return Object.keys(NEXT_STATUSES).find((known) => same(known, status));
}
