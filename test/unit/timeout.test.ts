/** "Timeout (Seconds)" read from what an expression may give, and the limit of one request. */
import type { IExecuteFunctions, INode } from 'n8n-workflow';

import { timeoutMsForOption } from '../../nodes/PartnerCenterReferral/shared/timeout';
import { timing } from '../../nodes/PartnerCenterReferral/shared/timing';
import { Deadline } from '../../nodes/PartnerCenterReferral/transport/deadline';

const context = {
	getNode: () => ({ name: 'Partner Center Referral' }) as INode,
	getTimezone: () => 'UTC',
} as Pick<IExecuteFunctions, 'getNode' | 'getTimezone'>;

afterEach(() => jest.restoreAllMocks());

describe('timeoutMsForOption', () => {
	it.each<[unknown, number]>([
		[undefined, 60_000],
		['', 60_000],
		[null, 60_000],
		[30, 30_000],
		[' 30 ', 30_000],
		[1.5, 1_500],
		[600, 600_000],
	])('reads %j as %d ms', (raw, ms) => {
		expect(timeoutMsForOption(context, raw)).toBe(ms);
	});

	it.each([0, 0.5, 601, -1, 'soon', '1e3', true, {}])('refuses %j, naming the option', (raw) => {
		expect(() => timeoutMsForOption(context, raw)).toThrow(
			'Timeout (Seconds) must be a number of seconds from 1 to 600',
		);
	});
});

describe('Deadline', () => {
	it('gives each attempt the timeout, or what is left of three times it, and refuses a wait that leaves no time', () => {
		const clock = { ms: 1_000_000 };
		jest.spyOn(timing, 'now').mockImplementation(() => clock.ms);
		const deadline = new Deadline(10_000);
		expect(deadline.totalMs).toBe(30_000);
		expect(deadline.attemptTimeoutMs()).toBe(10_000);
		clock.ms += 25_000;
		expect(deadline.attemptTimeoutMs()).toBe(5_000);
		expect(deadline.allowsWait(4_000)).toBe(true);
		expect(deadline.allowsWait(4_500)).toBe(false);
		clock.ms += 10_000;
		expect(deadline.remainingMs()).toBe(0);
		expect(deadline.allowsWait(0)).toBe(false);
	});
});
