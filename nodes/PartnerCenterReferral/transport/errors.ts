/**
 * Failures, read and explained. `inspectFailure` finds status, headers, body and network
 * code wherever n8n (1.x or 2.x) put them; `mapFailure` turns a failure into a NodeApiError
 * whose message says what happened and whose description says how to fix it. Nothing of the
 * request (headers, token) is carried into the error, and the credential's secrets are
 * masked wherever the service's text could echo them.
 */
import type { IDataObject, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { ETAG_CHANGED_HINT, MAYBE_ADDED, MAYBE_CREATED, NETWORK_FAILURES, ROLES_HINT } from './hints';
import type { ApiRequest, PartnerCenterContext } from './http';
import { headerValue, isRepeatable } from './http';
import { redact } from './redact';

export interface Failure {
	kind: 'http' | 'network' | 'malformed' | 'unknown';
	status?: number;
	headers?: IDataObject;
	body?: unknown;
	code?: string;
	message?: string;
}

/** Finds status, headers, body and network code wherever n8n (1.x or 2.x) put them. */
export function inspectFailure(error: unknown): Failure {
	const layers: IDataObject[] = [];
	let current: unknown = error;
	for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
		layers.push(current as IDataObject);
		const next: unknown = (current as IDataObject).cause ?? (current as IDataObject).errorResponse;
		current = next === current ? undefined : next;
	}
	for (const layer of layers) {
		const response = layer.response as IDataObject | undefined;
		const status = Number(response?.status ?? response?.statusCode ?? Number.NaN);
		if (response && Number.isInteger(status) && status >= 100) {
			return {
				kind: 'http',
				status,
				headers: (response.headers as IDataObject) ?? {},
				body: response.data ?? response.body,
			};
		}
	}
	for (const layer of layers) {
		// n8n 1.x keeps a socket error's code only as the wrapper's httpCode ("ECONNREFUSED").
		const code = [layer.code, layer.httpCode].find(
			(candidate): candidate is string => typeof candidate === 'string' && candidate in NETWORK_FAILURES,
		);
		if (code) return { kind: 'network', code };
	}
	for (const layer of layers) {
		if (layer instanceof SyntaxError || /JSON/.test(String(layer.message ?? ''))) return { kind: 'malformed' };
	}
	for (const layer of layers) {
		// n8n 1.x: only the status (as httpCode) and the body (as context.data) survive.
		const status = Number(layer.httpCode ?? Number.NaN);
		const body = (layer.context as IDataObject | undefined)?.data;
		if (Number.isInteger(status) && status >= 100) return { kind: 'http', status, headers: {}, body };
	}
	const message = layers.find((layer) => typeof layer.message === 'string')?.message as string | undefined;
	if (message && /socket hang up|network|ECONNRESET/i.test(message)) return { kind: 'network', code: 'ECONNRESET' };
	return { kind: 'unknown', message };
}

/** Socket failures that happen before anything is sent. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

/** n8n's words when it could not refresh the token (the request itself got a 401). */
const SIGN_IN_FAILURE = /reconnect|refresh token|invalid_grant|oauth/i;

/** A failure in a few words: its status, or what happened to the connection. */
function describeFailure(failure: Failure): string {
	if (failure.kind === 'http') return String(failure.status);
	if (failure.kind === 'network') return NETWORK_FAILURES[failure.code ?? ''] ?? 'the connection failed';
	return failure.kind === 'malformed' ? 'an unreadable answer' : 'an unknown error';
}

/** Whether the service may have carried the request out although it failed (a 5xx, a connection lost after sending, an unreadable answer). */
export function mayHaveBeenProcessed(failure: Failure): boolean {
	if (failure.kind === 'http') return (failure.status ?? 0) >= 500;
	if (failure.kind === 'network') return !NOT_SENT_CODES.has(failure.code ?? '');
	if (failure.kind === 'unknown') return !SIGN_IN_FAILURE.test(failure.message ?? '');
	return true;
}

