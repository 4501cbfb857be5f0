/**
 * Create: the exact POST body, both documented success codes, validation before sending,
 * and no retry of a failed POST (except after 429).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import nock from 'nock';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import {
	API,
	guid,
	LOGIN,
	REFERRALS,
	referral,
	runOptions,
	runReferral,
	TOKEN_PATH,
} from '../fixtures';
import type { RecordedRequest } from './helpers';
import {
	createParameters as create,
	flat,
	recordAndReply,
	useNock,
	watchRequests,
} from './helpers';

const setup = useNock();

const MINIMAL_BODY = {
	type: 'Independent',
	customerProfile: { name: 'Fabrikam Inc', address: { country: 'US' } },
	consent: {
		consentToToShareInfoWithOthers: false,
		consentToContact: true,
		consentToShareReferralWithMicrosoftSellers: true,
	},
	// required by Partner Center even when nothing in it is set
	details: {},
};

/** What the service answers: the referral as created, moved on to Active/Accepted. */
const created = (fields: IDataObject = {}) =>
	referral(guid(1), {
		status: 'Active',
		substatus: 'Accepted',
		engagementId: guid(100),
		...fields,
	});

function interceptPost(
	requests: RecordedRequest[],
	status = 201,
	response: IDataObject = created(),
) {
	return nock(API)
		.post(REFERRALS)
		.reply(recordAndReply(requests, status, response));
}

