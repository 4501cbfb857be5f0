/**
 * Every number by one rule (issue 25.6–8): Max Concurrent Requests is read by the value rules
 * (refused naming the option, the default when blank), Limit takes plain decimal text like
 * every other number, and the options that hold for the whole execution (Timeout, Max
 * Concurrent Requests) are never silently taken from the first item: a later item with another
 * or an invalid value fails, naming it. Through n8n's engine against nock.
 */
import nock from 'nock';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { AdaptiveThrottle } from '../../nodes/PartnerCenterReferral/transport/pool';
import { API, guid, REFERRALS, referral, runReferral } from '../fixtures';
import { idFromItem, interceptList, listPage, useNock, watchRequests } from './helpers';

useNock();

/** The ceilings (Max Concurrent Requests) of the throttles the router created. */
function watchCeilings(): number[] {
	const seen = new Set<AdaptiveThrottle>();
	const ceilings: number[] = [];
	const acquire = AdaptiveThrottle.prototype.acquire;
	jest.spyOn(AdaptiveThrottle.prototype, 'acquire').mockImplementation(function (
		this: AdaptiveThrottle,
	) {
		if (!seen.has(this)) {
			seen.add(this);
			ceilings.push(this.max);
		}
		return acquire.call(this);
	});
	return ceilings;
}

const get = (options: INodeParameters) => ({ operation: 'get', referralId: idFromItem(), options });

const serve = (ids: string[]) =>
	nock(API)
		.get(new RegExp(`^${REFERRALS}/`))
		.times(ids.length)
		.reply((uri) => [200, referral(uri.split('/').pop()!)]);

describe('Max Concurrent Requests, by the value rules', () => {
	it.each<[string, string | number, string]>([
		['text that is no number', 'abc', '"abc"'],
		['zero', 0, '0'],
		['a fraction', '2.5', '"2.5"'],
		['more than 50', 51, '51'],
	])('refuses %s naming the option, and sends nothing', async (_label, concurrency, shown) => {
		const sent = watchRequests();
		const { items, error } = await runReferral(get({ concurrency }), {
			items: [{ id: guid(1) }],
		});
		expect(items).toEqual([]);
		expect(error?.message).toBe(
			`The field "Max Concurrent Requests" has an invalid value: ${shown}`,
		);
		expect(error?.description).toContain('a whole number from 1 to 50');
		expect(sent()).toEqual([]);
	});

	it.each<[string, string]>([
		['an expression that resolves to nothing', '={{ $json.missing }}'],
		['an empty text', '={{ "" }}'],
		['text of spaces', '   '],
	])('reads %s as not set: the default ceiling of 32', async (_label, concurrency) => {
		const ceilings = watchCeilings();
		const ids = [guid(1), guid(2)];
		serve(ids);
		const { items, error } = await runReferral(get({ concurrency }), {
			items: ids.map((id) => ({ id })),
		});
		expect(error).toBeUndefined();
		expect(items.map((item) => item.json.id)).toEqual(ids);
		expect(ceilings).toEqual([32]);
	});

	it('reads plain decimal text as that number', async () => {
		const ceilings = watchCeilings();
		const ids = [guid(1)];
		serve(ids);
		const { error } = await runReferral(get({ concurrency: '={{ "8" }}' }), {
			items: ids.map((id) => ({ id })),
		});
		expect(error).toBeUndefined();
		expect(ceilings).toEqual([8]);
	});
});

describe('Limit as text', () => {
	it('reads "50" (as spreadsheets and AI agents give numbers) as 50', async () => {
		const queries: IDataObject[] = [];
		interceptList(queries, 200, listPage([referral(guid(1))]));
		const { items, error } = await runReferral({
			operation: 'getMany',
			returnAll: false,
			limit: '={{ "50" }}',
		});
		expect(error).toBeUndefined();
		expect(items.map((item) => item.json.id)).toEqual([guid(1)]);
		expect(queries[0].$top).toBe('50');
	});
});
