import type { IDataObject } from 'n8n-workflow';

import type { TriggerEvent, TriggerState } from '../../nodes/PartnerCenterReferral/trigger/changes';
import {
	detectChanges,
	MAX_CLOCK_SKEW_MS,
	MAX_REMEMBERED,
	MAX_WINDOW,
	OVERLAP_MS,
	readState,
	serviceClock,
	startState,
} from '../../nodes/PartnerCenterReferral/trigger/changes';

const T0 = Date.parse('2026-03-01T12:00:00Z');
const MINUTE = 60_000;
const ms = (minutes: number) => T0 + minutes * MINUTE;
const at = (minutes: number) => new Date(ms(minutes)).toISOString();

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

/** A state whose window starts at T0 with nothing remembered (as after a quiet activation). */
const fresh = (): TriggerState => ({ version: 3, from: at(0), seen: {} });

/** One poll at `nowMinutes` (service clock) over `all`, listed as the service would: updated at or after `from`. */
function poll(
	state: TriggerState,
	all: IDataObject[],
	nowMinutes: number,
	event: TriggerEvent = 'referralUpdated',
	targets: string[] = [],
) {
	const from = Date.parse(state.from);
	const listed = all.filter((entry) => Date.parse(String(entry.updatedDateTime)) >= from);
	return { ...detectChanges(state, listed, event, targets, ms(nowMinutes)), listed: listed.length };
}

const firedIds = (result: { changes: Array<{ referral: IDataObject }> }) =>
	result.changes.map((change) => change.referral.id);

