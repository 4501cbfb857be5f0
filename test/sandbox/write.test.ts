import {
	EXAMPLE_REFERRAL_ID,
	READ_ONLY_FIELDS,
	STATUS_TRANSITIONS,
	SUBSTATUSES_BY_STATUS,
	startSandbox,
	type Referral,
	type Sandbox,
} from '../../dev/sandbox';
import { Client, ETAG_RE, GUID_RE, manualClock, newReferralBody, REFERRALS_PATH } from './helpers';

interface ErrorResponse {
	error: { code: string; message: string; target?: string };
}

describe('sandbox: writing referrals over HTTP', () => {
	let sandbox: Sandbox;
	let client: Client;
	const clock = manualClock('2026-03-01T12:00:00.000Z');

	beforeAll(async () => {
		sandbox = await startSandbox({ referralCount: 20, now: clock.now });
		// the tests move the clock by days: a token that outlives them
		client = new Client(sandbox, sandbox.issueToken(365 * 86_400).accessToken);
	});

	afterAll(async () => {
		await sandbox.close();
	});

	/** a fresh referral in the given state, straight into the store */
	function seed(status = 'New', substatus = 'Pending'): Referral {
		return sandbox.referrals.create({
			...newReferralBody(),
			status,
			substatus,
			direction: 'Incoming',
		});
	}

	describe('POST (create)', () => {
		it('creates a referral with id, engagementId, eTag, clock timestamps and defaults', async () => {
			clock.set('2026-03-02T09:30:00.250Z');
			const response = await client.post(newReferralBody());
			expect(response.status).toBe(201);
			const body = response.body as Referral;
			expect(body.id).toMatch(GUID_RE);
			expect(body.engagementId).toMatch(GUID_RE);
			expect(body.eTag).toMatch(ETAG_RE);
			expect(response.headers.get('etag')).toBe(body.eTag);
			expect(response.headers.get('location')).toBe(`${sandbox.url}${REFERRALS_PATH}/${body.id}`);
			expect(body).toMatchObject({
				'@odata.context': expect.stringContaining(
					'engagments/referrals/$metadata#Referrals/$entity',
				),
				createdDateTime: '2026-03-02T09:30:00.2500000Z',
				updatedDateTime: '2026-03-02T09:30:00.2500000Z',
				status: 'New',
				substatus: 'Pending',
				direction: 'Outgoing',
				type: 'Independent',
				organizationId: '7d23e5ca-19dc-4eaa-aac8-5e6b559f0d1d',
				organizationName: 'Contoso Company',
				customerProfile: { name: 'Test Customer Ltd', address: { country: 'GB' } },
			});
			const fetched = await client.json(`${REFERRALS_PATH}/${body.id}`);
			expect(fetched.status).toBe(200);
			expect(fetched.body).toEqual(body);
		});

		it('reuses a given engagementId (co-sell second referral) and passes unknown fields through', async () => {
			const first = (
				await client.post(
					newReferralBody({ type: 'Shared', target: [{ type: 'SolutionProfile', id: 'SOL-1' }] }),
				)
			).body as Referral;
			const second = await client.post(
				newReferralBody({
					type: 'shared',
					engagementId: first.engagementId,
					target: [{ type: 'BusinessProfileLocation', id: 'msft' }],
					customField: { kept: true },
					id: 'ignored',
				}),
			);
			expect(second.status).toBe(201);
			expect(second.body).toMatchObject({
				engagementId: first.engagementId,
				type: 'Shared',
				customField: { kept: true },
			});
			expect(second.body.id).not.toBe('ignored');
			const related = await client.list({ $filter: `engagementId eq ${first.engagementId}` });
			expect(related.body.value.map((r) => r.id)).toEqual([first.id, second.body.id]);
		});

		it('accepts a given status and defaults the substatus', async () => {
			const active = await client.post(newReferralBody({ status: 'Active' }));
			expect(active.body).toMatchObject({ status: 'Active', substatus: 'Accepted' });
			const closed = await client.post(newReferralBody({ status: 'Closed' }));
			expect(closed.status).toBe(400);
			const wrong = await client.post(newReferralBody({ status: 'New', substatus: 'Won' }));
			expect(wrong.status).toBe(400);
			expect((wrong.body as unknown as ErrorResponse).error.message).toMatch(/Won.*New/);
		});

		const without = (path: string): Record<string, unknown> => {
			const body = newReferralBody() as Record<string, Record<string, Record<string, unknown>>>;
			const [a, b, c] = path.split('.');
			if (c) delete body[a][b][c];
			else if (b) delete body[a][b];
			else delete body[a];
			return body;
		};

		it.each([
			'type',
			'customerProfile',
			'customerProfile.name',
			'customerProfile.address',
			'customerProfile.address.country',
			'consent',
			'details',
		])('answers 400 invalidRequest naming the missing %s', async (field) => {
			const response = await client.post(without(field));
			expect(response.status).toBe(400);
			const { error } = response.body as unknown as ErrorResponse;
			expect(error.code).toBe('invalidRequest');
			const named = field === 'customerProfile.address' ? 'customerProfile.address.country' : field;
			expect(error.message).toContain(`'${named}'`);
			expect(error.target).toBe(named);
		});

		it.each([
			[{ type: 'Exclusive' }, /type/],
			[{ status: 'Pending' }, /status/],
			[{ qualification: 'Warm' }, /qualification/],
			[{ target: [{ type: 'Somewhere', id: 'x' }] }, /target\[0\]\.type/],
			[{ details: { dealValue: 'lots' } }, /dealValue/],
			[{ details: { closingDateTime: 'next week' } }, /closingDateTime/],
			[{ customerProfile: { name: 'X', address: { country: 'United States' } } }, /country/],
			[{ engagementId: 'not-a-guid' }, /engagementId/],
			[{ team: 'megan' }, /team/],
		])('validates enums and shapes: %j', async (overrides, message) => {
			const response = await client.post(newReferralBody(overrides));
			expect(response.status).toBe(400);
			expect((response.body as unknown as ErrorResponse).error.message).toMatch(message);
		});

		it('rejects bodies that are not a JSON object', async () => {
			expect((await client.post('{not json')).status).toBe(400);
			expect((await client.post('[]')).status).toBe(400);
			expect((await client.post('')).status).toBe(400);
		});
	});

	describe('PATCH', () => {
		it('applies replace/add operations, answers 204 with a new ETag and bumps updatedDateTime', async () => {
			const referral = seed();
			clock.set('2026-03-05T10:00:00.000Z');
			const response = await client.patch(referral.id, [
				{ op: 'replace', path: '/status', value: 'Active' },
				{ op: 'replace', path: '/substatus', value: 'Accepted' },
				{ op: 'replace', path: '/details/dealValue', value: '10000' },
				{ op: 'replace', path: '/details/notes', value: 'Accepted by the partner' },
				{ op: 'replace', path: '/details/closingDateTime', value: '2026-09-30T00:00:00Z' },
				{ op: 'replace', path: '/details/currency', value: 'eur' },
				{
					op: 'add',
					path: '/team/-',
					value: {
						email: 'alex.wilber@contoso.com',
						firstName: 'Alex',
						lastName: 'Wilber',
						phoneNumber: '+1 425 555 0111',
					},
				},
				{
					op: 'add',
					path: '/customerProfile/team/-',
					value: { email: 'cto@testcustomer.example', firstName: 'Cee' },
				},
				{ op: 'replace', path: '/externalReferenceId', value: 'CRM-42' },
				{ op: 'replace', path: '/qualification', value: 'marketingqualified' },
				{ op: 'replace', path: '/name', value: 'Renamed' },
				{ op: 'add', path: '/statusReason', value: 'Good fit' },
			]);
			expect(response.status).toBe(204);
			expect(response.body).toBeUndefined();
			const eTag = response.headers.get('etag');
			expect(eTag).toMatch(ETAG_RE);
			expect(eTag).not.toBe(referral.eTag);
			const stored = sandbox.referrals.get(referral.id) as Referral;
			expect(stored).toMatchObject({
				status: 'Active',
				substatus: 'Accepted',
				statusReason: 'Good fit',
				externalReferenceId: 'CRM-42',
				qualification: 'MarketingQualified',
				name: 'Renamed',
				eTag,
				updatedDateTime: '2026-03-05T10:00:00.0000000Z',
				createdDateTime: referral.createdDateTime,
				details: {
					dealValue: '10000',
					notes: 'Accepted by the partner',
					closingDateTime: '2026-09-30T00:00:00Z',
					currency: 'EUR',
				},
			});
			expect(stored.team?.map((m) => m.email)).toEqual([
				'megan.bowen@contoso.com',
				'alex.wilber@contoso.com',
			]);
			expect(stored.customerProfile?.team?.map((m) => m.email)).toEqual([
				'tess@testcustomer.example',
				'cto@testcustomer.example',
			]);
		});

		it('returns the representation with Prefer: return=representation', async () => {
			const referral = seed();
			const response = await client.patch(
				referral.id,
				[{ op: 'replace', path: '/details/notes', value: 'hello' }],
				{
					Prefer: 'return=representation',
				},
			);
			expect(response.status).toBe(200);
			expect(response.body).toMatchObject({ id: referral.id, details: { notes: 'hello' } });
			expect(response.body['@odata.context']).toMatch(/\$entity$/);
			expect(response.headers.get('etag')).toBe(response.body.eTag);
			expect(response.headers.get('preference-applied')).toBe('return=representation');
		});

		it('changes only the patched referral even where generated referrals share sub-objects', async () => {
			const before = sandbox.referrals.all().slice(1, 21);
			// 20 generated referrals, 8 possible consent objects: some are the same object
			const target = before.find((r) =>
				before.some((other) => other !== r && other.consent === r.consent),
			) as Referral;
			const sibling = before.find((r) => r !== target && r.consent === target.consent) as Referral;
			const siblingConsent = JSON.stringify(sibling.consent);
			const flipped = !target.consent?.consentToContact;
			const response = await client.patch(target.id, [
				{ op: 'replace', path: '/consent/consentToContact', value: flipped },
			]);
			expect(response.status).toBe(204);
			expect(sandbox.referrals.get(target.id)?.consent?.consentToContact).toBe(flipped);
			expect(JSON.stringify(sandbox.referrals.get(sibling.id)?.consent)).toBe(siblingConsent);
		});

		it('accepts a harmless PATCH on the example and every generated referral (the seeded data validates)', async () => {
			for (const referral of sandbox.referrals.all().slice(0, 21)) {
				const response = await client.patch(referral.id, [
					{ op: 'add', path: '/details/notes', value: 'checked' },
				]);
				expect([referral.id, response.status]).toEqual([referral.id, 204]);
			}
		});

		it.each(READ_ONLY_FIELDS.map((field) => [field]))(
			'refuses to change the read-only /%s',
			async (field) => {
				const referral = seed();
				const response = await client.patch(referral.id, [
					{ op: 'replace', path: `/${field}`, value: 'x' },
				]);
				expect(response.status).toBe(400);
				const { error } = response.body as unknown as ErrorResponse;
				expect(error.code).toBe('invalidRequest');
				expect(error.message).toContain(`'${field}' is read-only`);
				expect(sandbox.referrals.get(referral.id)?.eTag).toBe(referral.eTag);
			},
		);

		it.each([
			[[{ op: 'remove', path: '/details/notes' }], /'remove' is not supported/],
			[[{ op: 'move', from: '/name', path: '/statusReason' }], /'move' is not supported/],
			[[{ op: 'test', path: '/name', value: 'x' }], /'test' is not supported/],
			[[{ op: 'replace', path: '/name' }], /no 'value'/],
			[[{ op: 'replace', value: 'x' }], /path/],
			[{ op: 'replace', path: '/name', value: 'x' }, /array of operations/],
			[[], /no operations/],
			[[{ op: 'replace', path: '/status', value: 'Sleeping' }], /Allowed values/],
			[[{ op: 'replace', path: '/details/dealValue', value: 'a lot' }], /dealValue/],
			[[{ op: 'replace', path: '/name/first', value: 'x' }], /not an object/],
		])('rejects a bad patch document %j', async (operations, message) => {
			const referral = seed();
			const response = await client.patch(referral.id, operations);
			expect(response.status).toBe(400);
			expect((response.body as unknown as ErrorResponse).error.message).toMatch(message);
		});

		it('honours If-Match: current -> 204, * -> 204, stale -> 412 preconditionFailed', async () => {
			const referral = seed();
			const ok = await client.patch(referral.id, [{ op: 'replace', path: '/name', value: 'a' }], {
				'If-Match': referral.eTag as string,
			});
			expect(ok.status).toBe(204);
			const stale = await client.patch(
				referral.id,
				[{ op: 'replace', path: '/name', value: 'b' }],
				{ 'If-Match': referral.eTag as string },
			);
			expect(stale.status).toBe(412);
			expect((stale.body as unknown as ErrorResponse).error.code).toBe('preconditionFailed');
			expect(sandbox.referrals.get(referral.id)?.name).toBe('a');
			const star = await client.patch(referral.id, [{ op: 'replace', path: '/name', value: 'c' }], {
				'If-Match': '*',
			});
			expect(star.status).toBe(204);
		});

		it('answers 404 for an unknown id', async () => {
			expect(
				(
					await client.patch('00000000-0000-4000-8000-000000000000', [
						{ op: 'replace', path: '/name', value: 'x' },
					])
				).status,
			).toBe(404);
		});
	});

	describe('status transitions (PATCH /status + /substatus)', () => {
		const fromStates = Object.entries(SUBSTATUSES_BY_STATUS).flatMap(([status, subs]) =>
			subs.map((sub) => [status, sub] as const),
		);
		const toStates = ['None', 'New', 'Active', 'Closed'].flatMap((status) =>
			['None', 'Pending', 'Received', 'Accepted', 'Won', 'Lost', 'Declined', 'Expired'].map(
				(sub) => [status, sub] as const,
			),
		);

		it('allows exactly the moves of the transition table', async () => {
			expect(fromStates).toHaveLength(7);
			let allowedCount = 0;
			for (const [fromStatus, fromSub] of fromStates) {
				for (const [toStatus, toSub] of toStates) {
					const allowed =
						(STATUS_TRANSITIONS[fromStatus] ?? []).includes(toStatus) &&
						(SUBSTATUSES_BY_STATUS[toStatus] ?? []).includes(toSub);
					const referral = seed(fromStatus, fromSub);
					const response = await client.patch(referral.id, [
						{ op: 'replace', path: '/status', value: toStatus },
						{ op: 'replace', path: '/substatus', value: toSub },
					]);
					const label = `${fromStatus}/${fromSub} -> ${toStatus}/${toSub}`;
					expect([label, response.status]).toEqual([label, allowed ? 204 : 400]);
					const stored = sandbox.referrals.get(referral.id) as Referral;
					if (allowed) {
						allowedCount++;
						expect([stored.status, stored.substatus]).toEqual([toStatus, toSub]);
					} else {
						const { error } = response.body as unknown as ErrorResponse;
						expect(error.code).toBe('invalidRequest');
						expect(error.message).toContain(
							`from '${fromStatus}/${fromSub}' to '${toStatus}/${toSub}'`,
						);
						expect([stored.status, stored.substatus]).toEqual([fromStatus, fromSub]);
					}
				}
			}
			// New/* -> 7 targets, Active/* -> 5, Closed/* -> 4
			expect(allowedCount).toBe(2 * 7 + 1 * 5 + 4 * 4);
		});

		it('names the current and the requested state when refusing', async () => {
			const closed = seed('Closed', 'Won');
			const response = await client.patch(closed.id, [
				{ op: 'replace', path: '/status', value: 'Active' },
				{ op: 'replace', path: '/substatus', value: 'Accepted' },
			]);
			expect(response.status).toBe(400);
			expect((response.body as unknown as ErrorResponse).error.message).toContain(
				"from 'Closed/Won' to 'Active/Accepted'",
			);
			const fresh = seed('New', 'Pending');
			const statusOnly = await client.patch(fresh.id, [
				{ op: 'replace', path: '/status', value: 'Active' },
			]);
			expect(statusOnly.status).toBe(400);
			expect((statusOnly.body as unknown as ErrorResponse).error.message).toContain(
				"from 'New/Pending' to 'Active/Pending'",
			);
		});

		it('accepts declining, winning and losing', async () => {
			const a = seed();
			expect(
				(
					await client.patch(a.id, [
						{ op: 'replace', path: '/status', value: 'Closed' },
						{ op: 'replace', path: '/substatus', value: 'Declined' },
					])
				).status,
			).toBe(204);
			const b = seed('Active', 'Accepted');
			const won = await client.patch(
				b.id,
				[
					{ op: 'replace', path: '/status', value: 'closed' },
					{ op: 'replace', path: '/substatus', value: 'won' },
					{ op: 'replace', path: '/statusReason', value: 'Signed' },
				],
				{ Prefer: 'return=representation' },
			);
			expect(won.body).toMatchObject({
				status: 'Closed',
				substatus: 'Won',
				statusReason: 'Signed',
			});
		});
	});

	describe('PUT (legacy whole update)', () => {
		async function current(id: string): Promise<Record<string, unknown>> {
			const response = await client.json(`${REFERRALS_PATH}/${id}`);
			const body = { ...response.body };
			delete body.eTag;
			delete body.links;
			delete body['@odata.context'];
			return body;
		}

		it('requires If-Match (428) and refuses a stale one (412)', async () => {
			const referral = seed();
			const body = await current(referral.id);
			const missing = await client.put(referral.id, body);
			expect(missing.status).toBe(428);
			const stale = await client.put(referral.id, body, {
				'If-Match': '"00000000-0000-0000-0000-000000000000"',
			});
			expect(stale.status).toBe(412);
			expect((stale.body as unknown as ErrorResponse).error.code).toBe('preconditionFailed');
		});

		it('replaces the whole referral and returns it with a new eTag', async () => {
			const referral = seed();
			const body = await current(referral.id);
			delete body.statusReason;
			clock.set('2026-03-09T00:00:00.000Z');
			const response = await client.put(
				referral.id,
				{
					...body,
					name: 'Replaced',
					status: 'Active',
					substatus: 'Accepted',
					details: { notes: 'only notes now' },
					extra: 1,
				},
				{ 'If-Match': referral.eTag as string },
			);
			expect(response.status).toBe(200);
			expect(response.body).toMatchObject({
				id: referral.id,
				name: 'Replaced',
				status: 'Active',
				substatus: 'Accepted',
				details: { notes: 'only notes now' },
				extra: 1,
				updatedDateTime: '2026-03-09T00:00:00.0000000Z',
				createdDateTime: referral.createdDateTime,
			});
			expect(response.body.details).toEqual({ notes: 'only notes now' });
			expect(response.body.eTag).not.toBe(referral.eTag);
			expect(response.headers.get('etag')).toBe(response.body.eTag);
			expect(response.body.links).toEqual(referral.links);
		});

		it('refuses read-only changes and illegal transitions', async () => {
			const referral = seed('Closed', 'Lost');
			const body = await current(referral.id);
			const ifMatch = { 'If-Match': referral.eTag as string };
			const idChange = await client.put(
				referral.id,
				{ ...body, createdDateTime: '2020-01-01T00:00:00Z' },
				ifMatch,
			);
			expect(idChange.status).toBe(400);
			expect((idChange.body as unknown as ErrorResponse).error.message).toContain(
				"'createdDateTime' is read-only",
			);
			const typeChange = await client.put(referral.id, { ...body, type: 'Shared' }, ifMatch);
			expect(typeChange.status).toBe(400);
			const reopen = await client.put(
				referral.id,
				{ ...body, status: 'New', substatus: 'Pending' },
				ifMatch,
			);
			expect(reopen.status).toBe(400);
			expect((reopen.body as unknown as ErrorResponse).error.message).toContain(
				"from 'Closed/Lost' to 'New/Pending'",
			);
			expect((await client.put('00000000-0000-4000-8000-000000000000', body, ifMatch)).status).toBe(
				404,
			);
		});
	});

	describe('direct store access', () => {
		it('creates, updates (deep merge, eTag and clock bump) and returns copies', () => {
			clock.set('2026-04-01T00:00:00.000Z');
			const created = sandbox.referrals.create({
				name: 'direct',
				details: { notes: 'a', dealValue: 1 },
			});
			expect(created.id).toMatch(GUID_RE);
			expect(created.eTag).toMatch(ETAG_RE);
			expect(created.createdDateTime).toBe('2026-04-01T00:00:00.0000000Z');
			expect(sandbox.referrals.count()).toBe(sandbox.referrals.all().length);
			clock.advance(1000);
			const updated = sandbox.referrals.update(created.id, {
				details: { notes: 'b' },
				status: 'Active',
				substatus: 'Accepted',
			});
			expect(updated.details).toEqual({ notes: 'b', dealValue: 1 });
			expect(updated.eTag).not.toBe(created.eTag);
			expect(updated.updatedDateTime).toBe('2026-04-01T00:00:01.0000000Z');
			const copy = sandbox.referrals.get(created.id) as Referral;
			copy.name = 'mutated';
			expect(sandbox.referrals.get(created.id)?.name).toBe('direct');
			expect(() => sandbox.referrals.update('nope', {})).toThrow();
			expect(() => sandbox.referrals.create({ id: EXAMPLE_REFERRAL_ID })).toThrow();
			const explicit = sandbox.referrals.update(created.id, {
				updatedDateTime: '2026-01-01T00:00:00.0000000Z',
			});
			expect(explicit.updatedDateTime).toBe('2026-01-01T00:00:00.0000000Z');
		});
	});
});
