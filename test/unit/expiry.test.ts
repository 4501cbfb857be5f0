/**
 * About to Expire's rule (trigger/expiry.ts) on its own: which referrals waiting for an
 * answer fire, and what the memory keeps.
 */
import type { IDataObject } from 'n8n-workflow';

import {
	detectExpiring,
	hoursLeft,
	readExpiryMemory,
} from '../../nodes/PartnerCenterReferral/trigger/expiry';
import { readState } from '../../nodes/PartnerCenterReferral/trigger/changes';

const T0 = Date.parse('2026-12-01T10:00:00Z');
const HOUR = 3_600_000;
const NOTIFY = 48 * HOUR;
const at = (hours: number) => new Date(T0 + hours * HOUR).toISOString();

function waiting(id: string, expiresInHours: number | undefined, fields: IDataObject = {}) {
	return {
		id,
		status: 'New',
		substatus: 'Pending',
		...(expiresInHours === undefined ? {} : { expirationDateTime: at(expiresInHours) }),
		...fields,
	};
}

const fired = (result: ReturnType<typeof detectExpiring>) =>
	result.expiring.map((found) => found.referral.id);

describe('About to Expire: which referrals fire', () => {
	it('at activation: those inside the window and not expired, soonest first', () => {
		const result = detectExpiring(
			undefined,
			[
				waiting('later', 40),
				waiting('soon', 2),
				waiting('outside', 49),
				waiting('expired', -1),
				waiting('none', undefined),
				waiting('accepted', 3, { status: 'Active', substatus: 'Accepted' }),
			],
			NOTIFY,
			T0,
		);
		expect(fired(result)).toEqual(['soon', 'later']);
		expect(result.memory).toEqual({
			polled: T0,
			alerted: { soon: T0 + 2 * HOUR, later: T0 + 40 * HOUR },
		});
	});

	it('one whose whole window fell between two polls fires late, with 0 hours left', () => {
		const memory = { polled: T0, alerted: {} };
		const listed = [waiting('short', 1)];
		const result = detectExpiring(memory, listed, HOUR / 2, T0 + 2 * HOUR);
		expect(fired(result)).toEqual(['short']);
		expect(hoursLeft(result.expiring[0].expiresMs, T0 + 2 * HOUR)).toBe(0);
		// and not again: it expired before this poll
		expect(fired(detectExpiring(result.memory, listed, HOUR / 2, T0 + 3 * HOUR))).toEqual([]);
	});

	it('a referral listed twice (in another letter case) fires once; its memory forgets it after expiry', () => {
		const result = detectExpiring(undefined, [waiting('ABC', 10), waiting('abc', 10)], NOTIFY, T0);
		expect(fired(result)).toEqual(['ABC']);
		expect(result.memory.alerted).toEqual({ abc: T0 + 10 * HOUR });
		const after = detectExpiring(result.memory, [waiting('abc', 10)], NOTIFY, T0 + 11 * HOUR);
		expect(fired(after)).toEqual([]);
		expect(after.memory.alerted).toEqual({});
	});

	it('rounds the hours left down', () => {
		expect(hoursLeft(T0 + 47 * HOUR + HOUR - 1, T0)).toBe(47);
		expect(hoursLeft(T0 - HOUR, T0)).toBe(0);
	});
});

describe("About to Expire's memory in static data", () => {
	it.each<[string, unknown]>([
		['a list', []],
		['no polled time', { alerted: {} }],
		['an alert that is no time', { polled: T0, alerted: { a: 'soon' } }],
	])('%s does not read, and the state counts as damaged', (_what, expiry) => {
		expect(readExpiryMemory(expiry)).toBeUndefined();
		expect(readState({ version: 3, from: at(0), seen: {}, expiry })).toEqual({
			damaged: 'its memory of expiry alerts does not read',
		});
	});

	it('reads ids in lower case', () => {
		expect(readExpiryMemory({ polled: T0, alerted: { ABC: T0 } })).toEqual({
			polled: T0,
			alerted: { abc: T0 },
		});
	});
});
