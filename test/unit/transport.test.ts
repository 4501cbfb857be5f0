/**
 * Transport paths that n8n 2.x (the engine the other tests run) never takes but n8n 1.x
 * does, driven through a minimal context: 1.x ignores `ignoreHttpStatusErrors.except`
 * and hands a 401 back as a response, and its errors keep only `httpCode` and
 * `context.data` (no cause, no headers).
 */
import type { IDataObject, IExecuteFunctions, IHttpRequestOptions, INode } from 'n8n-workflow';

import { timing } from '../../nodes/PartnerCenterReferral/shared/timing';
import { REFERRAL } from '../../nodes/PartnerCenterReferral/api/listing';
import { apiRequest, useThrottle } from '../../nodes/PartnerCenterReferral/transport';
import { inspectFailure } from '../../nodes/PartnerCenterReferral/transport/errors';
import { redact } from '../../nodes/PartnerCenterReferral/transport/redact';
import {
	parseRetryAfter,
	retryDelayMs,
	throttleRetryDelayMs,
} from '../../nodes/PartnerCenterReferral/transport/retry';

const node = {
	name: 'Partner Center Referral',
	type: 'n8n-nodes-partner-center.partnerCenterReferral',
} as INode;

function context(respond: (options: IHttpRequestOptions) => Promise<unknown>) {
	const calls: IHttpRequestOptions[] = [];
	const ctx = {
		getNode: () => node,
		getCredentials: async () => ({ baseUrl: 'https://api.partner.microsoft.com' }),
		helpers: {
			httpRequestWithAuthentication: async (_type: string, options: IHttpRequestOptions) => {
				calls.push({ ...options });
				return await respond(options);
			},
		},
	} as unknown as IExecuteFunctions;
	return { ctx, calls };
}

/** What n8n 1.x throws: a wrapper keeping only httpCode and the body in context.data. */
function n8n1Error(message: string, httpCode: string, data?: IDataObject) {
	return Object.assign(new Error(message), { httpCode, context: data ? { data } : {} });
}

beforeEach(() => {
	jest.spyOn(timing, 'sleep').mockResolvedValue();
	jest.spyOn(timing, 'random').mockReturnValue(0.5);
});
afterEach(() => jest.restoreAllMocks());

describe('transport on n8n 1.x', () => {
	it('asks again without ignoring errors when a 401 comes back as a response, so n8n refreshes the token', async () => {
		const { ctx, calls } = context(async (options) =>
			options.ignoreHttpStatusErrors === false
				? { statusCode: 200, headers: {}, body: { id: 'x' } }
				: { statusCode: 401, headers: {}, body: { error: { code: 'unauthenticated' } } },
		);
		const response = await apiRequest.call(ctx, {
			method: 'GET',
			path: '/v1.0/engagements/referrals/x',
		});
		expect(response.body).toEqual({ id: 'x' });
		expect(calls.map((call) => call.ignoreHttpStatusErrors)).toEqual([
			{ ignore: true, except: [401] },
			false,
		]);
	});

	it('reads Retry-After from an error status returned as a response', async () => {
		let attempt = 0;
		const { ctx } = context(async () =>
			++attempt === 1
				? { statusCode: 429, headers: { 'retry-after': '7' }, body: {} }
				: { statusCode: 200, headers: {}, body: { id: 'x' } },
		);
		await apiRequest.call(ctx, { method: 'GET', path: '/v1.0/engagements/referrals/x' });
		// plus jitter (random() = 0.5: 5%)
		expect(timing.sleep).toHaveBeenCalledWith(7350);
	});

	it('treats a socket code kept only as httpCode as a network failure, retries it, and says so in words', async () => {
		const { ctx, calls } = context(async () => {
			throw n8n1Error('The service refused the connection - perhaps it is offline', 'ECONNREFUSED');
		});
		await expect(
			apiRequest.call(ctx, { method: 'GET', path: '/v1.0/engagements/referrals/x' }),
		).rejects.toThrow(
			'Could not reach Partner Center: the connection was refused after 5 attempts',
		);
		expect(calls).toHaveLength(5);
	});

	it('finds the service error in context.data when the cause is gone', async () => {
		const failure = inspectFailure(
			n8n1Error('The resource you are requesting could not be found', '404', {
				error: { code: 'itemNotFound', message: 'Referral not found' },
			}),
		);
		expect(failure).toEqual({
			kind: 'http',
			status: 404,
			headers: {},
			body: { error: { code: 'itemNotFound', message: 'Referral not found' } },
		});
	});
});

