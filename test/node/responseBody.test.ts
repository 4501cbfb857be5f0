/**
 * How the transport reads a response body: it asks n8n for the bytes and decodes them itself
 * (cheaper on large list pages), and must read them exactly as n8n's JSON mode did.
 */
import nock from 'nock';

import { timing } from '../../nodes/PartnerCenterReferral/shared/timing';
import { API, byId, EXAMPLE_ID, exampleReferral, REFERRALS, runReferral } from '../fixtures';
import { flat } from './helpers';

beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());
beforeEach(() => {
	jest.spyOn(timing, 'sleep').mockImplementation(async () => {});
});
afterEach(() => {
	jest.restoreAllMocks();
	const pending = nock.pendingMocks();
	nock.cleanAll();
	expect(pending).toEqual([]);
});

const get = { operation: 'get', referralId: byId(EXAMPLE_ID) };

describe('Reading response bodies', () => {
	it('reads a JSON body that starts with a byte order mark', async () => {
		nock(API)
			.get(`${REFERRALS}/${EXAMPLE_ID}`)
			.reply(200, `\uFEFF${JSON.stringify(exampleReferral())}`, {
				'Content-Type': 'application/json; charset=utf-8',
			});
		const { items, error } = await runReferral(get);
		expect(error).toBeUndefined();
		expect(items[0].json).toEqual(
			flat(EXAMPLE_ID, { eTag: '"2500ec5a-0000-0000-0000-5bf4967d0000"' }),
		);
	});

	it('reads text outside ASCII as UTF-8', async () => {
		const referral = { ...exampleReferral(), name: 'Zürich – 東京 deal' };
		nock(API)
			.get(`${REFERRALS}/${EXAMPLE_ID}`)
			.reply(200, Buffer.from(JSON.stringify(referral), 'utf8'), {
				'Content-Type': 'application/json',
			});
		const { items, error } = await runReferral(get);
		expect(error).toBeUndefined();
		expect(items[0].json.name).toBe('Zürich – 東京 deal');
	});

	it("shows the service's error message from an error body", async () => {
		nock(API)
			.get(`${REFERRALS}/${EXAMPLE_ID}`)
			.reply(400, { error: { code: 'invalidRequest', message: 'The referral id is not valid' } });
		const { error } = await runReferral(get);
		expect(error?.message).toBe(
			'Partner Center rejected the request as invalid: The referral id is not valid',
		);
	});
});
