/** The longer texts of the transport's errors, apart from the code that picks them. */
import type { ApiRequest, Resource } from './types';
import { resourceOf } from './types';

/** Socket errors, in words (n8n replaces an error message that names the raw code). */
export const NETWORK_FAILURES: Record<string, string> = {
	ECONNRESET: 'the connection was reset',
	ECONNREFUSED: 'the connection was refused',
	ETIMEDOUT: 'the connection timed out',
	ESOCKETTIMEDOUT: 'the connection timed out',
	ECONNABORTED: 'the connection was aborted',
	EPIPE: 'the connection was closed',
	EAI_AGAIN: 'the host name could not be resolved',
	ENOTFOUND: 'the host name could not be resolved',
	ENETUNREACH: 'the network is unreachable',
	EHOSTUNREACH: 'the host is unreachable',
};

/**
 * After a create that failed when the service may still have carried it out; `howToFind` is
 * how to find what it made (see findCreated).
 */
export function maybeCreated({ noun }: Resource, howToFind: string | undefined): string {
	return `The ${noun.one} may or may not have been created: Partner Center may have received the request before it failed. A create is never retried automatically, because a retry could create a second ${noun.one}. Before re-running this item, check whether it exists.${howToFind ? ` ${howToFind}` : ''}`;
}

/**
 * How to find what a create made: the request's own words (from the values it sent) where its
 * caller gave them, else the resource's general ones.
 */
export function findCreated(request: ApiRequest): string | undefined {
	return request.findCreated ?? resourceOf(request).findCreatedHint;
}

/** After a patch that adds people failed when the service may still have carried it out. */
export function maybeAdded({ noun }: Resource): string {
	return `The update may or may not have been made: Partner Center may have received it before it failed. It was not sent again, because a second one would add the people twice. Get the ${noun.one} and check its team and customer contacts before re-running this item.`;
}

/** After an update that failed when the service may still have carried it out (sending it again would do no harm, but was not done or failed too). */
export function maybeUpdated({ noun }: Resource): string {
	return `The update may or may not have been made: Partner Center may have received it before it failed. Get the ${noun.one} and check it before re-running this item.`;
}

/** What to do about a listing that Partner Center's paging broke. */
export const PAGING_FAULT_HINT =
	"This is a fault in Partner Center's paging (or in a proxy in front of it). Run again; if it persists, narrow the filters (e.g. Updated After) so fewer pages are needed, and report it to Microsoft support.";

/** After an update refused because the entry changed since it was read (its eTag moved on). */
export function etagChangedHint({ noun }: Resource): string {
	return `Get the ${noun.one} again and use its new eTag in "Only Update If Unchanged", or clear that option to update regardless.`;
}