describe('transport when the request after a 401 fails (n8n 1.x)', () => {
	it('reports the failure instead of returning the first 401 as a success', async () => {
		const { ctx } = context(async (options) => {
			if (options.ignoreHttpStatusErrors === false) {
				throw n8n1Error('The resource you are requesting could not be found', '404', {
					error: { code: 'itemNotFound', message: 'Referral not found.' },
				});
			}
			return {
				statusCode: 401,
				headers: {},
				body: { error: { code: 'unauthenticated', message: 'expired' } },
			};
		});
		const request = apiRequest.call(ctx, {
			method: 'GET',
			path: '/v1.0/engagements/referrals/x',
			resource: REFERRAL,
			id: 'x',
		});
		await expect(request).rejects.toThrow('Referral x was not found');
		await expect(request).rejects.toMatchObject({
			description: expect.stringMatching(
				/Partner Center said: itemNotFound: Referral not found\.$/,
			),
		});
	});

	it('says the sign-in expired when n8n could not refresh the token (EAUTH), rather than a network failure', async () => {
		const { ctx } = context(async (options) => {
			if (options.ignoreHttpStatusErrors === false) {
				throw n8n1Error(
					'The refresh token has expired or was revoked: reconnect the credential',
					'EAUTH',
				);
			}
			return { statusCode: 401, headers: {}, body: {} };
		});
		await expect(
			apiRequest.call(ctx, { method: 'GET', path: '/v1.0/engagements/referrals/x' }),
		).rejects.toThrow('The Partner Center sign-in has expired or was revoked');
	});

	it('does not guess an expired sign-in from words in an unknown error: quotes it as a failed request', async () => {
		const { ctx } = context(async () => {
			throw new Error('OAuth proxy plugin crashed while reading its configuration');
		});
		const request = apiRequest.call(ctx, { method: 'GET', path: '/v1.0/engagements/referrals/x' });
		await expect(request).rejects.toThrow('The request to Partner Center failed');
		await expect(request).rejects.toMatchObject({
			description: expect.stringContaining(
				'OAuth proxy plugin crashed while reading its configuration',
			),
		});
	});
});

describe('Retry-After', () => {
	const NOW = Date.parse('Wed, 25 Nov 2026 10:00:00 GMT');
	beforeEach(() => jest.spyOn(timing, 'now').mockReturnValue(NOW));

	it.each<[string, number]>([
		['2', 2000],
		['1.5', 1500],
		['Wed, 25 Nov 2026 10:00:05 GMT', 5000],
	])('reads %j as a wait of %d ms', (value, ms) => {
		expect(parseRetryAfter(value)).toBe(ms);
	});

	it.each([
		['0', '0'],
		['a negative number', '-3'],
		['a date in the past', 'Wed, 25 Nov 2026 09:59:00 GMT'],
		['a date that is now', 'Wed, 25 Nov 2026 10:00:00 GMT'],
		['text', 'soon'],
		['a thousandth of a second', '0.001'],
		['half a second', '0.5'],
		['just under a second', '0.999'],
	])('reads %s as no usable hint', (_label, value) => {
		expect(parseRetryAfter(value)).toBeUndefined();
	});

	it('reads a wait of one second as a hint', () => {
		expect(parseRetryAfter('1')).toBe(1000);
	});

	it.each(['0', '-3', 'Wed, 25 Nov 2026 09:59:00 GMT', '0.001'])(
		'backs off as without a hint when Retry-After is %j (never 0 ms)',
		(value) => {
			const failure = { kind: 'http' as const, status: 429, headers: { 'Retry-After': value } };
			// random() = 0.5: three quarters of 500 ms, 1 s, 2 s
			expect([1, 2, 3].map((attempt) => retryDelayMs(failure, attempt))).toEqual([375, 750, 1500]);
		},
	);
});

