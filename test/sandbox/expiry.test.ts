import {
	EXAMPLE_REFERRAL_ID,
	incomingReferral,
	parseCliArgs,
	startSandbox,
	type Referral,
	type Sandbox,
} from '../../dev/sandbox';
import { expiringSoonHours } from '../../dev/sandbox/data';
import { Client, manualClock, newReferralBody, REFERRALS_PATH } from './helpers';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = '2026-12-07T09:30:00.000Z';

const at = (stamp: string | undefined): number => Date.parse(String(stamp));
const waiting = (referrals: Referral[]): Referral[] =>
	referrals.filter((r) => r.status === 'New' && r.direction === 'Incoming');

describe('sandbox: seed data dated relative to the sandbox clock', () => {
	let sandbox: Sandbox;
	const clock = manualClock(START);

	beforeAll(async () => {
		sandbox = await startSandbox({ referralCount: 300, seed: 1, now: clock.now });
	});

	afterAll(async () => {
		await sandbox.close();
	});

	it('is created and updated before the clock, and open referrals close after it', () => {
		const now = at(START);
		const generated = sandbox.referrals.all().slice(1);
		for (const r of generated) {
			expect(at(r.createdDateTime)).toBeLessThanOrEqual(now);
			expect(at(r.updatedDateTime)).toBeLessThanOrEqual(now);
			expect(at(r.updatedDateTime)).toBeGreaterThanOrEqual(at(r.createdDateTime));
		}
		const open = generated.filter((r) => r.status === 'New' || r.status === 'Active');
		expect(open.length).toBeGreaterThan(50);
		for (const r of open)
			expect({ id: r.id, closesLater: at(r.details?.closingDateTime) > now }).toEqual({
				id: r.id,
				closesLater: true,
			});
		// New referrals arrived recently: within the 14 days an incoming one waits
		for (const r of generated.filter((r) => r.status === 'New'))
			expect(now - at(r.createdDateTime)).toBeLessThan(14 * DAY);
	});

	it('gives incoming referrals an expirationDateTime 14 days after their creation, none to outgoing ones', () => {
		const generated = sandbox.referrals.all().slice(1);
		const incoming = generated.filter((r) => r.direction === 'Incoming');
		expect(incoming.length).toBeGreaterThan(0);
		for (const r of incoming)
			expect(at(r.expirationDateTime) - at(r.createdDateTime)).toBe(14 * DAY);
		for (const r of generated.filter((r) => r.direction === 'Outgoing'))
			expect(r.expirationDateTime).toBeUndefined();
		// waiting referrals expire after the clock; expired ones did before it, and last changed then
		expect(waiting(generated).length).toBeGreaterThan(10);
		for (const r of waiting(generated)) expect(at(r.expirationDateTime)).toBeGreaterThan(at(START));
		const expired = incoming.filter((r) => r.substatus === 'Expired');
		expect(expired.length).toBeGreaterThan(0);
		for (const r of expired) {
			expect(at(r.expirationDateTime)).toBeLessThanOrEqual(at(START));
			expect(r.updatedDateTime).toBe(r.expirationDateTime);
		}
		// an incoming referral answered in time was accepted before it would have expired
		for (const r of incoming.filter((r) => r.acceptedDateTime !== undefined))
			expect(at(r.acceptedDateTime)).toBeLessThan(at(r.expirationDateTime));
	});

	it('keeps the documented example as the docs show it: no expirationDateTime', () => {
		const example = sandbox.referrals.get(EXAMPLE_REFERRAL_ID);
		expect(example?.expirationDateTime).toBeUndefined();
		expect(example?.createdDateTime).toBe('2020-10-30T21:03:00.0000000Z');
	});

	it('moves with the clock: the same seed ten days later is the same data ten days later', async () => {
		const later = await startSandbox({
			referralCount: 300,
			seed: 1,
			now: () => new Date(at(START) + 10 * DAY),
		});
		try {
			const before = sandbox.referrals.all().slice(1);
			const after = later.referrals.all().slice(1);
			expect(after.map((r) => r.id)).toEqual(before.map((r) => r.id));
			after.forEach((r, i) => {
				expect(at(r.createdDateTime) - at(before[i].createdDateTime)).toBe(10 * DAY);
				expect(at(r.updatedDateTime) - at(before[i].updatedDateTime)).toBe(10 * DAY);
				expect(at(r.details?.closingDateTime) - at(before[i].details?.closingDateTime)).toBe(
					10 * DAY,
				);
				expect({ ...r, createdDateTime: 0, updatedDateTime: 0 }).toMatchObject({
					status: before[i].status,
					substatus: before[i].substatus,
					customerProfile: before[i].customerProfile,
				});
			});
		} finally {
			await later.close();
		}
	});
});

