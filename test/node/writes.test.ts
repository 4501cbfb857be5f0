/**
 * Writing operations (Create, Update, Accept, Decline, Mark as Won, Mark as Lost) check
 * every item's parameters before any request is sent; a write that fails and stops the
 * node says which items were already written.
 */
import nock from 'nock';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { API, guid, REFERRALS, referral, runReferral } from '../fixtures';
import { idFromItem, useNock, watchRequests } from './helpers';

useNock();

const COUNTRIES = ['US', 'USA', 'DE', 'FR', 'GB', 'IT', 'ES', 'NL', 'SE', 'PL'];
const customers = COUNTRIES.map((country, index) => ({ name: `Customer ${index}`, country }));

const create = (concurrency = 5): INodeParameters => ({
	operation: 'create',
	type: 'Independent',
	customerName: '={{ $json.name }}',
	customerCountry: '={{ $json.country }}',
	options: { concurrency },
});

/** Answers every create with a referral whose id follows the customer's number. */
function interceptCreates(times: number, created: string[]) {
	nock(API)
		.post(REFERRALS)
		.times(times)
		.reply((_uri, body) => {
			const name = String(((body as IDataObject).customerProfile as IDataObject).name);
			created.push(name);
			return [201, referral(guid(Number(name.split(' ')[1]) + 1), { customerProfile: { name } })];
		});
}

describe('Writing operations check every item before writing any', () => {
	it('Create over 10 items with item 1 invalid, Continue On Fail off: fails naming item 1, nothing created', async () => {
		const sent = watchRequests();
		const { items, error } = await runReferral(create(), { items: customers });
		expect(items).toEqual([]);
		expect(error?.message).toBe('The field "Customer Country" has an invalid value: "USA"');
		expect(error?.context.itemIndex).toBe(1);
		expect(sent()).toEqual([]);
	});

	it('Create with Continue On Fail: only the invalid item fails, paired with its input; the others are created', async () => {
		const created: string[] = [];
		interceptCreates(9, created);
		const { items, error } = await runReferral(create(), {
			items: customers,
			continueOnFail: true,
		});
		expect(error).toBeUndefined();
		expect(created.sort()).toEqual(
			customers
				.filter((_, index) => index !== 1)
				.map((customer) => customer.name)
				.sort(),
		);
		expect(items.map((item) => item.pairedItem)).toEqual(customers.map((_, item) => ({ item })));
		expect(items.map((item) => (item.error ? 'error' : item.json.id))).toEqual(
			customers.map((_, index) => (index === 1 ? 'error' : guid(index + 1))),
		);
		expect(items[1].json).toEqual({
			error: 'The field "Customer Country" has an invalid value: "USA"',
		});
	});

	it.each<[string, INodeParameters]>([
		['update', { operation: 'update', updateFields: { notes: 'x' } }],
		[
			'update with a status change',
			{ operation: 'update', updateFields: { status: 'Closed', substatus: 'Won' } },
		],
		['accept', { operation: 'accept' }],
		['decline', { operation: 'decline' }],
		['markWon', { operation: 'markWon' }],
		['markLost', { operation: 'markLost' }],
	])(
		'%s with the last of 3 items invalid sends nothing, not even the read of the transition check',
		async (_label, parameters) => {
			const sent = watchRequests();
			const { items, error } = await runReferral(
				{ ...parameters, referralId: idFromItem() },
				{ items: [{ id: guid(1) }, { id: guid(2) }, { id: 'not-a-guid' }] },
			);
			expect(items).toEqual([]);
			expect(error?.message).toBe(
				'The Referral parameter is not a valid referral ID (it is "not-a-guid")',
			);
			expect(error?.context.itemIndex).toBe(2);
			expect(sent()).toEqual([]);
		},
	);
});

