/**
 * Silent misreads: a value that resolves to something the user did not mean (an expression
 * that gives nothing, digits as a date, text as a switch) and an answer that is not what was
 * asked for (another referral, a referral outside the filter, a repeat that may add twice)
 * must fail or be told apart, never be written as a default or read as something else.
 */
import nock from 'nock';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { runPoll } from '../../dev/harness';
import { timing } from '../../nodes/PartnerCenterReferral/shared/timing';
import { API, byId, guid, REFERRALS, referral, runOptions, runReferral } from '../fixtures';
import {
	createParameters as create,
	interceptList,
	listPage,
	watchRequests,
	useNock,
} from './helpers';

useNock();

describe('Create: a switch whose expression gives nothing is refused, not written as its default', () => {
	it.each<[string, INodeParameters, INodeParameters, string]>([
		[
			'Private Deal (would share the deal with Microsoft sellers)',
			{},
			{ privateDeal: '={{ $json.isPrivate }}' },
			'Private Deal',
		],
		[
			'Customer Agreed to Be Contacted (would send consent)',
			{ consentToContact: '={{ $json.consent }}' },
			{},
			'Customer Agreed to Be Contacted',
		],
	])('%s', async (_label, extra, additionalFields, parameter) => {
		const sent = watchRequests();
		const { items, error } = await runReferral(create(extra, additionalFields), { items: [{}] });
		expect(sent()).toEqual([]);
		expect(items).toEqual([]);
		expect(error?.message).toBe(`The field "${parameter}" has an invalid value: ""`);
		expect(error?.description).toContain('true or false');
	});
});

describe('Dates: text of digits is refused, never read as a time of today', () => {
	it.each(['12', '24', '2026013'])('Closing Date "%s"', async (value) => {
		const sent = watchRequests();
		const { error } = await runReferral(create({}, { closingDateTime: `={{ "${value}" }}` }));
		expect(sent()).toEqual([]);
		expect(error?.message).toBe(`The field "Closing Date" has an invalid value: "${value}"`);
	});
});

describe('Update: a patch that adds people is not repeated after a failure that may have been applied', () => {
	it('sends an "add /team/-" once on a 504 and says the update may have been made', async () => {
		const id = guid(5);
		let patches = 0;
		nock(API)
			.patch(`${REFERRALS}/${id}`)
			.times(5)
			.reply(() => {
				patches++;
				return patches === 1
					? [504, { error: { code: 'gatewayTimeout', message: 'Timed out' } }]
					: [200, referral(id)];
			});
		const { error } = await runReferral({
			operation: 'update',
			referralId: byId(id),
			updateFields: { teamMembersToAdd: { member: [{ email: 'ann@contoso.com' }] } },
		});
		nock.cleanAll();
		expect(patches).toBe(1);
		expect(error?.message).toBe('Partner Center is unavailable (504)');
		expect(error?.description).toContain('may or may not have been made');
	});
});

describe('Trigger: a listed referral the window filter excludes is not a change', () => {
	it('does not fire Referral Updated for a referral last updated long before the window (service ignored the filter)', async () => {
		jest.spyOn(timing, 'now').mockReturnValue(Date.parse('2026-03-02T09:00:00.000Z'));
		const staticData: IDataObject = {};
		const poll = async () =>
			await runPoll(
				{
					type: 'partnerCenterReferralTrigger',
					parameters: { event: 'referralUpdated', filters: {} },
					staticData,
				},
				runOptions(),
			);
		interceptList([], 200, listPage([]));
		expect((await poll()).items).toBeNull();
		// the service answers with an old referral although the poll asked for updatedDateTime ge …
		const old = referral(guid(7), {
			createdDateTime: '2025-01-01T00:00:00Z',
			updatedDateTime: '2025-01-02T00:00:00Z',
		});
		interceptList([], 200, listPage([old]));
		expect((await poll()).items).toBeNull();
	});
});

