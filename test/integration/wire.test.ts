/**
 * Byte by byte (issue 25): an answer whose headers come at once and whose body trickles ends
 * within "Timeout (Seconds)" per attempt and 3 × that per request, with its socket closed; a
 * 2xx whose body is cut off (the connection closes before Content-Length, or a chunked answer
 * stops) means the write was done, and a read is read again. Raw HTTP servers on 127.0.0.1,
 * real sockets, n8n's engine; no nock here (its interceptors change what a socket reports).
 * Retries do not wait (timing.sleep); the attempts' own time limits run on the real clock, so
 * the trickling tests take about a second per attempt. The outcome is asserted, not the time:
 * without a limit on the whole answer they would wait for minutes, past jest's timeout.
 */
import type { ServerResponse } from 'node:http';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { runPoll } from '../../dev/harness';
import { timing } from '../../nodes/PartnerCenterReferral/shared/timing';
import {
	byId,
	EXAMPLE_ID,
	exampleReferral,
	guid,
	referral,
	runOptions,
	runReferral,
} from '../fixtures';
import { allClosed, closeRawServers, json, rawServer } from '../rawServer';

const TRICKLE_MS = 500;

/** Headers at once (with the whole body's Content-Length), then the body one byte every half second. */
function trickle(response: ServerResponse, status: number, body: unknown): void {
	const text = JSON.stringify(body);
	response.writeHead(status, {
		'Content-Type': 'application/json',
		'Content-Length': String(Buffer.byteLength(text)),
	});
	response.flushHeaders();
	let sent = 0;
	const timer = setInterval(() => {
		if (response.destroyed || sent >= text.length) return clearInterval(timer);
		response.write(text[sent++]);
	}, TRICKLE_MS);
	response.on('close', () => clearInterval(timer));
}

/** The status line, the headers and part of the body, then the connection closes. */
function cutOff(response: ServerResponse, status: number, body: unknown, chunked = false): void {
	const text = JSON.stringify(body);
	response.writeHead(status, {
		'Content-Type': 'application/json',
		...(chunked ? {} : { 'Content-Length': String(Buffer.byteLength(text)) }),
	});
	response.write(text.slice(0, 40), () => response.socket?.destroy());
}

beforeEach(() => {
	jest.spyOn(timing, 'sleep').mockResolvedValue();
	jest.spyOn(timing, 'random').mockReturnValue(0.5);
});
afterEach(async () => {
	jest.restoreAllMocks();
	await closeRawServers();
});

const withBase = (url: string) => runOptions({ baseUrl: url });
const get = (timeout: number): INodeParameters => ({
	operation: 'get',
	referralId: byId(EXAMPLE_ID),
	options: { timeout },
});
const create = (extra: INodeParameters = {}): INodeParameters => ({
	operation: 'create',
	type: 'Independent',
	customerName: 'Fabrikam Inc',
	customerCountry: 'US',
	additionalFields: { externalReferenceId: 'CRM-4711' },
	options: { timeout: 1 },
	...extra,
});
const PAGE = (from: number, next?: string): IDataObject => ({
	value: [referral(guid(from)), referral(guid(from + 1))],
	...(next ? { '@odata.nextLink': next } : {}),
});

const TIMED_OUT_READ =
	/^Partner Center's answer did not arrive in time \(200\) after [1-3] attempts?$/;
const JEST_LIMIT = 20_000;

