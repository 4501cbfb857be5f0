/** Names and enums shared by the nodes, the transport and the descriptions. */

export const CREDENTIAL_TYPE = 'partnerCenterOAuth2Api';

export const DEFAULT_BASE_URL = 'https://api.partner.microsoft.com';

export const REFERRALS_PATH = '/v1.0/engagements/referrals';

/** The service answers at most this many referrals a page. */
export const MAX_PAGE_SIZE = 100;

/** Max Concurrent Requests when the user leaves it out: the ceiling of the adaptive pool (transport/pool.ts). */
export const DEFAULT_MAX_CONCURRENT = 32;

/** The highest Max Concurrent Requests the option accepts. */
export const MAX_CONCURRENT = 50;

/** Requests the adaptive pool allows at once before the first answer; it grows from here. */
export const START_CONCURRENT = 5;

export const GUID_PATTERN =
	'[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';

export const EXAMPLE_REFERRAL_ID = 'c5fbb3b6-be74-4795-9fb5-4324c73fed37';

export const STATUSES = ['None', 'New', 'Active', 'Closed'] as const;
export const SUBSTATUSES = [
	'None',
	'Pending',
	'Received',
	'Accepted',
	'Won',
	'Lost',
	'Declined',
	'Expired',
] as const;
export const TYPES = ['Independent', 'Shared'] as const;
export const QUALIFICATIONS = ['None', 'Direct', 'MarketingQualified', 'SalesQualified'] as const;
export const DIRECTIONS = ['Incoming', 'Outgoing'] as const;

export type ReferralStatus = (typeof STATUSES)[number];
export type ReferralSubstatus = (typeof SUBSTATUSES)[number];

/**
 * Partner Center's Referrals workspace, the portal page Microsoft's docs link to. They document
 * no link to one referral, so the editor's "From List" entries open this page (and the node's
 * output carries no portal link that could stop working unannounced).
 */
export const PORTAL_REFERRALS_URL = 'https://partner.microsoft.com/dashboard/referrals/v2/leads';