describe('Get: an answer for another referral than the one asked for is an error', () => {
	it('fails instead of outputting referral B for a Get of referral A', async () => {
		nock(API)
			.get(`${REFERRALS}/${guid(1)}`)
			.reply(200, referral(guid(2)));
		const { items, error } = await runReferral({ operation: 'get', referralId: byId(guid(1)) });
		expect(items).toEqual([]);
		expect(error?.message).toBe(
			`Partner Center returned referral ${guid(2)} when asked for ${guid(1)}`,
		);
	});
});

describe('Update: when the read after a 204 fails, the error says the update was made', () => {
	it('says so, so that the item is not run (and its people added) again', async () => {
		const id = guid(5);
		nock(API).patch(`${REFERRALS}/${id}`).reply(204);
		nock(API)
			.get(`${REFERRALS}/${id}`)
			.reply(404, { error: { code: 'itemNotFound', message: 'Not found' } });
		const { error } = await runReferral({
			operation: 'update',
			referralId: byId(id),
			updateFields: { teamMembersToAdd: { member: [{ email: 'ann@contoso.com' }] } },
		});
		expect(error?.message).toBe(`Referral ${id} was not found`);
		expect(error?.description).toContain('The update itself was made');
	});
});

describe("Trigger: a service clock glitch does not hide the referral's later changes", () => {
	it('fires a real update of a referral whose last version was stamped in the future (a service clock glitch)', async () => {
		const now = jest.spyOn(timing, 'now').mockReturnValue(Date.parse('2026-03-02T09:00:00.000Z'));
		const staticData: IDataObject = {};
		const poll = async () =>
			await runPoll(
				{
					type: 'partnerCenterReferralTrigger',
					parameters: { event: 'referralUpdated', filters: {} },
					staticData,
				},
				runOptions(),
			);
		interceptList([], 200, listPage([]));
		expect((await poll()).items).toBeNull();
		const id = guid(9);
		const old = { createdDateTime: '2025-01-01T00:00:00Z' };
		now.mockReturnValue(Date.parse('2026-03-02T09:01:00.000Z'));
		interceptList(
			[],
			200,
			listPage([referral(id, { ...old, updatedDateTime: '2099-01-01T00:00:00Z', eTag: '"a"' })]),
		);
		expect((await poll()).items).toHaveLength(1);
		// listed again, unchanged: nothing fires
		interceptList(
			[],
			200,
			listPage([referral(id, { ...old, updatedDateTime: '2099-01-01T00:00:00Z', eTag: '"a"' })]),
		);
		expect((await poll()).items).toBeNull();
		now.mockReturnValue(Date.parse('2026-03-02T09:02:00.000Z'));
		const real = referral(id, {
			...old,
			updatedDateTime: '2026-03-02T09:01:30Z',
			eTag: '"b"',
			notes: 'real change',
		});
		interceptList([], 200, listPage([real]));
		expect((await poll()).items).toHaveLength(1);
		interceptList([], 200, listPage([real]));
		expect((await poll()).items).toBeNull();
	});
});

describe('Get Related: a listed referral of another engagement is an error', () => {
	it('fails instead of outputting a referral that is not related (a service that ignored the filter)', async () => {
		const itself = referral(guid(1), { engagementId: guid(100) });
		nock(API)
			.get(`${REFERRALS}/${guid(1)}`)
			.reply(200, itself);
		interceptList([], 200, listPage([itself, referral(guid(2), { engagementId: guid(200) })]));
		const { items, error } = await runReferral({
			operation: 'getRelated',
			referralId: byId(guid(1)),
			returnAll: true,
		});
		expect(items).toEqual([]);
		expect(error?.message).toBe(
			`Partner Center listed referral ${guid(2)} of another engagement as related to ${guid(1)}`,
		);
	});
});

describe('Get Many: Return All given as text is read as the switch it is', () => {
	it('reads the text "false" as off: Limit applies, not every referral', async () => {
		const queries: IDataObject[] = [];
		interceptList(queries, 200, listPage([referral(guid(1)), referral(guid(2))]));
		const { items, error } = await runReferral({
			operation: 'getMany',
			returnAll: '={{ "false" }}',
			limit: 2,
		});
		expect(error).toBeUndefined();
		expect(items).toHaveLength(2);
		expect(queries[0].$top).toBe('2');
	});
});
