/**
 * @jest-environment ./test/timeZoneEnvironment.js
 *
 * What the trigger remembers (trigger/changes.ts) and how it reads the service's stamps
 * (shared/serviceTime.ts): the status memory of Status Changed and its bound, ids in any
 * case, damaged states, and zone-less stamps on a server in another time zone.
 */
import type { IDataObject } from 'n8n-workflow';

import type { TriggerState } from '../../nodes/PartnerCenterReferral/trigger/changes';
import {
	buildStatusMemory,
	detectChanges,
	MAX_OPEN,
	readState,
	targetFilter,
} from '../../nodes/PartnerCenterReferral/trigger/changes';
import { asUtcStamp, serviceTimeMs } from '../../nodes/PartnerCenterReferral/shared/serviceTime';
import { simplifyReferral } from '../../nodes/PartnerCenterReferral/shared/simplify';

declare const setProcessTimeZone: (zone: string) => void;

const T0 = Date.parse('2026-12-01T10:00:00Z');
const MINUTE = 60_000;
const at = (minutes: number) => new Date(T0 + minutes * MINUTE).toISOString();
/** The same instant as the service may send it: without its Z, with seven fractional digits. */
const zoneless = (minutes: number) => at(minutes).replace(/\.(\d{3})Z$/, '.$10000');

const fresh = (): TriggerState => ({ version: 3, from: at(0), seen: {} });

function referral(id: string, fields: IDataObject = {}): IDataObject {
	return {
		id,
		createdDateTime: at(-60 * 24 * 30),
		updatedDateTime: at(1),
		status: 'New',
		substatus: 'Pending',
		eTag: `"${id}-1"`,
		...fields,
	};
}

afterEach(() => setProcessTimeZone('UTC'));

describe.each(['Europe/Berlin', 'Asia/Kolkata', 'America/Los_Angeles'])(
	'service stamps on a server in %s',
	(zone) => {
		beforeEach(() => setProcessTimeZone(zone));

		it('reads a stamp without a zone as UTC', () => {
			expect(new Date('2026-12-01T10:00:00').getTime()).not.toBe(T0); // the zone really is switched
			expect(serviceTimeMs('2026-12-01T10:00:00')).toBe(T0);
			expect(serviceTimeMs('2026-12-01T10:00:00.1234567')).toBe(T0 + 123);
			expect(serviceTimeMs('2026-12-01T10:00:00.1234567Z')).toBe(T0 + 123);
			expect(serviceTimeMs('2026-12-01T11:00:00+01:00')).toBe(T0);
			expect(asUtcStamp('2026-12-01T10:00:00.1234567')).toBe('2026-12-01T10:00:00.1234567Z');
			expect(asUtcStamp('2026-12-01T10:00:00+01:00')).toBe('2026-12-01T10:00:00+01:00');
			expect(serviceTimeMs('not a time')).toBeNaN();
		});

		it('simplified items say the zone of every stamp', () => {
			const item = simplifyReferral(
				referral('a', {
					createdDateTime: '2026-12-01T10:00:00.1234567',
					details: { closingDateTime: '2026-12-31T00:00:00' },
				}),
			);
			expect(item.createdDateTime).toBe('2026-12-01T10:00:00.1234567Z');
			expect(item.closingDateTime).toBe('2026-12-31T00:00:00Z');
			expect(item.updatedDateTime).toBe(at(1));
		});

		it('fires a referral created inside the window once, from zone-less stamps', () => {
			const created = referral('new', {
				createdDateTime: zoneless(1),
				updatedDateTime: zoneless(1),
			});
			const first = detectChanges(fresh(), [created], 'referralCreated', [], T0 + 2 * MINUTE);
			expect(first.changes.map((change) => change.referral.id)).toEqual(['new']);
			const again = detectChanges(first.state, [created], 'referralCreated', [], T0 + 3 * MINUTE);
			expect(again.changes).toEqual([]);
		});
	},
);