describe('Create a referral: request body', () => {
	it('sends the minimal independent referral and returns it simplified (201)', async () => {
		const requests: RecordedRequest[] = [];
		interceptPost(requests);
		const { items, error } = await runReferral(create());
		expect(error).toBeUndefined();
		expect(requests.map((request) => request.body)).toEqual([MINIMAL_BODY]);
		expect(requests[0].headers['content-type']).toContain('application/json');
		expect(items.map((item) => item.json)).toEqual([
			flat(guid(1), { status: 'Active', substatus: 'Accepted', engagementId: guid(100) }),
		]);
		expect(items[0].pairedItem).toEqual({ item: 0 });
	});

	it('sends a co-sell referral shared with Microsoft with every field, trimmed and normalised', async () => {
		const requests: RecordedRequest[] = [];
		interceptPost(requests);
		const { error } = await runReferral(
			create(
				{
					type: 'Shared',
					customerName: ' Fabrikam Inc ',
					customerCountry: 'de',
					consentToContact: false,
					consentToShareInfo: true,
				},
				{
					name: ' Fabrikam rollout ',
					externalReferenceId: 'CRM-42',
					qualification: 'SalesQualified',
					customerSize: '51to1000employees',
					addressLine1: 'Hauptstrasse 1',
					addressLine2: '  ',
					city: 'Berlin',
					state: 'BE',
					postalCode: '10115',
					notes: 'Wants Microsoft 365 training',
					dealValue: 25000.5,
					currency: 'eur',
					// no zone: the workflow's time zone (America/New_York, UTC-5 in December)
					closingDateTime: '2026-12-31T00:00:00',
					products: 'Microsoft365, Azure ,',
					solutions: 'SOL-1,SOL-2',
					shareWithMicrosoft: true,
					teamMembers: {
						member: [
							{
								email: ' ann@contoso.com ',
								firstName: 'Ann',
								lastName: 'Lee',
								phoneNumber: '+1 555 0100',
								title: 'AE',
							},
							{ email: 'bob@contoso.com', firstName: '', lastName: '' },
						],
					},
					customerContacts: {
						member: [{ email: "o'brien@fabrikam.com", firstName: 'Sean', lastName: "O'Brien" }],
					},
				},
			),
		);
		expect(error).toBeUndefined();
		expect(requests.map((request) => request.body)).toEqual([
			{
				type: 'Shared',
				name: 'Fabrikam rollout',
				externalReferenceId: 'CRM-42',
				qualification: 'SalesQualified',
				customerProfile: {
					name: 'Fabrikam Inc',
					size: '51to1000employees',
					address: {
						addressLine1: 'Hauptstrasse 1',
						city: 'Berlin',
						state: 'BE',
						postalCode: '10115',
						country: 'DE',
					},
					team: [{ email: "o'brien@fabrikam.com", firstName: 'Sean', lastName: "O'Brien" }],
				},
				consent: {
					consentToToShareInfoWithOthers: true,
					consentToContact: false,
					consentToShareReferralWithMicrosoftSellers: true,
				},
				details: {
					notes: 'Wants Microsoft 365 training',
					dealValue: 25000.5,
					currency: 'EUR',
					closingDateTime: '2026-12-31T05:00:00Z',
					requirements: {
						products: [{ id: 'Microsoft365' }, { id: 'Azure' }],
						solutions: [{ id: 'SOL-1' }, { id: 'SOL-2' }],
					},
				},
				team: [
					{
						email: 'ann@contoso.com',
						firstName: 'Ann',
						lastName: 'Lee',
						phoneNumber: '+1 555 0100',
						title: 'AE',
					},
					{ email: 'bob@contoso.com' },
				],
				target: [{ type: 'BusinessProfileLocation', id: 'msft' }],
			},
		]);
	});

	it('sends a private deal as not shared with Microsoft sellers, and no target', async () => {
		const requests: RecordedRequest[] = [];
		interceptPost(requests);
		const { error } = await runReferral(
			create(
				{ type: 'Shared' },
				{ privateDeal: true, dealValue: 0, closingDateTime: '2026-06-30T12:00:00+02:00' },
			),
		);
		expect(error).toBeUndefined();
		expect(requests.map((request) => request.body)).toEqual([
			{
				...MINIMAL_BODY,
				type: 'Shared',
				consent: { ...MINIMAL_BODY.consent, consentToShareReferralWithMicrosoftSellers: false },
				details: { dealValue: 0, closingDateTime: '2026-06-30T10:00:00Z' },
			},
		]);
	});

	it('accepts a 200 answer too and returns the raw referral when Simplify is off', async () => {
		const requests: RecordedRequest[] = [];
		const answer = { '@odata.context': 'x', ...created({ salesStage: 'Qualify' }) };
		interceptPost(requests, 200, answer);
		const { items, error } = await runReferral(create({ simplify: false }));
		expect(error).toBeUndefined();
		const { '@odata.context': _context, ...raw } = answer;
		expect(items.map((item) => item.json)).toEqual([raw]);
	});

	it('creates one referral per input item, with values from expressions, outputs paired', async () => {
		const requests: RecordedRequest[] = [];
		nock(API)
			.post(REFERRALS, (body: IDataObject) => (body.customerProfile as IDataObject).name === 'A')
			.delay(20)
			.reply(recordAndReply(requests, 201, created({ id: guid(11) })))
			.post(REFERRALS, (body: IDataObject) => (body.customerProfile as IDataObject).name === 'B')
			.reply(recordAndReply(requests, 201, created({ id: guid(12) })));
		const { items, error } = await runReferral(
			create({ customerName: '={{ $json.customer }}', customerCountry: '={{ $json.country }}' }),
			{
				items: [
					{ customer: 'A', country: 'us' },
					{ customer: 'B', country: 'GB' },
				],
			},
		);
		expect(error).toBeUndefined();
		expect(items.map((item) => [item.json.id, item.pairedItem])).toEqual([
			[guid(11), { item: 0 }],
			[guid(12), { item: 1 }],
		]);
		const profiles = requests.map(
			(request) => (request.body as IDataObject).customerProfile as IDataObject,
		);
		expect(profiles.sort((a, b) => String(a.name).localeCompare(String(b.name)))).toEqual([
			{ name: 'A', address: { country: 'US' } },
			{ name: 'B', address: { country: 'GB' } },
		]);
	});
});