describe('sandbox: expiry on the sandbox clock', () => {
	let sandbox: Sandbox;
	let client: Client;
	const clock = manualClock(START);

	beforeEach(async () => {
		clock.set(START);
		sandbox = await startSandbox({ referralCount: 60, seed: 3, now: clock.now });
		client = new Client(sandbox, sandbox.issueToken(365 * 86_400).accessToken);
	});

	afterEach(async () => {
		await sandbox.close();
	});

	const fetchOne = async (id: string) => (await client.json(`${REFERRALS_PATH}/${id}`)).body;

	it('closes a New referral as Closed / Expired when its expirationDateTime passes', async () => {
		const referral = sandbox.referrals.create(incomingReferral());
		expect(at(referral.expirationDateTime) - at(referral.createdDateTime)).toBe(14 * DAY);
		clock.set(new Date(at(referral.expirationDateTime) - 1).toISOString());
		expect(await fetchOne(referral.id)).toMatchObject({
			status: 'New',
			substatus: 'Pending',
			eTag: referral.eTag,
		});
		clock.advance(1);
		const expired = await fetchOne(referral.id);
		expect(expired).toMatchObject({
			status: 'Closed',
			substatus: 'Expired',
			updatedDateTime: referral.expirationDateTime,
			closedDateTime: referral.expirationDateTime,
			expirationDateTime: referral.expirationDateTime,
		});
		expect(expired.eTag).not.toBe(referral.eTag);
		// the listing agrees, and the sandbox's own view too
		const open = await client.listAll({ $filter: "status eq 'New'" });
		expect(open.ids).not.toContain(referral.id);
		const closed = await client.listAll({
			$filter: "status eq 'Closed' and substatus eq 'Expired'",
		});
		expect(closed.ids).toContain(referral.id);
		expect(sandbox.referrals.get(referral.id)?.status).toBe('Closed');
	});

	it('stamps the expiry, not the moment it noticed, and answers an expired referral as closed to writes', async () => {
		const referral = sandbox.referrals.create(incomingReferral());
		clock.set(new Date(at(referral.expirationDateTime) + 3 * DAY).toISOString());
		const accept = await client.patch(referral.id, [
			{ op: 'replace', path: '/status', value: 'Active' },
			{ op: 'replace', path: '/substatus', value: 'Accepted' },
		]);
		expect(accept.status).toBe(400);
		expect(sandbox.referrals.get(referral.id)).toMatchObject({
			status: 'Closed',
			substatus: 'Expired',
			updatedDateTime: referral.expirationDateTime,
		});
	});

	it('never expires a referral answered in time: accepted or declined', async () => {
		const accepted = sandbox.referrals.create(incomingReferral());
		const declined = sandbox.referrals.create(incomingReferral());
		clock.advance(13 * DAY);
		expect(
			(
				await client.patch(accepted.id, [
					{ op: 'replace', path: '/status', value: 'Active' },
					{ op: 'replace', path: '/substatus', value: 'Accepted' },
				])
			).status,
		).toBe(204);
		expect(
			(
				await client.patch(declined.id, [
					{ op: 'replace', path: '/status', value: 'Closed' },
					{ op: 'replace', path: '/substatus', value: 'Declined' },
				])
			).status,
		).toBe(204);
		const answeredAt = new Date(clock.now()).toISOString().slice(0, 19);
		clock.advance(30 * DAY);
		expect(await fetchOne(accepted.id)).toMatchObject({ status: 'Active', substatus: 'Accepted' });
		expect(await fetchOne(declined.id)).toMatchObject({ status: 'Closed', substatus: 'Declined' });
		expect(String((await fetchOne(declined.id)).updatedDateTime).slice(0, 19)).toBe(answeredAt);
	});

	it('follows a moved expirationDateTime: later (an extension) or earlier', async () => {
		const extended = sandbox.referrals.create(incomingReferral());
		const shortened = sandbox.referrals.create(incomingReferral());
		const expiry = at(extended.expirationDateTime);
		sandbox.referrals.update(extended.id, {
			expirationDateTime: new Date(expiry + 5 * DAY).toISOString(),
		});
		sandbox.referrals.update(shortened.id, {
			expirationDateTime: new Date(expiry - 10 * DAY).toISOString(),
		});
		clock.set(new Date(expiry - 10 * DAY).toISOString());
		expect((await fetchOne(shortened.id)).substatus).toBe('Expired');
		clock.set(new Date(expiry + 1).toISOString());
		expect((await fetchOne(extended.id)).status).toBe('New');
		clock.set(new Date(expiry + 5 * DAY).toISOString());
		expect(await fetchOne(extended.id)).toMatchObject({
			status: 'Closed',
			substatus: 'Expired',
			updatedDateTime: '2026-12-26T09:30:00.0000000Z',
		});
	});

	it('gives none to a referral created without one on purpose, or sent by the partner', async () => {
		const without = sandbox.referrals.create(incomingReferral({ expirationDateTime: undefined }));
		expect(without.expirationDateTime).toBeUndefined();
		const posted = await client.post(newReferralBody());
		expect(posted.status).toBe(201);
		expect(posted.body.direction).toBe('Outgoing');
		expect(posted.body.expirationDateTime).toBeUndefined();
		clock.advance(300 * DAY);
		expect((await fetchOne(without.id)).status).toBe('New');
		expect((await fetchOne(String(posted.body.id))).status).toBe('New');
	});

	it('expires the seeded referrals too, once their 14 days are over', async () => {
		const seeded = waiting(sandbox.referrals.all());
		expect(seeded.length).toBeGreaterThan(3);
		clock.advance(14 * DAY);
		const { ids } = await client.listAll({
			$filter: "status eq 'New' and direction eq 'Incoming'",
		});
		// only the documented example, which has no expirationDateTime, is still waiting
		expect(ids).toEqual([EXAMPLE_REFERRAL_ID]);
		for (const r of seeded.filter((r) => r.expirationDateTime !== undefined))
			expect(sandbox.referrals.get(r.id)).toMatchObject({
				status: 'Closed',
				substatus: 'Expired',
				updatedDateTime: r.expirationDateTime,
			});
	});
});