describe('A write that fails mid-run says which items were already written', () => {
	it('one at a time: names the items created before the failure and their referral ids', async () => {
		const created: string[] = [];
		interceptCreates(2, created);
		nock(API)
			.post(REFERRALS)
			.reply(503, { error: { code: 'serviceNotAvailable', message: 'Try later' } });
		const { items, error } = await runReferral(create(1), {
			items: customers.filter((_, index) => index !== 1),
		});
		expect(items).toEqual([]);
		expect(created).toEqual(['Customer 0', 'Customer 2']);
		expect(error?.message).toBe('Partner Center is unavailable (503)');
		expect(error?.context.itemIndex).toBe(2);
		expect(error?.description).toContain('serviceNotAvailable: Try later');
		expect(error?.description).toContain(
			`Already written before the node stopped (items counted from 0): item 0 (referral ${guid(1)}), item 1 (referral ${guid(3)}). Do not run these items again.`,
		);
	});

	it('several at once: counts the writes still in flight when another failed, and starts no more', async () => {
		const patched: string[] = [];
		const ids = [guid(1), guid(2), guid(3), guid(4), guid(5)];
		nock(API)
			.patch(`${REFERRALS}/${ids[0]}`)
			.delay(40)
			.reply(() => {
				patched.push(ids[0]);
				return [200, referral(ids[0])];
			})
			.patch(`${REFERRALS}/${ids[1]}`)
			.reply(404, { error: { code: 'itemNotFound', message: 'nope' } })
			.patch(`${REFERRALS}/${ids[2]}`)
			.delay(40)
			.reply(() => {
				patched.push(ids[2]);
				return [200, referral(ids[2])];
			});
		const unmatched: string[] = [];
		const onNoMatch = (request: { path?: string }) => unmatched.push(String(request.path));
		nock.emitter.on('no match', onNoMatch);
		const { error } = await runReferral(
			{
				operation: 'update',
				referralId: idFromItem(),
				updateFields: { notes: 'x' },
				options: { concurrency: 3 },
			},
			{ items: ids.map((id) => ({ id })) },
		).finally(() => nock.emitter.removeListener('no match', onNoMatch));
		expect(unmatched).toEqual([]);
		expect(patched.sort()).toEqual([ids[0], ids[2]]);
		expect(error?.message).toBe(`Referral ${ids[1]} was not found`);
		expect(error?.description).toContain(
			`Already written before the node stopped (items counted from 0): item 0 (referral ${ids[0]}), item 2 (referral ${ids[2]}).`,
		);
	});

	it('counts an update Partner Center accepted (204) whose read afterwards failed as written', async () => {
		const ids = [guid(1), guid(2)];
		nock(API)
			.patch(`${REFERRALS}/${ids[0]}`)
			.delay(40)
			.reply(204)
			// the read after the 204 fails, or is not even sent once the pool has stopped
			.get(`${REFERRALS}/${ids[0]}`)
			.optionally()
			.reply(404, { error: { code: 'itemNotFound', message: 'not yet' } })
			.patch(`${REFERRALS}/${ids[1]}`)
			.reply(404, { error: { code: 'itemNotFound', message: 'nope' } });
		const { error } = await runReferral(
			{
				operation: 'update',
				referralId: idFromItem(),
				updateFields: { notes: 'x' },
				options: { concurrency: 2 },
			},
			{ items: ids.map((id) => ({ id })) },
		);
		expect(error?.message).toBe(`Referral ${ids[1]} was not found`);
		// item 0's update was made: running it again would write it twice
		expect(error?.description).toContain(
			'Already written before the node stopped (items counted from 0): item 0. Do not run these items again.',
		);
	});

	it('counts a create Partner Center answered 201 without the referral as written', async () => {
		nock(API)
			.post(
				REFERRALS,
				(body: IDataObject) =>
					body.customerProfile !== undefined && JSON.stringify(body).includes('Customer 1'),
			)
			.reply(201, {})
			.post(REFERRALS)
			.delay(40)
			.reply(400, { error: { code: 'invalidRequest', message: 'Bad' } });
		const { error } = await runReferral(create(2), {
			items: customers
				.slice(2, 4)
				.map((customer, index) => ({ ...customer, name: `Customer ${index}` })),
		});
		expect(error?.description).toContain(
			'Already written before the node stopped (items counted from 0): item 1. Do not run these items again.',
		);
	});

	it('says nothing about written items when nothing was written', async () => {
		nock(API)
			.post(REFERRALS)
			.reply(503, { error: { code: 'serviceNotAvailable', message: 'Try later' } });
		const { error } = await runReferral(create(1), { items: customers.slice(0, 1) });
		expect(error?.message).toBe('Partner Center is unavailable (503)');
		expect(error?.description).not.toContain('Already written');
	});
});