describe('throttleRetryDelayMs (a 429)', () => {
	const NOW = Date.parse('Wed, 25 Nov 2026 10:00:00 GMT');
	const throttled = (retryAfter?: string) => ({
		kind: 'http' as const,
		status: 429,
		headers: retryAfter === undefined ? {} : { 'Retry-After': retryAfter },
	});

	it('waits Retry-After plus jitter: at most 10% of it the first time, doubling with each further 429 up to 100%', () => {
		jest.spyOn(timing, 'random').mockReturnValue(1);
		expect(
			[1, 2, 3, 4, 5, 6].map((count) => throttleRetryDelayMs(throttled('2'), count, 600_000, NOW)),
		).toEqual([2200, 2400, 2800, 3600, 4000, 4000]);
	});

	it('reads an HTTP date against the given now', () => {
		jest.spyOn(timing, 'random').mockReturnValue(0);
		expect(throttleRetryDelayMs(throttled('Wed, 25 Nov 2026 10:00:07 GMT'), 1, 600_000, NOW)).toBe(
			7000,
		);
	});

	it('without a usable Retry-After, backs off by the number of 429s', () => {
		jest.spyOn(timing, 'random').mockReturnValue(0);
		expect(
			[1, 2, 3, 4, 5, 6].map((count) => throttleRetryDelayMs(throttled(), count, 600_000, NOW)),
		).toEqual([500, 1000, 2000, 4000, 8000, 8000]);
	});

	it('backs off the same when Retry-After asks for less than a second', () => {
		jest.spyOn(timing, 'random').mockReturnValue(0);
		expect(
			[1, 2, 3].map((count) => throttleRetryDelayMs(throttled('0.001'), count, 600_000, NOW)),
		).toEqual([500, 1000, 2000]);
	});

	it('gives up (undefined) when the wait would not end within the time budget left, and cuts the jitter to it', () => {
		jest.spyOn(timing, 'random').mockReturnValue(1);
		expect(throttleRetryDelayMs(throttled('10'), 1, 9_999, NOW)).toBeUndefined();
		expect(throttleRetryDelayMs(throttled('10'), 1, 10_000, NOW)).toBe(10_000);
		expect(throttleRetryDelayMs(throttled('10'), 1, 10_500, NOW)).toBe(10_500);
		expect(throttleRetryDelayMs(throttled('10'), 1, 0, NOW)).toBeUndefined();
	});
});

describe('redact', () => {
	const secrets = ['client-secret-value-1234', 'opaque-access-token-5678'];

	it('masks the given secrets by value, also URL-encoded, and token shapes', () => {
		expect(
			redact(
				'secret client-secret-value-1234, token opaque-access-token-5678 and ' +
					`${encodeURIComponent('sp/ecial+secret==')} Bearer abc.def`,
				[...secrets, 'sp/ecial+secret=='],
			),
		).toBe('secret [redacted], token [redacted] and [redacted] Bearer [redacted]');
	});

	it('leaves text alone without secrets', () => {
		expect(redact('Referral not found.', [])).toBe('Referral not found.');
	});
});

describe("a write's fate, by what reached the wire", () => {
	const NOT_SENT = 'Nothing was sent to Partner Center. The referral was not created.';
	const MAYBE = 'The referral may or may not have been created';
	/** What axios (n8n 1.x and 2.x) rejects with: its code, and the Node request whose socket wrote `bytesWritten` bytes. */
	const axiosError = (code: string, bytesWritten: number) =>
		Object.assign(new Error(code), {
			isAxiosError: true,
			code,
			request: { socket: { bytesWritten } },
		});
	const create = async (error: unknown) => {
		const { ctx } = context(async () => {
			throw error;
		});
		return await apiRequest
			.call(ctx, {
				method: 'POST',
				path: '/v1.0/engagements/referrals',
				body: {},
				resource: REFERRAL,
			})
			.catch((e: unknown) => e);
	};

	it.each<[string, unknown]>([
		[
			'no access token yet (n8n 2.x)',
			Object.assign(new Error('OAuth credentials not connected'), { name: 'UserError' }),
		],
		[
			'no access token yet (n8n 1.x, wrapped by NodeApiError)',
			{
				message: 'OAuth credentials not connected',
				cause: Object.assign(new Error('OAuth credentials not connected'), {
					name: 'ApplicationError',
				}),
			},
		],
		['no access token to sign with', new Error('Unable to sign without access token')],
		[
			'a URL the HTTP client cannot use',
			Object.assign(new TypeError('Invalid URL'), { code: 'ERR_INVALID_URL' }),
		],
		['a connection that timed out before a byte was written', axiosError('ECONNABORTED', 0)],
		[
			'a refused connection',
			Object.assign(axiosError('ECONNREFUSED', 0), {
				cause: { code: 'ECONNREFUSED', syscall: 'connect' },
			}),
		],
	])('%s: nothing was sent', async (_label, error) => {
		const mapped = (await create(error)) as { description: string };
		expect(mapped.description).toContain(NOT_SENT);
		expect(mapped.description).not.toContain(MAYBE);
	});

	it.each<[string, unknown]>([
		['a timeout after the request was written', axiosError('ECONNABORTED', 563)],
		['a reset after the request was written', axiosError('ECONNRESET', 563)],
		[
			'an error of the HTTP client that does not say',
			Object.assign(new Error('stream error'), { isAxiosError: true }),
		],
	])('%s: it may have been created', async (_label, error) => {
		const mapped = (await create(error)) as { description: string };
		expect(mapped.description).toContain(MAYBE);
	});
});

