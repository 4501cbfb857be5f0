/**
 * Public types of the Partner Center Referrals sandbox (dev-only): the one home of the types the
 * sandbox's files share. It imports nothing, so every other file of the sandbox can import it.
 *
 * The referral types are deliberately loose: the real service returns more fields than its
 * documentation shows, so every object also carries `[key: string]: unknown`.
 */

/** The token endpoint's failures the sandbox can answer (auth.ts's SIGN_IN_FAILURES, one entry each). */
export type SignInFailureName =
	| 'secretExpired'
	| 'secretInvalid'
	| 'grantExpired'
	| 'refreshTokenInactive'
	| 'grantRevoked'
	| 'consentMissing'
	| 'appNotFound'
	| 'tenantNotFound'
	| 'userFromOtherTenant'
	| 'mfaRequired'
	| 'mfaEnrollment'
	| 'other';

export type ReferralStatus = 'None' | 'New' | 'Active' | 'Closed';
export type ReferralSubstatus =
	| 'None'
	| 'Pending'
	| 'Received'
	| 'Accepted'
	| 'Won'
	| 'Lost'
	| 'Declined'
	| 'Expired';
export type ReferralType = 'Independent' | 'Shared';
export type ReferralQualification = 'None' | 'Direct' | 'MarketingQualified' | 'SalesQualified';
export type ReferralDirection = 'Incoming' | 'Outgoing';

export interface ReferralMember {
	firstName?: string;
	lastName?: string;
	email?: string;
	phoneNumber?: string;
	title?: string;
	contactPreference?: { locale?: string; disableNotifications?: boolean; [key: string]: unknown };
	[key: string]: unknown;
}

export interface ReferralAddress {
	addressLine1?: string;
	addressLine2?: string;
	city?: string;
	state?: string;
	postalCode?: string;
	region?: string;
	/** ISO 3166 two-letter code */
	country?: string;
	[key: string]: unknown;
}

export interface ReferralCustomerProfile {
	name?: string;
	size?: string;
	address?: ReferralAddress;
	team?: ReferralMember[];
	ids?: Array<{ profileType?: string; id?: string; [key: string]: unknown }>;
	[key: string]: unknown;
}

export interface ReferralConsent {
	/** the double "To" is the real spelling */
	consentToToShareInfoWithOthers?: boolean;
	consentToContact?: boolean;
	consentToShareReferralWithMicrosoftSellers?: boolean;
	[key: string]: unknown;
}

export interface ReferralRequirements {
	industries?: Array<{ id: string; [key: string]: unknown }>;
	products?: Array<{ id: string; [key: string]: unknown }>;
	services?: Array<{ id: string; [key: string]: unknown }>;
	solutions?: Array<{ id: string; name?: string; [key: string]: unknown }>;
	[key: string]: unknown;
}

export interface ReferralDetails {
	notes?: string;
	/** decimal; may be a numeric string in real data */
	dealValue?: number | string;
	/** ISO 4217 */
	currency?: string;
	closingDateTime?: string;
	requirements?: ReferralRequirements;
	[key: string]: unknown;
}

export interface ReferralLink {
	uri: string;
	method: string;
	[key: string]: unknown;
}

export interface Referral {
	id: string;
	engagementId?: string;
	name?: string;
	externalReferenceId?: string;
	organizationId?: string;
	organizationName?: string;
	createdDateTime?: string;
	updatedDateTime?: string;
	expirationDateTime?: string;
	acceptedDateTime?: string;
	/** ReferralStatus */
	status?: string;
	/** ReferralSubstatus */
	substatus?: string;
	statusReason?: string;
	/** ReferralType */
	type?: string;
	/** ReferralQualification */
	qualification?: string;
	/** ReferralDirection */
	direction?: string;
	/** Newer API versions, on some referrals only (the docs promise none of them). */
	salesStage?: string;
	referralSource?: string;
	callToAction?: string;
	customerMarketplaceIntent?: string;
	registrationStatus?: string;
	campaignId?: string;
	/** stamped by the sandbox when a referral moves to Closed */
	closedDateTime?: string;
	customerProfile?: ReferralCustomerProfile;
	consent?: ReferralConsent;
	details?: ReferralDetails;
	team?: ReferralMember[];
	inviteContext?: {
		notes?: string;
		invitedBy?: { organizationId?: string; organizationName?: string; [key: string]: unknown };
		assistanceRequestCode?: string;
		[key: string]: unknown;
	};
	target?: Array<{ type?: string; id?: string; [key: string]: unknown }>;
	links?: { relatedReferrals?: ReferralLink; self?: ReferralLink; [key: string]: unknown };
	/** an opaque quoted string, e.g. "\"2500ec5a-0000-0000-0000-5bf4967d0000\"" */
	eTag?: string;
	[key: string]: unknown;
}