export function mapFailure(
	this: PartnerCenterContext,
	failure: Failure,
	request: ApiRequest,
	attempts: number | undefined,
	secrets: readonly string[],
	/** An earlier attempt of this request that failed after the service may have applied it. */
	earlierMaybeApplied?: Failure,
): NodeApiError {
	const { itemIndex } = request;
	const serviceError = readServiceError(failure.body);
	const requestId = headerValue(failure.headers, 'request-id');
	const said = [serviceError.code, serviceError.message?.replace(/[.\s]+$/, '')].filter(Boolean).join(': ');
	const service = said ? ` Partner Center said: ${said}.` : '';
	const support = requestId ? ` Request ID for Microsoft support: ${requestId}.` : '';
	const after = attempts ? ` after ${attempts} attempts` : '';
	const status = failure.status;
	// A POST is a create (the only POST of this API); when it may have happened, "try again" is bad advice.
	const isCreate = request.method === 'POST';
	const uncertain = !isRepeatable(request) && mayHaveBeenProcessed(failure);

	let message: string;
	let description: string;
	switch (true) {
		case failure.kind === 'malformed':
			message = 'Partner Center returned a response that is not valid JSON';
			description = `The service or a proxy in front of it sent an unreadable body. ${uncertain ? 'Check' : 'Try again; if it persists, check'} the API Base URL in the credential (it must point at the Partner Center API, not a web page).`;
			break;
		case failure.kind === 'network':
			// n8n replaces a message naming a raw socket code with its own generic text,
			// so the message says it in words and the description carries the code.
			message = `Could not reach Partner Center: ${NETWORK_FAILURES[failure.code ?? ''] ?? 'the connection failed'}${after}`;
			description = `The connection to the API Base URL failed (${failure.code}). Check the credential's API Base URL, your network or proxy${uncertain ? '.' : ', and try again.'}`;
			break;
		case status === 400:
			message = `Partner Center rejected the request as invalid${serviceError.message ? `: ${serviceError.message}` : ''}`;
			description = `Check the node's parameters against what Partner Center accepts.${service}`;
			break;
		case status === 401:
			message = 'Partner Center did not accept the sign-in (401)';
			description = `Reconnect the Partner Center OAuth2 API credential (open it and sign in again). ${ROLES_HINT}${service}`;
			break;
		case status === 403:
			message = 'Partner Center denied access to referrals (403)';
			description = `${ROLES_HINT} If your organisation enforces MFA or conditional access, sign in again with MFA and reconnect the credential.${service}`;
			break;
		case status === 404:
			message = request.referralId
				? `Referral ${request.referralId} was not found`
				: 'Partner Center could not find what was asked for (404)';
			description = `Check the referral ID. A Referrals User only sees referrals whose team includes them; a Referrals Admin sees all referrals of the partner's locations.${service}`;
			break;
		case status === 409:
			message = 'Partner Center reported a conflict (409)';
			description = `The referral was changed by someone else or is in a state that does not allow this. Get it again and retry.${service}`;
			break;
		case status === 412 && earlierMaybeApplied !== undefined:
			// the retry's If-Match may have been outdated by the earlier attempt itself
			message = `The referral${request.referralId ? ` ${request.referralId}` : ''} changed since it was read (eTag mismatch, 412), possibly by this node's own earlier attempt`;
			description = `An earlier attempt of this request failed (${describeFailure(earlierMaybeApplied)}) after Partner Center may have applied it, so the change may be this one. Get the referral and check whether it already has the new values before running this item again.${service}`;
			break;
		case status === 412:
			message = `The referral${request.referralId ? ` ${request.referralId}` : ''} changed since it was read (eTag mismatch, 412)`;
			description = `${ETAG_CHANGED_HINT}${service}`;
			break;
		case status === 429:
			message = `Partner Center is throttling requests (429) and still was${after || ' after retrying'}`;
			description = `The node waited each time as long as Partner Center asked (Retry-After), slowed down, and retried until the time it allows a request ran out. Other workflows or apps using the same Partner Center account may be using up its limit: run this again later, spread those workflows' runs over time, or lower "Max Concurrent Requests".${service}`;
			break;
		case status !== undefined && status >= 500:
			message = `Partner Center is unavailable (${status})${after}`;
			description = `The service failed on its side. ${uncertain ? 'If it persists' : 'Try again later; if it persists'}, check the Partner Center service status.${service}`;
			break;
		case status !== undefined:
			message = `Partner Center answered with an error (${status})`;
			description = `Check the node's parameters and the credential.${service}`;
			break;
		case SIGN_IN_FAILURE.test(failure.message ?? ''):
			message = 'The Partner Center sign-in has expired or was revoked';
			description = `${failure.message} Open the Partner Center OAuth2 API credential and sign in again (Reconnect). This happens when the refresh token expired or was revoked, for example after a password change or when an admin removed the app's consent.`;
			break;
		default:
			message = 'The request to Partner Center failed';
			description = `${failure.message ?? 'An unknown error occurred.'} Check the credential's API Base URL${uncertain ? '.' : ' and try again.'}`;
	}
	if (isCreate) description += uncertain ? ` ${MAYBE_CREATED}` : ' The referral was not created.';
	else if (uncertain) description += ` ${MAYBE_ADDED}`;

	const error = new NodeApiError(
		this.getNode(),
		{ message: redact(message, secrets), code: serviceError.code ?? null } as JsonObject,
		{
			message: redact(message, secrets),
			description: redact(`${description}${support}`, secrets),
			httpCode: status !== undefined ? String(status) : undefined,
			itemIndex,
		},
	);
	error.context.partnerCenterMapped = true;
	if (serviceError.code) error.context.serviceErrorCode = serviceError.code;
	if (requestId) error.context.requestId = requestId;
	return error;
}

function readServiceError(body: unknown): { code?: string; message?: string } {
	let parsed = body;
	if (typeof body === 'string') {
		try {
			parsed = JSON.parse(body);
		} catch {
			return {};
		}
	}
	if (Buffer.isBuffer(parsed)) return readServiceError(parsed.toString('utf8'));
	if (!parsed || typeof parsed !== 'object') return {};
	const error = (parsed as IDataObject).error;
	if (error && typeof error === 'object') {
		const { code, message } = error as IDataObject;
		return {
			code: typeof code === 'string' ? code : undefined,
			message: typeof message === 'string' ? message : undefined,
		};
	}
	if (typeof error === 'string') {
		const description = (parsed as IDataObject).error_description;
		return { code: error, message: typeof description === 'string' ? description : undefined };
	}
	return {};
}
