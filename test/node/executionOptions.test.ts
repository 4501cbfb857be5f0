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

describe('options of the whole execution, given per item', () => {
	const ids = [guid(1), guid(2), guid(3)];
	const perItem = (field: string, values: Array<string | number>): IDataObject[] =>
		ids.map((id, index) => ({ id, [field]: values[index] }));

	it('refuses a later item whose Timeout differs from the first, naming it, and sends nothing', async () => {
		const sent = watchRequests();
		const { items, error } = await runReferral(get({ timeout: '={{ $json.timeout }}' }), {
			items: perItem('timeout', [30, 30, 45]),
		});
		expect(items).toEqual([]);
		expect(error?.message).toBe(
			'"Timeout (Seconds)" is 45 for item 2 but 30 for item 0: it must be the same for every item',
		);
		expect(error?.description).toContain('applies to the whole execution');
		expect(error?.context.itemIndex).toBe(2);
		expect(sent()).toEqual([]);
	});

	it('refuses a later item whose Timeout is invalid, naming it', async () => {
		const sent = watchRequests();
		const { error } = await runReferral(get({ timeout: '={{ $json.timeout }}' }), {
			items: perItem('timeout', [30, 'soon', 30]),
		});
		expect(error?.message).toBe('Timeout (Seconds) must be a number of seconds from 1 to 600');
		expect(error?.context.itemIndex).toBe(1);
		expect(sent()).toEqual([]);
	});

	it('refuses a later item whose Max Concurrent Requests differs or is invalid, naming it', async () => {
		const sent = watchRequests();
		const differs = await runReferral(get({ concurrency: '={{ $json.concurrency }}' }), {
			items: perItem('concurrency', [4, 4, 8]),
		});
		expect(differs.error?.message).toBe(
			'"Max Concurrent Requests" is 8 for item 2 but 4 for item 0: it must be the same for every item',
		);
		const invalid = await runReferral(get({ concurrency: '={{ $json.concurrency }}' }), {
			items: perItem('concurrency', [4, 'abc', 4]),
		});
		expect(invalid.error?.message).toBe(
			'The field "Max Concurrent Requests" has an invalid value: "abc"',
		);
		expect(invalid.error?.context.itemIndex).toBe(1);
		expect(sent()).toEqual([]);
	});

	it('with Continue On Fail, only the differing item fails; the others run', async () => {
		serve([ids[0], ids[2]]);
		const { items, error } = await runReferral(get({ timeout: '={{ $json.timeout }}' }), {
			items: perItem('timeout', [30, 60, 30]),
			continueOnFail: true,
		});
		expect(error).toBeUndefined();
		expect(items.map((item) => item.json.id ?? item.json.error)).toEqual([
			ids[0],
			'"Timeout (Seconds)" is 60 for item 1 but 30 for item 0: it must be the same for every item',
			ids[2],
		]);
		expect(items.map((item) => item.pairedItem)).toEqual(ids.map((_, item) => ({ item })));
	});

	it('accepts the same value in other shapes ("30" and 30, blank and the default)', async () => {
		serve(ids);
		const { error } = await runReferral(
			get({ timeout: '={{ $json.timeout }}', concurrency: '={{ $json.concurrency }}' }),
			{
				items: ids.map((id, index) => ({
					id,
					timeout: [30, '30', ' 30 '][index],
					concurrency: [undefined, 32, '32'][index],
				})),
			},
		);
		expect(error).toBeUndefined();
	});
});
