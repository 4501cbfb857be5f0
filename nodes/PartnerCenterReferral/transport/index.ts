/**
 * The only code that talks HTTP to Partner Center; the rest of the node imports it from here.
 *
 * - request.ts: one request, with the credential and n8n's token refresh, holding a slot
 *   of the execution's throttle (throttle.ts: what a throttle is and which one an execution
 *   uses; pool.ts: the adaptive pool that the router creates), retried as retry.ts says.
 * - paging.ts: `listPages`, following next-page links safely for any collection (what a
 *   referral is and the referral listing are api/'s).
 * - errors.ts: every failure becomes a NodeApiError saying what happened and how to fix it
 *   (the longer texts in hints.ts), with the credential's secrets masked (redact.ts).
 * - credential.ts: the API Base URL and the secrets, read once per execution context.
 * - deadline.ts: how long one attempt and one request with its retries may take.
 * - attempt.ts: one attempt's time limit kept on the wire (the abort signal handed to n8n),
 *   and what was under way when it ran out.
 * - types.ts: what a request and an answer are to the transport (and the Resource that api/
 *   describes: the transport knows no resource), and reading their headers.
 */
export type { ApiRequest, ApiResponse, Noun, PartnerCenterContext, Resource } from './types';
export { etagChangedHint, maybeCreated } from './hints';
export type { Collection, ListRequest } from './paging';
export { listPages, MAX_EMPTY_PAGES_IN_A_ROW } from './paging';
export { apiRequest } from './request';
export { useThrottle } from './throttle';
export { throttleForOption } from './pool';
export { DEADLINE_FACTOR, useTimeout } from './deadline';
