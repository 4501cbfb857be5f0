/** What a request and an answer are to the transport, and reading their headers. */
import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	ILoadOptionsFunctions,
	IPollFunctions,
} from 'n8n-workflow';

export type PartnerCenterContext = IExecuteFunctions | IPollFunctions | ILoadOptionsFunctions;

/** What the entries of a resource are called in messages: one and many. */
export interface Noun {
	one: string;
	many: string;
}

/**
 * A resource as its caller (api/) describes it to the transport, which knows none: what its
 * entries are called, and the advice only the caller can give.
 */
export interface Resource {
	noun: Noun;
	/** After "Check the <one> ID." when Partner Center found none (404): who may see one. */
	notFoundHint?: string;
	/** How to find the entry a create made, or check whether it made one, where the values it sent are not known (else `ApiRequest.findCreated`). */
	findCreatedHint?: string;
}

/** The words of a request made without a resource (the transport's own tests). */
export const ANY_RESOURCE: Resource = { noun: { one: 'entry', many: 'entries' } };

export interface ApiRequest {
	method: IHttpRequestMethods;
	/** A path under the credential's base URL, e.g. /v1.0/engagements/referrals/{id}. */
	path?: string;
	/** An absolute URL (a nextLink); it must be on the credential's base URL origin. */
	url?: string;
	qs?: IDataObject;
	body?: IDataObject | IDataObject[];
	headers?: IDataObject;
	itemIndex?: number;
	/** What the request reads or writes (ANY_RESOURCE when not said). */
	resource?: Resource;
	/** The entry it reads or changes, named in the message of a 404 or 412. */
	id?: string;
	/** A create: how to find the entry it makes, from the values it sends (said when its answer is cut off, or it may have been made). */
	findCreated?: string;
	/** The request adds to a referral (a patch with an `add`): sent twice, it would add twice. */
	adds?: boolean;
}

/** The resource a request is about, as its caller described it. */
export function resourceOf(request: ApiRequest): Resource {
	return request.resource ?? ANY_RESOURCE;
}

/**
 * Whether a request may be sent again after a failure that the service may have carried out:
 * not a create (the API's only POST; it has no idempotency key) nor a patch that adds.
 */
export function isRepeatable(request: ApiRequest): boolean {
	return request.method !== 'POST' && request.adds !== true;
}

export interface ApiResponse {
	statusCode: number;
	headers: IDataObject;
	body: IDataObject | undefined;
}

/** An answer as n8n's request helper returns it (`returnFullResponse`). */
export type RawResponse = { statusCode: number; headers?: IDataObject; body: unknown };

/** A header's value by its lower-case `name`, whatever the case it came in (the first one when it came several times). */
export function headerValue(headers: IDataObject | undefined, name: string): string | undefined {
	if (!headers) return undefined;
	for (const key of Object.keys(headers)) {
		if (key.toLowerCase() === name) {
			const found = headers[key];
			return Array.isArray(found)
				? String(found[0])
				: found === undefined
					? undefined
					: String(found);
		}
	}
	return undefined;
}
