/** Shared set-up of the engine-level node tests: nock, the retry sleep spy, and small builders. */
import nock from 'nock';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { timing } from '../../nodes/PartnerCenterReferral/shared/timing';
import { API, REFERRALS } from '../fixtures';

export interface NockSetup {
	/** Every wait the transport asked for (ms), in order; the spy never waits. */
	sleeps: number[];
}

/**
 * Disables the network, spies `timing.sleep` (retries never wait) and, after each test,
 * fails it if an interceptor was left unused.
 */
export function useNock(): NockSetup {
	const setup: NockSetup = { sleeps: [] };
	beforeAll(() => nock.disableNetConnect());
	afterAll(() => nock.enableNetConnect());
	beforeEach(() => {
		setup.sleeps.length = 0;
		jest.spyOn(timing, 'sleep').mockImplementation(async (ms: number) => {
			setup.sleeps.push(ms);
		});
		jest.spyOn(timing, 'random').mockReturnValue(0.5);
	});
	afterEach(() => {
		jest.restoreAllMocks();
		const pending = nock.pendingMocks();
		nock.cleanAll();
		expect(pending).toEqual([]);
	});
	return setup;
}

/** A resource locator whose value comes from the input item (not statically validated by n8n). */
export const idFromItem = (field = 'id') => ({
	__rl: true,
	mode: 'id',
	value: `={{ $json.${field} }}`,
});

/**
 * Answers any request to Partner Center and records it as "METHOD path", for tests that
 * expect nothing to be sent. Returns a function giving what was sent, and removes the
 * interceptors so that they do not count as pending.
 */
export function watchRequests(): () => string[] {
	const sent: string[] = [];
	const scope = nock(API).persist();
	for (const method of ['get', 'post', 'patch', 'put', 'delete'] as const) {
		scope[method](/.*/).reply(function (this: nock.ReplyFnContext, uri: string) {
			sent.push(`${this.req.method} ${uri}`);
			return [500];
		});
	}
	return () => {
		nock.cleanAll();
		return sent;
	};
}

/** A list page as Partner Center answers it. */
export function listPage(value: IDataObject[], nextLink?: string): IDataObject {
	const page: IDataObject = {
		'@odata.context': `${API}/v1.0/engagements/$metadata#Referrals`,
		'@odata.count': value.length,
		value,
	};
	if (nextLink !== undefined) page['@odata.nextLink'] = nextLink;
	return page;
}

/**
 * Intercepts one list request on the referrals path (any query), recording its query
 * string so that the test can assert it exactly.
 */
export function interceptList(
	queries: IDataObject[],
	status: number,
	body: IDataObject,
): nock.Scope {
	return nock(API)
		.get(REFERRALS)
		.query((query) => {
			queries.push({ ...query });
			return true;
		})
		.reply(status, body);
}

/**
 * Intercepts one GET whose path and query string (as sent, not decoded) equal `pathAndQuery`,
 * recording what was requested.
 */
export function interceptExact(
	requested: string[],
	pathAndQuery: string,
	body: IDataObject,
): nock.Scope {
	return nock(API)
		.get((uri) => {
			if (uri === pathAndQuery) requested.push(uri);
			return uri === pathAndQuery;
		})
		.reply(200, body);
}

/** What a request carried: its decoded JSON body and its headers (lower-case names). */
export interface RecordedRequest {
	body: unknown;
	headers: Record<string, string>;
}

/** A nock reply function that records the request, then answers `status` with `response`. */
export function recordAndReply(
	into: RecordedRequest[],
	status: number,
	response?: nock.ReplyBody,
	headers?: nock.ReplyHeaders,
) {
	return function (this: nock.ReplyFnContext, _uri: string, body: nock.Body): nock.ReplyFnResult {
		into.push({ body, headers: { ...this.req.headers } });
		if (response === undefined) return [status];
		return headers === undefined ? [status, response] : [status, response, headers];
	};
}

/** The simplified item of `referral(id, …)` from the fixtures (the documented example's values), with `fields` over it. */
export function flat(id: string, fields: IDataObject = {}): IDataObject {
	return {
		id,
		name: null,
		engagementId: '65edc0b5-3485-41b7-a17e-dfa9ef4706e2',
		externalReferenceId: null,
		status: 'New',
		substatus: 'Pending',
		statusReason: null,
		type: 'Independent',
		qualification: 'Direct',
		direction: 'Incoming',
		organizationName: 'Contoso Company',
		salesStage: null,
		referralSource: null,
		callToAction: null,
		customerMarketplaceIntent: null,
		registrationStatus: null,
		campaignId: null,
		closedDateTime: null,
		customerName: 'Fabrikam Customer Inc',
		customerCity: 'Redmond',
		customerState: 'WA',
		customerCountry: 'US',
		dealValue: 10000,
		currency: 'USD',
		closingDateTime: '2020-12-01T00:00:00Z',
		notes:
			'We are interested in deploying Microsoft 365 and are looking forsupport in training our employees. Can you help?',
		createdDateTime: '2020-10-30T21:03:00.0000000Z',
		updatedDateTime: '2020-10-30T21:03:00.0000000Z',
		acceptedDateTime: null,
		expirationDateTime: null,
		eTag: `"etag-${id.slice(0, 8)}"`,
		...fields,
	};
}

/**
 * A Partner Center stand-in that reads `$top` as the page size (Microsoft's older docs; the
 * sandbox reads it as the whole answer): pages of `$top` (or 100) over `all`, each linking to
 * the next with `$top` and an offset as `$skiptoken`. Records each query; remove it with
 * `nock.cleanAll()`.
 */
export function topIsPageSizeService(all: IDataObject[], queries: IDataObject[]): nock.Scope {
	return nock(API)
		.persist()
		.get(REFERRALS)
		.query(true)
		.reply((uri) => {
			const query = Object.fromEntries(new URL(uri, API).searchParams);
			queries.push(query);
			const size = Math.min(Number(query.$top ?? 100), 100);
			const offset = Number(query.$skiptoken ?? 0);
			const rest = new URLSearchParams({ ...query, $skiptoken: String(offset + size) });
			const next = offset + size < all.length ? `${API}${REFERRALS}?${rest.toString()}` : undefined;
			return [200, listPage(all.slice(offset, offset + size), next)];
		});
}

/** Create's parameters: a minimal valid referral, with `extra` parameters and Additional Fields on top. */
export const createParameters = (
	extra: INodeParameters = {},
	additionalFields: INodeParameters = {},
): INodeParameters => ({
	operation: 'create',
	type: 'Independent',
	customerName: 'Fabrikam Inc',
	customerCountry: 'US',
	additionalFields,
	...extra,
});
