/** Partner Center Referrals API sandbox: public API (dev-only). */
export {
	startSandbox,
	FaultState,
	ENTITY_CONTEXT,
	COLLECTION_CONTEXT,
	parseOrderBy,
} from './server';
export type {
	Counters,
	FaultControls,
	Referral,
	ReferralAddress,
	ReferralConsent,
	ReferralCustomerProfile,
	ReferralDetails,
	ReferralDirection,
	ReferralMember,
	ReferralQualification,
	ReferralStatus,
	ReferralStoreApi,
	ReferralSubstatus,
	ReferralType,
	RequestLogEntry,
	ResponseShape,
	Sandbox,
	SandboxOptions,
	SignInFailureName,
	TokenSet,
} from './types';
export {
	API_ORIGIN,
	APOSTROPHE_CUSTOMER,
	COUNTRIES,
	EXAMPLE_ENGAGEMENT_ID,
	EXAMPLE_REFERRAL_ID,
	PARTNER_ORGANIZATION_ID,
	PARTNER_ORGANIZATION_NAME,
	PARTNER_SELLERS,
	REFERENCE_DATE,
	STATUS_PAIRS,
	Rng,
	exampleReferral,
	formatTimestamp,
	generateDataset,
	generateReferrals,
	incomingReferral,
} from './data';
export {
	compileFilter,
	evaluateFilter,
	FilterSyntaxError,
	parseFilter,
	parseInstant,
	type FilterNode,
} from './odata';
export {
	ApiError,
	READ_ONLY_FIELDS,
	STATUS_TRANSITIONS,
	SUBSTATUSES_BY_STATUS,
	applyJsonPatch,
	checkTransition,
} from './model';
export { SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, SIGN_IN_FAILURES, TOKEN_SCOPE } from './auth';
export { parseArgs as parseCliArgs } from './cli';
