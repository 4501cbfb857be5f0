/**
 * The trigger's poll through n8n's poll executor, nock standing in for Partner Center: a
 * service whose paging goes round in circles fails the poll (the watermark stays), instead of
 * polling forever.
 */
import nock from 'nock';
import type { IDataObject } from 'n8n-workflow';

import { timing } from '../../nodes/PartnerCenterReferral/shared/timing';
import { guid, REFERRALS, referral, runOptions } from '../fixtures';
import { runPoll } from '../../dev/harness';
import { interceptExact, interceptList, listPage, useNock } from './helpers';

useNock();

const NOW = Date.parse('2026-03-02T09:00:00.000Z');
const STATE_KEY = 'node:Partner Center Referral Trigger';

const poll = async (staticData: IDataObject) =>
	await runPoll(
		{
			type: 'partnerCenterReferralTrigger',
			parameters: { event: 'referralUpdated', filters: {} },
			staticData,
		},
		runOptions(),
	);

describe('Trigger poll over a service that pages in circles', () => {
	it('fails the poll at a nextLink already followed, and keeps the watermark so nothing is lost', async () => {
		jest.spyOn(timing, 'now').mockReturnValue(NOW);
		const staticData: IDataObject = {};
		// activation: one listing that records what already exists and fires nothing
		interceptList([], 200, listPage([]));
		expect((await poll(staticData)).items).toBeNull();
		const before: unknown = JSON.parse(JSON.stringify(staticData[STATE_KEY]));

		const queries: IDataObject[] = [];
		const requested: string[] = [];
		const page2 = `${REFERRALS}?$skiptoken=2`;
		const updated = (n: number) => referral(guid(n), { updatedDateTime: '2026-03-02T09:01:00Z' });
		interceptList(
			queries,
			200,
			listPage([updated(1)], `https://api.partner.microsoft.com${page2}`),
		);
		interceptExact(
			requested,
			page2,
			listPage([updated(2)], `https://api.partner.microsoft.com${page2}`),
		);
		const again = nock('https://api.partner.microsoft.com')
			.get(page2)
			.reply(200, listPage([updated(3)]));

		await expect(poll(staticData)).rejects.toThrow(
			'Partner Center returned the same page again (a next-page link it had already given)',
		);
		expect(queries).toHaveLength(1);
		expect(requested).toEqual([page2]);
		expect(again.isDone()).toBe(false);
		expect(staticData[STATE_KEY]).toEqual(before);
		nock.cleanAll();
	});
});

describe('Trigger poll over a service that lists one referral twice, in another letter case', () => {
	it('fires it once (GUIDs compare without case in the listing and in the state)', async () => {
		jest.spyOn(timing, 'now').mockReturnValue(NOW);
		const staticData: IDataObject = {};
		interceptList([], 200, listPage([]));
		expect((await poll(staticData)).items).toBeNull();

		const page2 = `${REFERRALS}?$skiptoken=2`;
		const updated = (id: string) => referral(id, { updatedDateTime: '2026-03-02T09:01:00Z' });
		interceptList(
			[],
			200,
			listPage([updated(guid(0xabc))], `https://api.partner.microsoft.com${page2}`),
		);
		interceptExact([], page2, listPage([updated(guid(0xabc).toUpperCase()), updated(guid(0xdef))]));
		const { items } = await poll(staticData);
		expect((items ?? []).map((item) => item.json.id)).toEqual([guid(0xabc), guid(0xdef)]);
		const state = (staticData[STATE_KEY] as IDataObject).referrals as IDataObject;
		expect(Object.keys(state.seen as IDataObject).sort()).toEqual([guid(0xabc), guid(0xdef)]);
	});
});