describe('trigger change detection', () => {
	it('tells created from updated from status changes', () => {
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
			// accepted inside the window: a status change, from a status the trigger never saw
			referral('just-accepted', {
				updatedDateTime: at(4),
				status: 'Active',
				substatus: 'Accepted',
				acceptedDateTime: at(4),
			}),
		];
		const detect = (event: TriggerEvent) =>
			detectChanges(fresh(), listed, event, [], ms(5)).changes;
		expect(detect('referralCreated').map((c) => c.referral.id)).toEqual(['new']);
		expect(detect('referralUpdated').map((c) => c.referral.id)).toEqual([
			'old',
			'old-accepted',
			'just-accepted',
		]);
		// "old" was never seen and nothing dates its status: no evidence of a status change
		expect(detect('statusChanged').map((c) => [c.referral.id, c.previousStatus])).toEqual([
			['just-accepted', null],
		]);
	});

	it('reports the previous status of a referral it saw before, and only for the target statuses', () => {
		const state = detectChanges(
			fresh(),
			[referral('a', { updatedDateTime: at(1) })],
			'statusChanged',
			[],
			ms(2),
		).state;
		const moved = [
			referral('a', {
				updatedDateTime: at(3),
				eTag: '"a-2"',
				status: 'Active',
				substatus: 'Accepted',
			}),
		];
		const fired = detectChanges(state, moved, 'statusChanged', ['Active/Accepted'], ms(4)).changes;
		expect(fired).toHaveLength(1);
		expect(fired[0]).toMatchObject({
			previousStatus: 'New',
			previousSubstatus: 'Pending',
			event: 'statusChanged',
		});
		expect(detectChanges(state, moved, 'statusChanged', ['Closed'], ms(4)).changes).toHaveLength(0);
		// a change that is not a status change does not fire
		const notes = [referral('a', { updatedDateTime: at(3), eTag: '"a-2"' })];
		expect(detectChanges(state, notes, 'statusChanged', [], ms(4)).changes).toHaveLength(0);
	});

	it('fires a referral it never saw for Status Changed only on evidence that its status changed inside the window', () => {
		const listed = [
			// Closed/Lost long ago without closedDateTime (optional), notes edited now
			referral('lost', { updatedDateTime: at(2), status: 'Closed', substatus: 'Lost' }),
			referral('won', {
				updatedDateTime: at(2),
				status: 'Closed',
				substatus: 'Won',
				closedDateTime: at(2),
			}),
			referral('won-long-ago', {
				updatedDateTime: at(2),
				status: 'Closed',
				substatus: 'Won',
				closedDateTime: at(-60),
			}),
			referral('received', { updatedDateTime: at(2), status: 'New', substatus: 'Received' }),
		];
		const first = detectChanges(fresh(), listed, 'statusChanged', [], ms(3));
		expect(first.changes.map((c) => [c.referral.id, c.previousStatus])).toEqual([['won', null]]);
		// the others are remembered silently: their next move is reported with what they were
		const next = [
			referral('received', {
				updatedDateTime: at(4),
				eTag: '"r-2"',
				status: 'Active',
				substatus: 'Accepted',
			}),
		];
		const second = detectChanges(first.state, next, 'statusChanged', [], ms(5)).changes;
		expect(second).toMatchObject([{ previousStatus: 'New', previousSubstatus: 'Received' }]);
	});

	it('fires a referral updated twice between polls once, with its latest state', () => {
		const listed = [
			referral('a', { updatedDateTime: at(1), eTag: '"a-1"' }),
			referral('a', { updatedDateTime: at(2), eTag: '"a-2"', notes: 'latest' }),
		];
		const { changes } = detectChanges(fresh(), listed, 'referralUpdated', [], ms(3));
		expect(changes).toHaveLength(1);
		expect(changes[0].referral.notes).toBe('latest');
	});

	it('takes the latest of several versions of one referral whatever the listing order, and ignores a lagging older one', () => {
		const listed = [
			referral('a', { updatedDateTime: at(3), eTag: '"a-3"', notes: 'latest' }),
			referral('a', { updatedDateTime: at(1), eTag: '"a-1"' }),
		];
		const first = detectChanges(fresh(), listed, 'referralUpdated', [], ms(4));
		expect(first.changes.map((c) => c.referral.notes)).toEqual(['latest']);
		// a read that lags behind returns the older version again: not a new change
		const lagging = [referral('a', { updatedDateTime: at(1), eTag: '"a-1"' })];
		const second = detectChanges(first.state, lagging, 'referralUpdated', [], ms(5));
		expect(second.changes).toHaveLength(0);
		expect(detectChanges(second.state, listed, 'referralUpdated', [], ms(6)).changes).toHaveLength(
			0,
		);
	});

	it('does not fire again for a version seen in the overlap window, but does when it changed again', () => {
		const first = detectChanges(
			fresh(),
			[referral('a', { updatedDateTime: at(1) })],
			'referralUpdated',
			[],
			ms(6),
		);
		expect(first.changes).toHaveLength(1);
		const state = first.state;
		expect(state.from).toBe(at(6 - OVERLAP_MS / MINUTE));
		// the next poll lists the same version again (overlap): nothing fires
		expect(
			detectChanges(
				state,
				[referral('a', { updatedDateTime: at(1) })],
				'referralUpdated',
				[],
				ms(7),
			).changes,
		).toHaveLength(0);
		// same timestamp but a new eTag (a late write inside the overlap): fires
		const late = detectChanges(
			state,
			[referral('a', { updatedDateTime: at(1), eTag: '"a-2"' })],
			'referralUpdated',
			[],
			ms(7),
		);
		expect(late.changes).toHaveLength(1);
	});

	it('remembers a version stamped exactly at the next window start (listed again), and fires it once', () => {
		const all = [referral('edge', { updatedDateTime: at(5) })];
		const first = poll(fresh(), all, 10);
		expect(firedIds(first)).toEqual(['edge']);
		expect(first.state.from).toBe(at(5));
		const second = poll(first.state, all, 11);
		expect(second.listed).toBe(1);
		expect(second.changes).toHaveLength(0);
		// once the window has moved past it, it is no longer listed (and still not fired)
		const third = poll(second.state, all, 12);
		expect([third.listed, third.changes.length]).toEqual([0, 0]);
	});

	it('fires two referrals sharing one timestamp', () => {
		const listed = [
			referral('a', { updatedDateTime: at(5) }),
			referral('b', { updatedDateTime: at(5) }),
		];
		expect(detectChanges(fresh(), listed, 'referralUpdated', [], ms(6)).changes).toHaveLength(2);
	});

	it('moves "from" with the service clock minus the overlap: never backwards, never to a future stamp', () => {
		const { state: next } = detectChanges(
			fresh(),
			[referral('a', { updatedDateTime: at(60) })],
			'referralUpdated',
			[],
			ms(70),
		);
		expect(next.from).toBe(new Date(ms(70) - OVERLAP_MS).toISOString());
		expect(detectChanges(next, [], 'referralUpdated', [], ms(50)).state.from).toBe(next.from);
		// a referral stamped an hour ahead (a service clock glitch) does not move it
		const glitch = [referral('future', { updatedDateTime: at(130) })];
		const { state: afterGlitch } = detectChanges(next, glitch, 'referralUpdated', [], ms(71));
		expect(afterGlitch.from).toBe(new Date(ms(71) - OVERLAP_MS).toISOString());
	});

	it('fires a future-stamped referral once while it stays in every window, and the changes after it', () => {
		const all = [referral('future', { updatedDateTime: at(60) })];
		let state = fresh();
		const fired: unknown[] = [];
		for (let minute = 1; minute <= 80; minute++) {
			if (minute === 2) all.push(referral('ordinary', { updatedDateTime: at(2) }));
			const result = poll(state, all, minute);
			fired.push(...firedIds(result));
			state = result.state;
		}
		expect(fired).toEqual(['future', 'ordinary']);
	});

	it('fires a burst of 10,000 in one window exactly once, remembering the window, then shrinks back', () => {
		const all = Array.from({ length: 10_000 }, (_, n) =>
			referral(`r-${n}`, {
				createdDateTime: at(1 + n / 10_000),
				updatedDateTime: at(1 + n / 10_000),
			}),
		);
		let state = fresh();
		const perPoll: number[] = [];
		for (let minute = 2; minute <= 12; minute++) {
			const result = poll(state, all, minute, 'referralCreated');
			perPoll.push(result.changes.length);
			expect(result.overflow).toBeUndefined();
			state = result.state;
			if (minute === 2) expect(Object.keys(state.seen)).toHaveLength(10_000);
		}
		expect(perPoll).toEqual([10_000, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
		expect(Object.keys(state.seen)).toHaveLength(MAX_REMEMBERED);
	});

	it('with more versions in the window than it remembers, moves the window past the oldest: nothing is listed or fired twice', () => {
		const count = MAX_WINDOW + 500;
		const all = Array.from({ length: count }, (_, n) =>
			referral(`r-${n}`, { updatedDateTime: at(1 + n / count) }),
		);
		const first = poll(fresh(), all, 2);
		expect(first.changes).toHaveLength(count);
		expect(first.overflow).toEqual({ inWindow: count, from: first.state.from });
		expect(Object.keys(first.state.seen)).toHaveLength(MAX_WINDOW);
		const second = poll(first.state, all, 3);
		expect(second.listed).toBe(MAX_WINDOW);
		expect(second.changes).toHaveLength(0);
		expect(second.overflow).toBeUndefined();
	});

	it('never moves the window past the service clock, even for a glut of future stamps', () => {
		const count = MAX_WINDOW + 10;
		const all = Array.from({ length: count }, (_, n) =>
			referral(`r-${n}`, { updatedDateTime: at(60 + n / count) }),
		);
		const first = poll(fresh(), all, 2);
		expect(first.state.from).toBe(at(2));
		expect(Object.keys(first.state.seen)).toHaveLength(count);
		expect(poll(first.state, all, 3).changes).toHaveLength(0);
	});

	it('stays bounded after 10,000 distinct referrals', () => {
		let state = fresh();
		let fired = 0;
		for (let batch = 0; batch < 100; batch++) {
			const listed = Array.from({ length: 100 }, (_, i) =>
				referral(`r-${batch}-${i}`, { updatedDateTime: at(batch * 10 + i / 100) }),
			);
			const result = detectChanges(state, listed, 'referralUpdated', [], ms(batch * 10 + 1));
			fired += result.changes.length;
			state = result.state;
		}
		expect(fired).toBe(10_000);
		expect(Object.keys(state.seen).length).toBeLessThanOrEqual(MAX_REMEMBERED);
		expect(JSON.stringify(state).length).toBeLessThan(400_000);
	});

	it('fires Status Changed for a referral created and moved between two polls', () => {
		const listed = [
			referral('won-fast', {
				createdDateTime: at(1),
				updatedDateTime: at(4),
				status: 'Closed',
				substatus: 'Won',
			}),
			referral('still-new', { createdDateTime: at(2), updatedDateTime: at(2) }),
		];
		const fired = detectChanges(fresh(), listed, 'statusChanged', ['Closed/Won'], ms(5)).changes;
		expect(fired.map((c) => [c.referral.id, c.previousStatus])).toEqual([['won-fast', null]]);
	});
});

describe('trigger state and clock', () => {
	it('starts the first window before activation, to cover a service clock behind n8n', () => {
		expect(startState(T0, 0)).toEqual({
			version: 3,
			from: new Date(T0 - MAX_CLOCK_SKEW_MS - OVERLAP_MS).toISOString(),
			seen: {},
		});
		expect(startState(T0, 2).from).toBe(new Date(T0 - 2 * 86_400_000).toISOString());
	});

	it('reads the service clock from the Date header, trusting it only towards the past', () => {
		const date = (offsetMs: number) => new Date(T0 + offsetMs).toUTCString();
		// received 2 s after the poll started; the service is 2 minutes behind
		expect(serviceClock(T0, { date: date(2000 - 2 * MINUTE), receivedMs: T0 + 2000 })).toBe(
			T0 - 2 * MINUTE,
		);
		expect(serviceClock(T0, { date: date(10 * MINUTE), receivedMs: T0 })).toBe(T0);
		// however far behind: n8n's own clock may be the one that is off
		expect(serviceClock(T0, { date: date(-24 * 60 * MINUTE), receivedMs: T0 })).toBe(
			T0 - 24 * 60 * MINUTE,
		);
		expect(serviceClock(T0, { date: 'not a date', receivedMs: T0 })).toBe(T0);
		expect(serviceClock(T0, { date: undefined, receivedMs: T0 })).toBe(T0);
		expect(serviceClock(T0)).toBe(T0);
	});

	it('converts the state of the previous format, and ignores anything else', () => {
		const previous = {
			from: at(0),
			seen: { a: { u: at(1), e: '"a-1"', s: 'Active', ss: 'Accepted' } },
		};
		const { state } = readState(previous);
		expect(state).toMatchObject({ version: 3, from: at(0) });
		// the same version is recognised (not fired again); its status is known
		expect(
			detectChanges(
				state!,
				[referral('a', { updatedDateTime: at(1) })],
				'referralUpdated',
				[],
				ms(2),
			).changes,
		).toHaveLength(0);
		const moved = [
			referral('a', { updatedDateTime: at(2), eTag: '"a-2"', status: 'Closed', substatus: 'Won' }),
		];
		expect(detectChanges(state!, moved, 'statusChanged', [], ms(3)).changes).toMatchObject([
			{ previousStatus: 'Active' },
		]);
		expect(readState(undefined)).toEqual({});
		expect(readState({ from: 1, seen: {} })).toEqual({ damaged: 'its window start is not a time' });
	});
});