describe('Create a referral: validation sends nothing', () => {
	it.each<[string, INodeParameters, INodeParameters, IDataObject, string, string]>([
		[
			'a three-letter country',
			{ customerCountry: '={{ $json.v }}' },
			{},
			{ v: 'USA' },
			'The field "Customer Country" has an invalid value: "USA"',
			'two-letter ISO 3166',
		],
		[
			'an empty country',
			{ customerCountry: '={{ $json.v }}' },
			{},
			{ v: '  ' },
			'The field "Customer Country" has an invalid value: ""',
			'two-letter ISO 3166',
		],
		[
			'an empty customer name',
			{ customerName: '={{ $json.v }}' },
			{},
			{ v: ' ' },
			'The field "Customer Name" has an invalid value: ""',
			"customer's company name",
		],
		[
			'a bad currency',
			{},
			{ currency: '={{ $json.v }}' },
			{ v: 'US$' },
			'The field "Currency" has an invalid value: "US$"',
			'three-letter ISO 4217',
		],
		[
			'a negative deal value',
			{},
			{ dealValue: '={{ $json.v }}' },
			{ v: -5 },
			'The field "Deal Value" has an invalid value: -5',
			'zero or more',
		],
		[
			'a deal value that is not a number',
			{},
			{ dealValue: '={{ $json.v }}' },
			{ v: 'lots' },
			'The field "Deal Value" has an invalid value: "lots"',
			'zero or more',
		],
		[
			'a closing date that is not a date',
			{},
			{ closingDateTime: '={{ $json.v }}' },
			{ v: 'soon' },
			'The field "Closing Date" has an invalid value: "soon"',
			'a date and time',
		],
		[
			'a team member without email',
			{},
			{ teamMembers: { member: [{ email: 'ann@contoso.com' }, { firstName: 'Bob' }] } },
			{},
			'The field "Team Members" has an invalid value: ""',
			'an email address for every person',
		],
		[
			'a customer contact with an invalid email',
			{},
			{ customerContacts: { member: [{ email: 'not an email', firstName: 'Sean' }] } },
			{},
			'The field "Customer Contacts" has an invalid value: "not an email"',
			'an email address for every person',
		],
		[
			'Share with Microsoft on a private deal',
			{ type: 'Shared' },
			{ shareWithMicrosoft: true, privateDeal: true },
			{},
			'The field "Share with Microsoft (Co-Sell)" has an invalid value: true',
			'"Private Deal" to be off',
		],
		[
			'Share with Microsoft on an Independent referral',
			{ type: 'Independent' },
			{ shareWithMicrosoft: true },
			{},
			'The field "Type" has an invalid value: "Independent"',
			'Shared when "Share with Microsoft (Co-Sell)" is on',
		],
	])('refuses %s', async (_label, extra, additionalFields, input, message, expected) => {
		const api = nock(API).post(/.*/).reply(201, created());
		const { items, error } = await runReferral(create(extra, additionalFields), { items: [input] });
		expect(items).toEqual([]);
		expect(error?.name).toBe('NodeOperationError');
		expect(error?.message).toBe(message);
		expect(error?.description).toContain(expected);
		expect(error?.description).toContain('Nothing was sent to Partner Center.');
		expect(api.isDone()).toBe(false);
		nock.cleanAll();
	});
});