describe('the status memory of Status Changed', () => {
	it('fires a move against the remembered status, without any status stamp', () => {
		const state = {
			...fresh(),
			open: buildStatusMemory([referral('A', { status: 'Active', substatus: 'Accepted' })]).open,
		};
		const won = referral('a', { status: 'Closed', substatus: 'Won', updatedDateTime: at(2) });
		const { changes, state: next } = detectChanges(
			state,
			[won],
			'statusChanged',
			[],
			T0 + 3 * MINUTE,
		);
		expect(changes).toMatchObject([{ previousStatus: 'Active', previousSubstatus: 'Accepted' }]);
		// a Closed referral cannot move any more: forgotten by the memory, still seen in the window
		expect(next.open).toEqual({});
	});

	it('is not used on the poll that built it: a move it already holds still fires on its stamp', () => {
		// accepted between the last poll and the listing that built the memory
		const accepted = referral('a', {
			status: 'Active',
			substatus: 'Accepted',
			updatedDateTime: at(2),
			acceptedDateTime: at(2),
		});
		const state = { ...fresh(), open: buildStatusMemory([accepted]).open };
		expect(
			detectChanges(state, [accepted], 'statusChanged', [], T0 + 3 * MINUTE, false).changes,
		).toMatchObject([{ previousStatus: null }]);
		// on the next polls it is the known status
		expect(detectChanges(state, [accepted], 'statusChanged', [], T0 + 3 * MINUTE).changes).toEqual(
			[],
		);
	});

	it(`holds at most ${MAX_OPEN} referrals, the most recently updated, and forgets the least recently seen`, () => {
		const listed = Array.from({ length: MAX_OPEN + 5 }, (_, n) => referral(`r${n}`));
		const { open, complete } = buildStatusMemory(listed);
		expect(complete).toBe(false);
		expect(Object.keys(open)).toHaveLength(MAX_OPEN);
		// newest first in the listing: the last five listed are left out; the oldest kept comes first
		expect(open[`r${MAX_OPEN}`]).toBeUndefined();
		expect(Object.keys(open)[0]).toBe(`r${MAX_OPEN - 1}`);

		const state = { ...fresh(), open };
		const newcomer = referral('newcomer', { createdDateTime: at(1) });
		const next = detectChanges(state, [newcomer], 'statusChanged', [], T0 + 2 * MINUTE);
		expect(next.forgotten).toBe(1);
		expect(Object.keys(next.state.open ?? {})).toHaveLength(MAX_OPEN);
		expect(next.state.open?.[`r${MAX_OPEN - 1}`]).toBeUndefined();
		expect(next.state.open?.newcomer).toBeDefined();
	});

	it('keeps its statuses short in static data', () => {
		const { open } = buildStatusMemory([
			referral('a'),
			referral('b', { substatus: 'Received' }),
			referral('c', { status: 'Active', substatus: 'Accepted' }),
			referral('d', { status: 'Closed', substatus: 'Won' }),
			referral('e', { status: 'None', substatus: 'None' }),
		]);
		expect(open).toEqual({ e: 'None/None', c: 'c', b: 'b', a: 'a' });
	});

	it('lists To Statuses as an OData filter', () => {
		expect(targetFilter([])).toBeUndefined();
		expect(targetFilter(['Closed/Won'])).toBe("(status eq 'Closed' and substatus eq 'Won')");
		expect(targetFilter(['Active', 'Closed/Lost'])).toBe(
			"(status eq 'Active' or (status eq 'Closed' and substatus eq 'Lost'))",
		);
	});
});

describe('ids in any letter case', () => {
	it('recognises a referral whose id comes back in another case', () => {
		const first = detectChanges(
			fresh(),
			[referral('ABC-1', { createdDateTime: at(1) })],
			'referralCreated',
			[],
			T0 + 2 * MINUTE,
		);
		expect(first.changes).toHaveLength(1);
		expect(Object.keys(first.state.seen)).toEqual(['abc-1']);
		const again = detectChanges(
			first.state,
			[referral('abc-1', { createdDateTime: at(1) })],
			'referralCreated',
			[],
			T0 + 3 * MINUTE,
		);
		expect(again.changes).toEqual([]);
	});

	it('reads a saved state with ids in upper case', () => {
		const { state } = readState({
			version: 3,
			from: at(0),
			seen: { 'ABC-1': [T0 + MINUTE, 'x', 'New', 'Pending'] },
			open: { 'DEF-2': 'c' },
		});
		expect(state?.seen).toEqual({ 'abc-1': [T0 + MINUTE, 'x', 'New', 'Pending'] });
		expect(state?.open).toEqual({ 'def-2': 'c' });
	});
});

describe('a damaged or unknown saved state', () => {
	it.each<[string, unknown, string]>([
		['a number', 42, 'it is not an object'],
		['an unknown version', { version: 7, from: at(0), seen: {} }, 'its version 7 is unknown'],
		[
			'a window start that is not a time',
			{ version: 3, from: 'soon', seen: {} },
			'its window start is not a time',
		],
		[
			'seen as a list',
			{ version: 3, from: at(0), seen: [] },
			'its list of seen referrals is not a map',
		],
		[
			'a truncated entry',
			{ version: 2, from: at(0), seen: { a: [1, 'x', 'New'] } },
			'its entry for referral a does not read',
		],
		[
			'an entry of the wrong type',
			{ version: 3, from: at(0), seen: { a: 'New' } },
			'its entry for referral a does not read',
		],
		[
			'an owner that is not one',
			{ version: 3, from: at(0), seen: {}, owner: { node: 'a', event: 7 } },
			'its owner does not read',
		],
		[
			'a memory entry that is no status',
			{ version: 3, from: at(0), seen: {}, open: { a: 'z' } },
			'its status memory entry for referral a does not read',
		],
	])('%s: damaged, and why', (_what, value, why) => {
		expect(readState(value)).toEqual({ damaged: why });
	});

	it('nothing saved is no state (an activation), not a damaged one', () => {
		expect(readState(undefined)).toEqual({});
	});
});