describe('sandbox: referrals expiring soon (expiringSoon, --expiring-soon)', () => {
	it('makes N New incoming referrals expire within 1 to 40 hours, spread, created 14 days before', async () => {
		const clock = manualClock(START);
		const sandbox = await startSandbox({
			referralCount: 60,
			seed: 1,
			now: clock.now,
			expiringSoon: 3,
		});
		try {
			const soon = waiting(sandbox.referrals.all()).filter(
				(r) => at(r.expirationDateTime) <= at(START) + 40 * HOUR,
			);
			expect(soon.map((r) => (at(r.expirationDateTime) - at(START)) / HOUR)).toEqual([10, 20, 30]);
			for (const r of soon) {
				expect(at(r.expirationDateTime) - at(r.createdDateTime)).toBe(14 * DAY);
				expect(r.updatedDateTime).toBe(r.createdDateTime);
			}
			// the first three waiting referrals in store order, whatever the count: deterministic
			expect(soon.map((r) => r.id)).toEqual(
				waiting(sandbox.referrals.all())
					.filter((r) => r.expirationDateTime !== undefined)
					.slice(0, 3)
					.map((r) => r.id),
			);
			clock.advance(20 * HOUR);
			expect(soon.map((r) => sandbox.referrals.get(r.id)?.substatus)).toEqual([
				'Expired',
				'Expired',
				'Pending',
			]);
		} finally {
			await sandbox.close();
		}
	});

	it('spreads any count over 1 to 40 hours', () => {
		for (const count of [1, 2, 5, 40, 200]) {
			const hours = Array.from({ length: count }, (_, i) => expiringSoonHours(i, count));
			expect(Math.min(...hours)).toBeGreaterThanOrEqual(1);
			expect(Math.max(...hours)).toBeLessThanOrEqual(40);
			expect([...hours].sort((a, b) => a - b)).toEqual(hours);
		}
		expect(expiringSoonHours(0, 1)).toBe(20);
	});

	it('refuses more than the data holds, and is a CLI option', async () => {
		await expect(startSandbox({ referralCount: 5, expiringSoon: 50 })).rejects.toThrow(
			/expiringSoon 50 is more than the \d+ New incoming referrals/,
		);
		expect(parseCliArgs(['--expiring-soon', '3']).sandbox.expiringSoon).toBe(3);
		expect(() => parseCliArgs(['--expiring-soon', 'soon'])).toThrow(/--expiring-soon/);
	});
});