describe('Create a referral: failures are not retried (no idempotency key)', () => {
	it('does not retry a 503: exactly one request, and the error says the service is unavailable', async () => {
		const requests: RecordedRequest[] = [];
		nock(API)
			.post(REFERRALS)
			.times(2)
			.reply(
				recordAndReply(
					requests,
					503,
					{ error: { code: 'serviceNotAvailable', message: 'Try later' } },
					{ 'Retry-After': '1' },
				),
			);
		const { items, error } = await runReferral(create());
		expect(requests).toHaveLength(1);
		expect(items).toEqual([]);
		expect(error?.message).toBe('Partner Center is unavailable (503)');
		expect(error?.description).toContain('serviceNotAvailable: Try later');
		expect(setup.sleeps).toEqual([]);
		nock.cleanAll();
	});

	it('does not retry a 500 either', async () => {
		const requests: RecordedRequest[] = [];
		nock(API)
			.post(REFERRALS)
			.times(2)
			.reply(
				recordAndReply(requests, 500, { error: { code: 'generalException', message: 'Oops' } }),
			);
		const { error } = await runReferral(create());
		expect(requests).toHaveLength(1);
		expect(error?.message).toBe('Partner Center is unavailable (500)');
		expect(setup.sleeps).toEqual([]);
		nock.cleanAll();
	});

	it('does not retry after a connection error', async () => {
		// A real server that drops the connection (nock's simulated socket errors can
		// surface as unhandled events under load).
		let attempts = 0;
		const server = createServer((request) => {
			attempts++;
			request.socket.destroy();
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		nock.enableNetConnect('127.0.0.1');
		try {
			const { port } = server.address() as AddressInfo;
			const { items, error } = await runReferral(
				create(),
				{},
				runOptions({ baseUrl: `http://127.0.0.1:${port}` }),
			);
			expect(attempts).toBe(1);
			expect(items).toEqual([]);
			expect(setup.sleeps).toEqual([]);
			expect(error?.message).toBe('Could not reach Partner Center: the connection was reset');
			expect(error?.description).toContain(
				"The connection to the API Base URL failed (ECONNRESET). Check the credential's API Base URL",
			);
		} finally {
			nock.disableNetConnect();
			await new Promise((resolve) => server.close(resolve));
		}
	});

	it('retries after 429 as Retry-After says, sending the same body', async () => {
		const requests: RecordedRequest[] = [];
		nock(API)
			.post(REFERRALS)
			.reply(
				recordAndReply(
					requests,
					429,
					{ error: { code: 'tooManyRequests', message: 'Slow down' } },
					{ 'Retry-After': '3' },
				),
			)
			.post(REFERRALS)
			.reply(recordAndReply(requests, 201, created()));
		const { items, error } = await runReferral(create());
		expect(error).toBeUndefined();
		// Retry-After plus jitter (random() = 0.5: 5%)
		expect(setup.sleeps).toEqual([3150]);
		expect(requests.map((request) => request.body)).toEqual([MINIMAL_BODY, MINIMAL_BODY]);
		expect(items.map((item) => item.json.id)).toEqual([guid(1)]);
	});

	it('reports what the service rejected on 400, without retrying', async () => {
		const requests: RecordedRequest[] = [];
		nock(API)
			.post(REFERRALS)
			.times(2)
			.reply(
				recordAndReply(requests, 400, {
					error: { code: 'invalidRequest', message: "'details' is required." },
				}),
			);
		const { error } = await runReferral(create());
		expect(requests).toHaveLength(1);
		expect(error?.message).toBe(
			"Partner Center rejected the request as invalid: 'details' is required.",
		);
		nock.cleanAll();
	});
});

describe('Create a referral: a failure says whether the referral may exist', () => {
	const MAYBE = 'The referral may or may not have been created';

	/** The advice a failed create gets: never "try again" where the referral may exist. */
	function expectCheckBeforeRerun(description: string | undefined | null) {
		expect(description).toContain(MAYBE);
		// how to find it by what this item sent (one text with a cut-off 201's), not a placeholder
		expect(description).toContain(
			'Before re-running this item, check whether it exists. To find it, run Get Many with Sort "Created, Newest First" (a new referral is among the first): it has the customer name "Fabrikam Inc"',
		);
		expect(description).not.toContain('<your reference>');
		expect(description).toContain('Partner Center portal');
		expect(description).not.toMatch(/try again/i);
	}

	it('after a 502: how to check names the external reference ID the item sent', async () => {
		nock(API).post(REFERRALS).reply(502, {});
		const { error } = await runReferral(create({}, { externalReferenceId: 'CRM-4711' }));
		expect(error?.description).toContain(MAYBE);
		expect(error?.description).toContain('it has the external reference ID "CRM-4711"');
		expect(error?.description).not.toContain('<your reference>');
	});

	it.each([500, 503])(
		'after a %s: may or may not have been created, check before re-running',
		async (status) => {
			nock(API)
				.post(REFERRALS)
				.reply(status, { error: { code: 'generalException', message: 'Oops' } });
			const { error } = await runReferral(create());
			expect(error?.message).toBe(`Partner Center is unavailable (${status})`);
			expectCheckBeforeRerun(error?.description);
			expect(error?.description).toContain('generalException: Oops');
		},
	);

	it('after a connection reset once the request was sent: may or may not have been created', async () => {
		let attempts = 0;
		const server = createServer((request) => {
			attempts++;
			request.on('data', () => undefined).on('end', () => request.socket.destroy());
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		nock.enableNetConnect('127.0.0.1');
		try {
			const { port } = server.address() as AddressInfo;
			const { error } = await runReferral(
				create(),
				{},
				runOptions({ baseUrl: `http://127.0.0.1:${port}` }),
			);
			expect(attempts).toBe(1);
			expect(error?.message).toBe('Could not reach Partner Center: the connection was reset');
			expectCheckBeforeRerun(error?.description);
		} finally {
			nock.disableNetConnect();
			await new Promise((resolve) => server.close(resolve));
		}
	});

	it('after a 201 with a body that is not JSON: may or may not have been created', async () => {
		nock(API).post(REFERRALS).reply(201, '{"id": "0000', { 'Content-Type': 'application/json' });
		const { items, error } = await runReferral(create());
		expect(items).toEqual([]);
		expect(error?.message).toBe('Partner Center returned a response that is not valid JSON');
		expectCheckBeforeRerun(error?.description);
	});

	it.each<[string, nock.ReplyBody]>([
		['no body', ''],
		['an object without an id', { status: 'New' }],
	])(
		'after a 201 with %s: created, its answer without it; how to find it, never "not created"',
		async (_label, body) => {
			nock(API).post(REFERRALS).reply(201, body, { 'Content-Type': 'application/json' });
			const { items, error } = await runReferral(create());
			expect(items).toEqual([]);
			expect(error?.message).toBe(
				'Partner Center created the referral, but its answer did not contain it',
			);
			expect(error?.description).toContain('It answered 201, but without the new referral');
			expect(error?.description).toContain(
				'Do not run this item again: that would create a second referral.',
			);
			expect(error?.description).toContain('Get Many with Sort "Created, Newest First"');
			expect(error?.description).not.toMatch(/not created|may or may not/);
			expect(error?.context.writeDone).toBe(true);
		},
	);

	it.each<[number, string]>([
		[400, 'Partner Center rejected the request as invalid: Bad'],
		[
			401,
			"Partner Center refused the access token (401): check the app's Microsoft Partner Center API permission",
		],
		[
			403,
			'Partner Center denied the change (403): the signed-in user needs the Referrals Admin role',
		],
		[409, 'Partner Center reported a conflict (409)'],
	])('after a %s: says the referral was not created', async (status, message) => {
		nock(API)
			.post(REFERRALS)
			.times(2)
			.reply(status, { error: { code: 'invalidRequest', message: 'Bad' } });
		if (status === 401)
			nock(LOGIN)
				.post(TOKEN_PATH)
				.reply(200, { token_type: 'Bearer', access_token: 'second-token' });
		const { error } = await runReferral(create());
		expect(error?.message).toBe(message);
		expect(error?.description).toContain('The referral was not created.');
		expect(error?.description).not.toContain(MAYBE);
		nock.cleanAll();
	});

	it('after a refused connection (nothing sent): says the referral was not created', async () => {
		const server = createServer();
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const { port } = server.address() as AddressInfo;
		await new Promise((resolve) => server.close(resolve));
		nock.enableNetConnect('127.0.0.1');
		try {
			const { error } = await runReferral(
				create(),
				{},
				runOptions({ baseUrl: `http://127.0.0.1:${port}` }),
			);
			expect(error?.message).toBe('Could not reach Partner Center: the connection was refused');
			expect(error?.description).toContain('The referral was not created.');
			expect(error?.description).not.toContain(MAYBE);
		} finally {
			nock.disableNetConnect();
		}
	});
});

describe('Create a referral: blank means not set, anything else must be what it says', () => {
	it('leaves Deal Value and Closing Date out of the body when their expressions yield blanks', async () => {
		const requests: RecordedRequest[] = [];
		interceptPost(requests);
		const { error } = await runReferral(
			create({}, { dealValue: '={{ $json.v }}', closingDateTime: '={{ $json.v }}' }),
			{
				items: [{ v: ' ' }],
			},
		);
		expect(error).toBeUndefined();
		expect(requests.map((request) => request.body)).toEqual([MINIMAL_BODY]);
	});

	it('reads a deal value given as decimal text and a closing date given as epoch milliseconds', async () => {
		const requests: RecordedRequest[] = [];
		interceptPost(requests);
		const { error } = await runReferral(
			create({}, { dealValue: '={{ $json.value }}', closingDateTime: '={{ $json.closing }}' }),
			{ items: [{ value: '25000.5', closing: 1790164800000 }] },
		);
		expect(error).toBeUndefined();
		expect(requests.map((request) => request.body)).toEqual([
			{ ...MINIMAL_BODY, details: { dealValue: 25000.5, closingDateTime: '2026-09-23T12:00:00Z' } },
		]);
	});

	it('reads the consent and sharing switches given as the text true or false', async () => {
		const requests: RecordedRequest[] = [];
		interceptPost(requests);
		const { error } = await runReferral(
			create(
				{ type: 'Shared', consentToContact: '={{ "false" }}' },
				{ shareWithMicrosoft: '={{ "true" }}' },
			),
		);
		expect(error).toBeUndefined();
		expect(requests.map((request) => request.body)).toEqual([
			{
				...MINIMAL_BODY,
				type: 'Shared',
				consent: { ...MINIMAL_BODY.consent, consentToContact: false },
				target: [{ type: 'BusinessProfileLocation', id: 'msft' }],
			},
		]);
	});

	it.each<[string, INodeParameters, INodeParameters, string, string]>([
		[
			'a deal value of hex text',
			{},
			{ dealValue: '={{ "0x10" }}' },
			'The field "Deal Value" has an invalid value: "0x10"',
			'a number of zero or more',
		],
		[
			'a deal value that is a list',
			{},
			{ dealValue: '={{ [] }}' },
			'The field "Deal Value" has an invalid value: []',
			'a number of zero or more',
		],
		[
			'a Type that is not documented',
			{ type: '={{ "Partner" }}' },
			{},
			'The field "Type" has an invalid value: "Partner"',
			'one of: Independent, Shared',
		],
		[
			'an empty Type',
			{ type: '={{ "" }}' },
			{},
			'The field "Type" has an invalid value: ""',
			'one of: Independent, Shared',
		],
		[
			'a qualification that is not documented',
			{},
			{ qualification: '={{ "Hot" }}' },
			'The field "Qualification" has an invalid value: "Hot"',
			'one of: None, Direct, MarketingQualified, SalesQualified',
		],
		[
			'a closing date that is a boolean',
			{},
			{ closingDateTime: '={{ false }}' },
			'The field "Closing Date" has an invalid value: false',
			'a date and time',
		],
		[
			'a consent switch that is neither true nor false',
			{ consentToContact: '={{ "yes" }}' },
			{},
			'The field "Customer Agreed to Be Contacted" has an invalid value: "yes"',
			'true or false',
		],
		[
			'a notes field that is an object',
			{},
			{ notes: '={{ ({ a: 1 }) }}' },
			'The field "Notes" has an invalid value: {"a":1}',
			'text',
		],
	])('refuses %s and sends nothing', async (_label, extra, additionalFields, message, expected) => {
		const sent = watchRequests();
		const { items, error } = await runReferral(create(extra, additionalFields));
		expect(items).toEqual([]);
		expect(error?.message).toBe(message);
		expect(error?.description).toContain(expected);
		expect(error?.description).toContain('Nothing was sent to Partner Center.');
		expect(sent()).toEqual([]);
	});
});
