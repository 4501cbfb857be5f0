import type { IDataObject } from 'n8n-workflow';

import {
	detectChanges,
	initialState,
	MAX_REMEMBERED,
	OVERLAP_MS,
} from '../../nodes/PartnerCenterReferral/helpers/changes';

const T0 = Date.parse('2026-03-01T12:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

function referral(id: string, fields: IDataObject = {}): IDataObject {
	return {
		id,
		createdDateTime: at(-60 * 24),
		updatedDateTime: at(1),
		status: 'New',
		substatus: 'Pending',
		eTag: `"${id}-1"`,
		...fields,
	};
}

describe('trigger change detection', () => {
	it('tells created from updated from status changes', () => {
		const state = initialState(T0, 0);
		const listed = [
			referral('new', { createdDateTime: at(1), updatedDateTime: at(1) }),
			referral('old', { updatedDateTime: at(2), status: 'Active', substatus: 'Accepted' }),
			// accepted long before this poll's window: an update to it is not a status change
			referral('old-accepted', {
				updatedDateTime: at(3),
				status: 'Active',
				substatus: 'Accepted',
				acceptedDateTime: at(-600),
			}),
		];
		expect(detectChanges(state, listed, 'referralCreated').changes.map((c) => c.referral.id)).toEqual(['new']);
		expect(detectChanges(state, listed, 'referralUpdated').changes.map((c) => c.referral.id)).toEqual([
			'old',
			'old-accepted',
		]);
		// "old" was never seen and nothing dates its status: reported with an unknown previous status
		const status = detectChanges(state, listed, 'statusChanged').changes;
		expect(status.map((c) => [c.referral.id, c.previousStatus])).toEqual([['old', null]]);
	});

	it('reports the previous status of a referral it saw before, and only for the target statuses', () => {
		let state = initialState(T0, 0);
		state = detectChanges(state, [referral('a', { updatedDateTime: at(1) })], 'statusChanged').state;
		const moved = [referral('a', { updatedDateTime: at(3), eTag: '"a-2"', status: 'Active', substatus: 'Accepted' })];
		const fired = detectChanges(state, moved, 'statusChanged', ['Active/Accepted']).changes;
		expect(fired).toHaveLength(1);
		expect(fired[0]).toMatchObject({ previousStatus: 'New', previousSubstatus: 'Pending', event: 'statusChanged' });
		expect(detectChanges(state, moved, 'statusChanged', ['Closed']).changes).toHaveLength(0);
		// a change that is not a status change does not fire
		const notes = [referral('a', { updatedDateTime: at(3), eTag: '"a-2"' })];
		expect(detectChanges(state, notes, 'statusChanged').changes).toHaveLength(0);
	});

	it('fires a referral updated twice between polls once, with its latest state', () => {
		const state = initialState(T0, 0);
		const listed = [
			referral('a', { updatedDateTime: at(1), eTag: '"a-1"' }),
			referral('a', { updatedDateTime: at(2), eTag: '"a-2"', notes: 'latest' }),
		];
		const { changes } = detectChanges(state, listed, 'referralUpdated');
		expect(changes).toHaveLength(1);
		expect(changes[0].referral.notes).toBe('latest');
	});

	it('does not fire again for a version seen in the overlap window, but does when it changed again', () => {
		let state = initialState(T0, 0);
		const first = detectChanges(state, [referral('a', { updatedDateTime: at(1) })], 'referralUpdated');
		expect(first.changes).toHaveLength(1);
		state = first.state;
		expect(Date.parse(state.from)).toBe(T0 + 60_000 - OVERLAP_MS < T0 ? T0 : T0 + 60_000 - OVERLAP_MS);
		// the next poll lists the same version again (overlap): nothing fires
		expect(detectChanges(state, [referral('a', { updatedDateTime: at(1) })], 'referralUpdated').changes).toHaveLength(0);
		// same timestamp but a new eTag (a late write inside the overlap): fires
		const late = detectChanges(state, [referral('a', { updatedDateTime: at(1), eTag: '"a-2"' })], 'referralUpdated');
		expect(late.changes).toHaveLength(1);
	});

	it('fires two referrals sharing one timestamp', () => {
		const state = initialState(T0, 0);
		const listed = [referral('a', { updatedDateTime: at(5) }), referral('b', { updatedDateTime: at(5) })];
		expect(detectChanges(state, listed, 'referralUpdated').changes).toHaveLength(2);
	});

	it('moves "from" to the newest update minus the overlap, never backwards', () => {
		const state = initialState(T0, 0);
		const { state: next } = detectChanges(state, [referral('a', { updatedDateTime: at(60) })], 'referralUpdated');
		expect(next.from).toBe(new Date(T0 + 60 * 60_000 - OVERLAP_MS).toISOString());
		const { state: same } = detectChanges(next, [], 'referralUpdated');
		expect(same.from).toBe(next.from);
	});

	it('stays bounded after 10,000 distinct referrals', () => {
		let state = initialState(T0, 0);
		let fired = 0;
		for (let batch = 0; batch < 100; batch++) {
			const listed = Array.from({ length: 100 }, (_, i) =>
				referral(`r-${batch}-${i}`, { updatedDateTime: at(batch * 10 + i / 100) }),
			);
			const result = detectChanges(state, listed, 'referralUpdated');
			fired += result.changes.length;
			state = result.state;
		}
		expect(fired).toBe(10_000);
		expect(Object.keys(state.seen).length).toBeLessThanOrEqual(MAX_REMEMBERED);
		expect(JSON.stringify(state).length).toBeLessThan(400_000);
	});

	it('fires Status Changed for a referral created and moved between two polls', () => {
		const state = initialState(T0, 0);
		const listed = [
			referral('won-fast', { createdDateTime: at(1), updatedDateTime: at(4), status: 'Closed', substatus: 'Won' }),
			referral('still-new', { createdDateTime: at(2), updatedDateTime: at(2) }),
		];
		const fired = detectChanges(state, listed, 'statusChanged', ['Closed/Won']).changes;
		expect(fired.map((c) => [c.referral.id, c.previousStatus])).toEqual([['won-fast', null]]);
	});
});