describe('Timeout (Seconds) bounds the whole answer: headers at once, then a byte every 0.5 s', () => {
	it(
		'a Get ends within the limit, says the answer did not arrive in time, and closes the socket',
		async () => {
			const api = await rawServer((_request, response) =>
				trickle(response, 200, exampleReferral()),
			);

			const { items, error } = await runReferral(get(1), {}, withBase(api.url));

			expect(items).toEqual([]);
			expect(error?.message).toMatch(TIMED_OUT_READ);
			expect(error?.description).toContain(
				'Partner Center answered 200, but the whole answer did not arrive within 1 s',
			);
			expect(error?.description).toContain('raise "Timeout (Seconds)"');
			expect(error?.description).toContain('at most 3 s');
			expect(api.requests.length).toBeLessThanOrEqual(3);
			await allClosed(api);
		},
		JEST_LIMIT,
	);

	it(
		'a Get Many whose page 3 trickles ends within the limit after reading pages 1 and 2',
		async () => {
			const api = await rawServer((request, response, server) => {
				if (request.url?.includes('page=3')) return trickle(response, 200, PAGE(5));
				if (request.url?.includes('page=2'))
					return json(response, 200, PAGE(3, `${server.url}/p?page=3`));
				json(response, 200, PAGE(1, `${server.url}/p?page=2`));
			});

			const { items, error } = await runReferral(
				{ operation: 'getMany', returnAll: true, options: { timeout: 1 } },
				{},
				withBase(api.url),
			);

			expect(items).toEqual([]);
			expect(error?.message).toMatch(TIMED_OUT_READ);
			expect(api.lines().filter((line) => line.includes('page=2'))).toHaveLength(1);
			await allClosed(api);
		},
		JEST_LIMIT,
	);

	it(
		'a trigger poll ends within the limit, failing the poll',
		async () => {
			const api = await rawServer((_request, response) => trickle(response, 200, PAGE(1)));

			await expect(
				runPoll(
					{
						type: 'partnerCenterReferralTrigger',
						parameters: { event: 'referralUpdated', filters: {}, options: { timeout: 1 } },
						staticData: {},
					},
					withBase(api.url),
				),
			).rejects.toThrow(/answer did not arrive in time \(200\) after [1-3] attempts?/);
			await allClosed(api);
		},
		JEST_LIMIT,
	);

	it(
		'a Create answered 201 ends after one attempt, saying the referral was created',
		async () => {
			const api = await rawServer((_request, response) =>
				trickle(response, 201, referral(guid(9))),
			);

			const { items, error } = await runReferral(create(), {}, withBase(api.url));

			expect(items).toEqual([]);
			expect(api.lines()).toEqual(['POST /v1.0/engagements/referrals']);
			expect(error?.message).toBe(
				'Partner Center created the referral, but its answer did not arrive in time',
			);
			expect(error?.description).toContain('Do not run this item again');
			expect(error?.description).not.toMatch(/not created|may or may not/);
			await allClosed(api);
		},
		JEST_LIMIT,
	);
});

describe('A refusal whose body trickles past the limit: the status line decides', () => {
	it(
		'a Create answered 400 says Partner Center refused it and the referral was not created',
		async () => {
			const api = await rawServer((_request, response) =>
				trickle(response, 400, { error: { code: 'invalidRequest', message: 'Bad referral.' } }),
			);

			const { items, error } = await runReferral(create(), {}, withBase(api.url));

			expect(items).toEqual([]);
			expect(api.requests).toHaveLength(1);
			expect(error?.message).toBe('Partner Center rejected the request as invalid');
			expect(error?.description).toContain(
				'Partner Center refused the request (400), but the body of its answer did not arrive within 1 s.',
			);
			expect(error?.description).toContain('The referral was not created.');
			expect(error?.description).not.toMatch(/may or may not/);
			expect(error?.context.writeMaybeDone).toBeUndefined();
			await allClosed(api);
		},
		JEST_LIMIT,
	);

	it(
		'a Get answered 404 says the referral was not found, without reading it again',
		async () => {
			const api = await rawServer((_request, response) =>
				trickle(response, 404, { error: { code: 'itemNotFound', message: 'No such referral.' } }),
			);

			const { error } = await runReferral(get(1), {}, withBase(api.url));

			expect(api.requests).toHaveLength(1);
			expect(error?.message).toBe(`Referral ${EXAMPLE_ID} was not found`);
			expect(error?.description).toContain(
				'Partner Center refused the request (404), but the body of its answer did not arrive within 1 s.',
			);
			await allClosed(api);
		},
		JEST_LIMIT,
	);

	it(
		'a Create answered 503 still may or may not have been created (a 5xx does not say it was not)',
		async () => {
			const api = await rawServer((_request, response) =>
				trickle(response, 503, { error: { code: 'serviceUnavailable', message: 'Later.' } }),
			);

			const { error } = await runReferral(create(), {}, withBase(api.url));

			expect(api.requests).toHaveLength(1);
			expect(error?.description).toContain('The referral may or may not have been created');
			expect(error?.description).not.toContain('was not created');
			await allClosed(api);
		},
		JEST_LIMIT,
	);
});