describe('the time limit of one request', () => {
	it('does not send a retry when waiting for a slot used up the time left', async () => {
		const clock = { ms: Date.parse('2026-03-02T09:00:00Z') };
		jest.spyOn(timing, 'now').mockImplementation(() => clock.ms);
		const { ctx, calls } = context(async () => ({ statusCode: 503, headers: {}, body: {} }));
		let slots = 0;
		useThrottle(ctx, {
			acquire: async () => {
				// the second slot comes only after the default limit (3 x 60 s) has passed
				if (slots++ > 0) clock.ms += 200_000;
				return () => undefined;
			},
		});
		const request = apiRequest.call(ctx, { method: 'GET', path: '/v1.0/engagements/referrals/x' });
		await expect(request).rejects.toThrow('Partner Center is unavailable (503) after 1 attempt');
		await expect(request).rejects.toMatchObject({
			description: expect.stringContaining('at most 180 s'),
		});
		expect(calls).toHaveLength(1);
	});
});

describe("an attempt's time limit, as n8n 1.x's flow meets it (simulated timer)", () => {
	/** The attempts' timers: each fires when the test says (timing.signalAfter). */
	let timers: AbortController[];
	beforeEach(() => {
		timers = [];
		jest.spyOn(timing, 'signalAfter').mockImplementation(() => {
			const timer = new AbortController();
			timers.push(timer);
			return timer.signal;
		});
	});
	const timeUp = () => timers.at(-1)?.abort();
	const settles = async () => await new Promise((resolve) => setImmediate(resolve));

	type Signal = {
		aborted: boolean;
		addEventListener(type: string, listener: () => void): void;
		removeEventListener(type: string, listener: () => void): void;
	};
	/** What axios does with `signal`: listens while its request is under way. */
	const axiosStarts = (options: IHttpRequestOptions) => {
		const signal = options.abortSignal as unknown as Signal;
		const listener = () => undefined;
		signal.addEventListener('abort', listener);
		return { signal, done: () => signal.removeEventListener('abort', listener) };
	};

	it('a 401, then a renewal that never answers: the sign-in service did not answer, nothing was written', async () => {
		const { ctx } = context(async (options) => {
			const request = axiosStarts(options);
			request.done(); // Partner Center answered 401
			if (options.ignoreHttpStatusErrors !== false)
				return { statusCode: 401, headers: {}, body: {} };
			return await new Promise(() => undefined); // n8n renews the token: no answer, ever
		});
		const request = apiRequest.call(ctx, {
			method: 'POST',
			path: '/v1.0/engagements/referrals',
			body: {},
			resource: REFERRAL,
		});
		await settles();
		timeUp();
		await expect(request).rejects.toThrow(
			'The Microsoft sign-in service (login.microsoftonline.com) did not answer in time',
		);
		await expect(request).rejects.toMatchObject({
			description: expect.stringContaining('Nothing was written.'),
		});
	});

	it('a request on the wire when the time is up is aborted; a Create may then have been made (1.x keeps no socket)', async () => {
		let aborted = false;
		const { ctx } = context(async (options) => {
			const request = axiosStarts(options);
			return await new Promise((_resolve, reject) => {
				request.signal.addEventListener('abort', () => {
					aborted = true;
					request.done();
					reject(n8n1Error('canceled', 'ERR_CANCELED'));
				});
			});
		});
		const request = apiRequest.call(ctx, {
			method: 'POST',
			path: '/v1.0/engagements/referrals',
			body: {},
			resource: REFERRAL,
		});
		await settles();
		timeUp();
		await expect(request).rejects.toThrow(
			/^Partner Center did not answer within \d+ s \(timed out\)$/,
		);
		await expect(request).rejects.toMatchObject({
			description: expect.stringContaining('The referral may or may not have been created'),
		});
		expect(aborted).toBe(true);
	});

	/** What n8n 2.x rejects with once axios is aborted mid-body: its error (as cause) keeps the Node request and the answer whose status line came. */
	const abortedMidBody = (statusCode: number) =>
		Object.assign(new Error('canceled'), {
			cause: Object.assign(new Error('canceled'), {
				code: 'ERR_CANCELED',
				isAxiosError: true,
				request: { socket: { bytesWritten: 120 }, res: { statusCode, headers: {} } },
			}),
		});

	/** A Create whose answer's status line came and whose body was still arriving when the time ran out. */
	async function createTimedOutMidBody(error: Error) {
		const { ctx } = context(async (options) => {
			const request = axiosStarts(options);
			return await new Promise((_resolve, reject) => {
				request.signal.addEventListener('abort', () => {
					request.done();
					reject(error);
				});
			});
		});
		const request = apiRequest.call(ctx, {
			method: 'POST',
			path: '/v1.0/engagements/referrals',
			body: {},
			resource: REFERRAL,
		});
		request.catch(() => undefined);
		await settles();
		timeUp();
		return await request.then(
			() => undefined,
			(failed: { message: string; description: string }) => failed,
		);
	}

	it('a Create refused (409) whose body did not come in time (n8n 2.x): refused, not created', async () => {
		const error = await createTimedOutMidBody(abortedMidBody(409));
		expect(error?.message).toBe('Partner Center reported a conflict (409)');
		expect(error?.description).toContain(
			'Partner Center refused the request (409), but the body of its answer did not arrive within',
		);
		expect(error?.description).toContain('The referral was not created.');
		expect(error?.description).not.toContain('may or may not');
	});

	it('a Create answered 500 whose body did not come in time (n8n 2.x): may or may not have been created', async () => {
		const error = await createTimedOutMidBody(abortedMidBody(500));
		expect(error?.description).toContain('The referral may or may not have been created');
	});

	it('a Create whose body did not come in time, status not kept (n8n 1.x): may or may not have been created', async () => {
		const error = await createTimedOutMidBody(n8n1Error('canceled', 'ERR_CANCELED'));
		expect(error?.description).toContain('The referral may or may not have been created');
		expect(error?.description).not.toContain('was not created');
	});

	it("keeps its own signal when n8n sets the execution's cancel signal, and follows that one", async () => {
		const cancel = new AbortController();
		let seen: Signal | undefined;
		const { ctx } = context(async (options) => {
			// both majors: httpRequestWithAuthentication puts the execution's signal in abortSignal
			options.abortSignal = cancel.signal;
			const request = axiosStarts(options);
			seen = request.signal;
			return await new Promise((_resolve, reject) => {
				request.signal.addEventListener('abort', () =>
					reject(n8n1Error('canceled', 'ERR_CANCELED')),
				);
			});
		});
		const request = apiRequest.call(ctx, { method: 'GET', path: '/v1.0/engagements/referrals/x' });
		request.catch(() => undefined);
		await settles();
		expect(seen).not.toBe(cancel.signal);
		expect(seen?.aborted).toBe(false);
		cancel.abort();
		expect(seen?.aborted).toBe(true);
	});

	it('a 201 whose body was cut off (n8n 1.x: only its status survives, as httpCode) says the referral was created', async () => {
		const { ctx, calls } = context(async () => {
			throw n8n1Error('stream has been aborted', '201');
		});
		const request = apiRequest.call(ctx, {
			method: 'POST',
			path: '/v1.0/engagements/referrals',
			body: {},
			resource: REFERRAL,
		});
		await expect(request).rejects.toThrow(
			'Partner Center created the referral, but its answer was cut off',
		);
		expect(calls).toHaveLength(1);
	});
});
