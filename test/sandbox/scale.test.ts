import { startSandbox, type Sandbox } from '../../dev/sandbox';
import { Client, REFERRALS_PATH } from './helpers';

describe('sandbox: 100,000 generated referrals', () => {
	let sandbox: Sandbox;
	let client: Client;

	beforeAll(async () => {
		sandbox = await startSandbox({ referralCount: 100_000 });
		client = new Client(sandbox);
	});

	afterAll(async () => {
		await sandbox.close();
	});

	it('creates them all and lists with $top=1', async () => {
		expect(sandbox.referrals.count()).toBe(100_001);
		const page = await client.list({ $top: 1 });
		expect(page.status).toBe(200);
		expect(page.body.value).toHaveLength(1);
		expect(page.body['@odata.count']).toBe(100_001);
		expect(page.body['@odata.nextLink']).toBeUndefined();
	});

	it('serves the last one, a filtered page and a nextLink deep into the list', async () => {
		const last = sandbox.referrals.all()[100_000];
		expect((await client.json(`${REFERRALS_PATH}/${last.id}`)).body.id).toBe(last.id);
		const filtered = await client.list({
			$filter: "status eq 'Active' and customerProfile/address/country eq 'JP'",
			$top: 5,
		});
		expect(filtered.body.value).toHaveLength(5);
		expect(filtered.body.value.every((r) => r.status === 'Active')).toBe(true);
		const first = await client.list({ $skip: 99_950 });
		expect(first.body.value).toHaveLength(51);
		expect(first.body.value[50].id).toBe(last.id);
	});
});