describe('A 2xx whose body is cut off: the write was done, a read is read again', () => {
	it.each([
		['Content-Length not reached', false],
		['a chunked answer that stops', true],
	])(
		'Create answered 201, %s: says the referral was created and how to find it, never "not created"',
		async (_case, chunked) => {
			const api = await rawServer((_request, response) =>
				cutOff(response, 201, referral(guid(9)), chunked),
			);

			const { items, error } = await runReferral(create(), {}, withBase(api.url));

			expect(items).toEqual([]);
			expect(api.requests).toHaveLength(1);
			expect(error?.message).toBe(
				'Partner Center created the referral, but its answer was cut off',
			);
			expect(error?.description).toContain(
				'Do not run this item again: that would create a second referral.',
			);
			expect(error?.description).toContain('Get Many with Sort "Created, Newest First"');
			expect(error?.description).toContain('external reference ID "CRM-4711"');
			expect(error?.description).not.toMatch(/not created|may or may not|parameters/);
		},
	);

	it('a Create cut off while another item fails: the node error counts it as already written', async () => {
		const api = await rawServer((_request, response, _server, body) => {
			if (body.includes('CRM-1')) return cutOff(response, 201, referral(guid(9)));
			json(response, 400, { error: { code: 'badRequest', message: 'Invalid referral.' } });
		});

		const { error } = await runReferral(
			create({
				additionalFields: { externalReferenceId: '={{ $json.ref }}' },
				options: { timeout: 5, concurrency: 2 },
			}),
			{ items: [{ ref: 'CRM-0' }, { ref: 'CRM-1' }] },
			withBase(api.url),
		);

		expect(api.requests).toHaveLength(2);
		expect(error?.description).toContain(
			'Already written before the node stopped (items counted from 0): item 1.',
		);
	});

	it('Update answered 200 and cut off: says the change was made, not to check the parameters', async () => {
		const api = await rawServer((_request, response) =>
			cutOff(response, 200, referral(EXAMPLE_ID, { name: 'Renamed' })),
		);

		const { error } = await runReferral(
			{ operation: 'update', referralId: byId(EXAMPLE_ID), updateFields: { name: 'Renamed' } },
			{},
			withBase(api.url),
		);

		expect(api.lines()).toEqual([`PATCH /v1.0/engagements/referrals/${EXAMPLE_ID}`]);
		expect(error?.message).toBe(
			`Partner Center made the change to referral ${EXAMPLE_ID}, but its answer was cut off`,
		);
		expect(error?.description).toContain('The change was made: do not run this item again');
		expect(error?.description).not.toMatch(/parameters|may or may not/);
	});

	it('an added team member answered 200 and cut off: says the change was made, sent once', async () => {
		const api = await rawServer((_request, response) =>
			cutOff(response, 200, referral(EXAMPLE_ID)),
		);

		const { error } = await runReferral(
			{
				operation: 'update',
				referralId: byId(EXAMPLE_ID),
				updateFields: { teamMembersToAdd: { member: [{ email: 'ann@contoso.com' }] } },
			},
			{},
			withBase(api.url),
		);

		expect(api.requests).toHaveLength(1);
		expect(error?.message).toBe(
			`Partner Center made the change to referral ${EXAMPLE_ID}, but its answer was cut off`,
		);
		expect(error?.description).not.toMatch(/parameters|may or may not/);
	});

	it('Accept answered 200 and cut off: says the change was made', async () => {
		const api = await rawServer((request, response) => {
			if (request.method === 'GET')
				return json(response, 200, referral(EXAMPLE_ID, { status: 'New', substatus: 'Pending' }));
			cutOff(response, 200, referral(EXAMPLE_ID, { status: 'Active', substatus: 'Accepted' }));
		});

		const { error } = await runReferral(
			{ operation: 'accept', referralId: byId(EXAMPLE_ID) },
			{},
			withBase(api.url),
		);

		expect(api.lines().filter((line) => line.startsWith('PATCH'))).toHaveLength(1);
		expect(error?.message).toBe(
			`Partner Center made the change to referral ${EXAMPLE_ID}, but its answer was cut off`,
		);
		expect(error?.description).not.toMatch(/parameters|may or may not/);
	});

	it('a Get whose 200 is cut off is read again, and outputs the referral', async () => {
		const api = await rawServer((_request, response, server) => {
			if (server.requests.length === 1) return cutOff(response, 200, exampleReferral());
			json(response, 200, exampleReferral());
		});

		const { items, error } = await runReferral(get(5), {}, withBase(api.url));

		expect(error).toBeUndefined();
		expect(items.map((item) => item.json.id)).toEqual([EXAMPLE_ID]);
		expect(api.requests).toHaveLength(2);
	});

	it('a Get Many page whose 200 is cut off is read again, and the listing goes on', async () => {
		let cut = false;
		const api = await rawServer((request, response, server) => {
			if (request.url?.includes('page=2')) {
				if (!cut) {
					cut = true;
					return cutOff(response, 200, PAGE(3));
				}
				return json(response, 200, PAGE(3));
			}
			json(response, 200, PAGE(1, `${server.url}/p?page=2`));
		});

		const { items, error } = await runReferral(
			{ operation: 'getMany', returnAll: true, options: { timeout: 5 } },
			{},
			withBase(api.url),
		);

		expect(error).toBeUndefined();
		expect(items).toHaveLength(4);
		expect(api.lines().filter((line) => line.includes('page=2'))).toHaveLength(2);
	});
});
