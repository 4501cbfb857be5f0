/**
 * Paging: `listPages` follows `@odata.nextLink` page by page for any collection, only on
 * the credential's own origin, never the same link twice, never the same entry twice.
 * What an entry is (and what a page must hold) is the caller's: it hands a page reader.
 */
import type { IDataObject } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { MAX_PAGE_SIZE } from '../shared/constants';
import { serviceFault } from '../shared/nodeError';
import { assertSameOrigin, getBaseUrl } from './credential';
import { PAGING_FAULT_HINT } from './hints';
import type { ApiRequest, ApiResponse, PartnerCenterContext, Resource } from './types';
import { headerValue } from './types';
import { apiRequest } from './request';

export interface ListRequest {
	/** The query of the first page (not used with `resumeAt`). */
	qs?: IDataObject;
	/** Start at this next-page link (one `onNextLink` reported) instead of the first page. */
	resumeAt?: string;
	/** Stop after this many entries; undefined = all. */
	limit?: number;
	itemIndex?: number;
	/** Called with every page's response (e.g. to read its Date header) before the page is yielded. */
	onResponse?: (response: ApiResponse) => void;
	/** Called before each page is yielded with the checked link of the page after it (undefined: none). */
	onNextLink?: (link: string | undefined) => void;
}

/** What a collection is, for `listPages`; its noun names an entry in the errors ("referral", "referrals"). */
export interface Collection extends Resource {
	/** The path of the first page, from the API Base URL. */
	path: string;
	/**
	 * The entries of a page's body, each an object with a string `id`; throws when the page
	 * is not a list of them (an error, not "nothing").
	 */
	readPage: (
		this: PartnerCenterContext,
		body: IDataObject | undefined,
		itemIndex?: number,
	) => IDataObject[];
}

/** Empty pages that still carry a next-page link, read in a row before the listing gives up. */
export const MAX_EMPTY_PAGES_IN_A_ROW = 10;

/**
 * Lists a collection page by page, following @odata.nextLink. Each page is handed to the
 * caller and then dropped, so memory stays flat however many pages there are (only the
 * ids already listed and the links already followed are kept, see ListingGuard).
 * Sends $top only when the limit fits in one page: standard OData reads $top as the size
 * of the whole answer, Microsoft's older docs as the page size, and only there do the two
 * agree. A larger limit pages by nextLink and stops on this side.
 */
export async function* listPages(
	this: PartnerCenterContext,
	collection: Collection,
	request: ListRequest,
): AsyncGenerator<IDataObject[]> {
	const { limit, itemIndex } = request;
	let remaining = limit ?? Number.POSITIVE_INFINITY;
	if (remaining <= 0) return;
	const baseUrl = await getBaseUrl.call(this);
	const guard = new ListingGuard(this, collection.noun, itemIndex);
	let pageUrl = `${baseUrl}${collection.path}`;
	let next: ApiRequest | undefined;
	if (request.resumeAt !== undefined) {
		pageUrl = guard.follow(resolveLink.call(this, request.resumeAt, pageUrl, baseUrl, itemIndex));
		next = { method: 'GET', url: pageUrl, itemIndex, resource: collection };
	} else {
		const qs: IDataObject = { ...request.qs };
		if (limit !== undefined && limit <= MAX_PAGE_SIZE) qs.$top = limit;
		next = { method: 'GET', path: collection.path, qs, itemIndex, resource: collection };
	}
	while (next) {
		const response: ApiResponse = await apiRequest.call(this, next);
		request.onResponse?.(response);
		const fresh = guard.fresh(collection.readPage.call(this, response.body, itemIndex), response);
		const taken = fresh.length > remaining ? fresh.slice(0, remaining) : fresh;
		remaining -= taken.length;
		const link: unknown = response.body?.['@odata.nextLink'];
		next = undefined;
		if (remaining > 0 && typeof link === 'string' && link !== '') {
			pageUrl = guard.follow(resolveLink.call(this, link, pageUrl, baseUrl, itemIndex));
			next = { method: 'GET', url: pageUrl, itemIndex, resource: collection };
		}
		request.onNextLink?.(next?.url);
		if (taken.length > 0) yield taken;
	}
}

/**
 * Keeps one listing finite and free of repeats: a next-page link is followed once, a
 * entry is delivered once (repeats on a page are dropped; a page of nothing but repeats
 * is the same page again), and empty pages in a row are bounded. Remembers only links and
 * ids, never entries.
 */
class ListingGuard {
	private readonly followed = new Set<string>();

	private readonly listed = new Set<string>();

	private emptyInARow = 0;

	constructor(
		private readonly context: PartnerCenterContext,
		private readonly noun: Collection['noun'],
		private readonly itemIndex: number | undefined,
	) {}

	/** The entries of a page not listed before; fails when the page brings only repeats. */
	fresh(page: IDataObject[], response: ApiResponse): IDataObject[] {
		const { one, many } = this.noun;
		if (page.length === 0) {
			this.emptyInARow++;
			return page;
		}
		this.emptyInARow = 0;
		const fresh = page.filter((entry) => {
			const key = String(entry.id).toLowerCase();
			if (this.listed.has(key)) return false;
			this.listed.add(key);
			return true;
		});
		if (fresh.length === 0) {
			throw this.fail(
				`Partner Center returned the same page again (every ${one} on it was already listed)`,
				`The listing stopped there, so no ${one} is output twice and it cannot loop forever; the ${many} after that page were not read.${supportHint(response)}`,
			);
		}
		return fresh;
	}

	/** Records a next-page link before it is followed; fails when it was followed before or after too many empty pages. */
	follow(link: string): string {
		const { one, many } = this.noun;
		if (this.followed.has(link)) {
			throw this.fail(
				'Partner Center returned the same page again (a next-page link it had already given)',
				`The listing stopped there, so it cannot loop forever and no ${one} is output twice; the ${many} after that page were not read.`,
			);
		}
		if (this.emptyInARow >= MAX_EMPTY_PAGES_IN_A_ROW) {
			throw this.fail(
				`Partner Center returned ${this.emptyInARow} empty pages in a row, each with a link to another`,
				`The listing stopped there so that it cannot run on forever; the ${many} after those pages, if any, were not read.`,
			);
		}
		this.followed.add(link);
		return link;
	}

	private fail(message: string, whatHappened: string): NodeOperationError {
		return serviceFault(
			new NodeOperationError(this.context.getNode(), message, {
				description: `${whatHappened} ${PAGING_FAULT_HINT}`,
				itemIndex: this.itemIndex,
			}),
		);
	}
}

function supportHint(response: ApiResponse): string {
	const requestId = headerValue(response.headers, 'request-id');
	return requestId ? ` Request ID for Microsoft support: ${requestId}.` : '';
}

/**
 * A next-page link as it is followed: a relative link is resolved against the page that
 * carried it (RFC 3986), and a plain-http link to the API's own host (as in Microsoft's
 * docs) is upgraded to https, so the token never travels over plain http. Any other
 * origin (another host, scheme or port) is refused.
 */
function resolveLink(
	this: PartnerCenterContext,
	link: string,
	pageUrl: string,
	baseUrl: string,
	itemIndex?: number,
): string {
	const base = new URL(baseUrl);
	let url: URL;
	try {
		url = new URL(link, pageUrl);
	} catch {
		return link; // refused as an invalid URL below
	}
	if (
		url.protocol === 'http:' &&
		base.protocol === 'https:' &&
		url.hostname === base.hostname &&
		url.port === ''
	) {
		url.protocol = 'https:';
	}
	assertSameOrigin.call(this, url.href, baseUrl, itemIndex);
	return url.href;
}