export interface SandboxOptions {
	/** default 0 (random free port); always bound to 127.0.0.1 */
	port?: number;
	/** generated referrals besides the documented example; default 50 */
	referralCount?: number;
	/** default 1; same seed => identical data */
	seed?: number;
	/** server page size, default 100 */
	pageSize?: number;
	/** access-token lifetime of the token endpoint, default 3600 */
	tokenLifetimeSeconds?: number;
	/**
	 * The sandbox's clock: the generated data is dated relative to it at start (created and updated
	 * in the past, open referrals closing in the future), it stamps every change, decides token
	 * expiry, the per-second limit and when a New referral expires (Closed / Expired at its
	 * expirationDateTime). Default: the machine's clock.
	 */
	now?: () => Date;
	/**
	 * Makes this many of the New incoming referrals (the first in store order) expire within 1 to
	 * 40 hours of the start, spread evenly, created 14 days before (default 0). More than the data
	 * holds is a RangeError. CLI: `--expiring-soon N`.
	 */
	expiringSoon?: number;
	/** default true */
	requireAuth?: boolean;
	/** the registered app's client id (default SANDBOX_CLIENT_ID) */
	clientId?: string;
	/** the registered app's client secret (default SANDBOX_CLIENT_SECRET) */
	clientSecret?: string;
	/**
	 * How `faults.latencyMs` is waited. Default: a timer (cancelled by close()).
	 * Inject one to observe or control latency in tests without wall-clock waits.
	 */
	sleep?: (ms: number) => Promise<void>;
	/** the shape of the referrals it answers with (default: every stamp with Z, status stamps written) */
	responses?: Partial<ResponseShape>;
	/** called once per finished HTTP request (used by the CLI for its access log) */
	onRequest?: (info: RequestLogEntry) => void;
}

/**
 * What the docs allow the service to answer, beyond their examples (see the API summary,
 * "Time stamps"): stamps without a zone, and no status stamps at all.
 */
export interface ResponseShape {
	/** every *DateTime field without its `Z` (`2026-12-01T10:00:00.0000000`), as a proxy or an older version may send */
	zonelessTimestamps: boolean;
	/** leave acceptedDateTime and closedDateTime out of every answer (the docs do not promise them) */
	omitStatusStamps: boolean;
	/** every referral id in upper case (a GUID is the same in any case; ids are stored in lower case) */
	upperCaseIds: boolean;
}

export interface RequestLogEntry {
	method: string;
	url: string;
	/** 0 when the connection was dropped without a response */
	status: number;
	durationMs: number;
}

export interface TokenSet {
	accessToken: string;
	refreshToken: string;
	expiresIn: number;
}

export interface FaultControls {
	/** added to every API response (default 0) */
	latencyMs: number;
	/** 0 = off; above this many in-flight API requests, answer 429 with Retry-After immediately */
	maxConcurrent: number;
	/** value of Retry-After on fault 429s (default 1) */
	retryAfterSeconds: number;
	/**
	 * 0 = off; at most this many API requests in any one second (a sliding window on the
	 * sandbox clock, `now`); above it 429 with Retry-After = the whole seconds until the oldest
	 * request of the window leaves it (at least 1). Refused requests do not count.
	 */
	maxPerSecond: number;
	/** next N API requests get this status (body default: the documented error shape) */
	failNext(count: number, status: number, body?: unknown, headers?: Record<string, string>): void;
	/** next N API requests get 200, application/json, and a truncated, unparseable body */
	malformedNext(count: number): void;
	/** next N API requests: socket destroyed without a response */
	dropNext(count: number): void;
	/** next N token requests: the token endpoint answers this sign-in failure as Microsoft Entra ID does (see SIGN_IN_FAILURES) */
	failSignInNext(count: number, failure: SignInFailureName): void;
}

export interface Counters {
	requests: number;
	throttled: number;
	peakConcurrency: number;
	inFlight: number;
	byMethod: Record<string, number>;
	tokenRequests: number;
	unauthorized: number;
}

export interface ReferralStoreApi {
	/** a copy of the stored referral */
	get(id: string): Referral | undefined;
	/** the stored referrals in store order (live snapshots: treat them as read-only) */
	all(): Referral[];
	create(partial: Partial<Referral> & Record<string, unknown>): Referral;
	update(id: string, changes: Record<string, unknown>): Referral;
	count(): number;
}

export interface Sandbox {
	/** e.g. http://127.0.0.1:43123 (no trailing slash): the "API Base URL" */
	url: string;
	tokenUrl: string;
	authorizeUrl: string;
	clientId: string;
	clientSecret: string;
	issueToken(lifetimeSeconds?: number): TokenSet;
	/**
	 * The data of a Partner Center OAuth2 API credential connected to this sandbox, as n8n stores
	 * it after Connect: API Base URL and token URL here, and a fresh token pair.
	 */
	signedInCredential(): Record<string, unknown> & { oauthTokenData: Record<string, unknown> };
	expireAccessTokens(): void;
	referrals: ReferralStoreApi;
	faults: FaultControls;
	/** the shape of the referrals it answers with, changeable at any time (resetFaults restores the options') */
	responses: ResponseShape;
	counters: Counters;
	resetCounters(): void;
	resetFaults(): void;
	close(): Promise<void>;
}
