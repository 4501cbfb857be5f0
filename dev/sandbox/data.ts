/**
 * Deterministic seeded referral data for the sandbox: the documented example referral plus N
 * generated ones. Everything derives from a mulberry32 PRNG and a reference instant (the
 * sandbox's clock when it starts; REFERENCE_DATE by default), so the same (count, seed, reference)
 * always yields identical data: dates relative to the reference, nothing from the wall clock.
 */
import { QUALIFICATIONS, SUBSTATUSES_BY_STATUS } from './model';
import type { Referral, ReferralDetails, ReferralMember } from './types';

/**
 * The default reference instant of generated data (the sandbox uses its clock at start instead):
 * created and updated stamps lie before it, open referrals close after it.
 */
export const REFERENCE_DATE = Date.UTC(2026, 0, 1);
/** An incoming referral expires this long after it was created, as Partner Center does (about 14 days). */
export const EXPIRY_MS = 14 * 86_400_000;
export const EXAMPLE_REFERRAL_ID = 'c5fbb3b6-be74-4795-9fb5-4324c73fed37';
export const EXAMPLE_ENGAGEMENT_ID = '65edc0b5-3485-41b7-a17e-dfa9ef4706e2';
/** The partner organization the sandbox plays (the one of the documented example). */
export const PARTNER_ORGANIZATION_ID = '7d23e5ca-19dc-4eaa-aac8-5e6b559f0d1d';
export const PARTNER_ORGANIZATION_NAME = 'Contoso Company';
export const MICROSOFT_ORGANIZATION_ID = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const API_ORIGIN = 'https://api.partner.microsoft.com';

const DAY_MS = 86_400_000;

// Built-ins used in hot paths, bound once: under jest (a vm context) every global lookup such as
// `Math.floor` goes through an interceptor and made generating 100k referrals ~4x slower.
const { floor, imul, min } = Math;
const { isFinite: isFiniteNumber } = Number;
const { freeze, isFrozen, values: objectValues } = Object;

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function hex8(n: number): string {
	return HEX[(n >>> 24) & 255] + HEX[(n >>> 16) & 255] + HEX[(n >>> 8) & 255] + HEX[n & 255];
}

/** mulberry32: tiny, fast, good enough for test data. */
export class Rng {
	private state: number;

	constructor(seed: number) {
		this.state = seed >>> 0;
	}

	uint32(): number {
		this.state = (this.state + 0x6d2b79f5) >>> 0;
		let t = this.state;
		t = imul(t ^ (t >>> 15), t | 1);
		t ^= t + imul(t ^ (t >>> 7), t | 61);
		return (t ^ (t >>> 14)) >>> 0;
	}

	/** [0, 1) */
	float(): number {
		return this.uint32() / 4294967296;
	}

	/** integer in [0, n) */
	int(n: number): number {
		return floor(this.float() * n);
	}

	pick<T>(items: readonly T[]): T {
		return items[this.int(items.length)];
	}

	chance(p: number): boolean {
		return this.float() < p;
	}

	/** a lowercase RFC 4122 version-4 GUID */
	guid(): string {
		const third = this.uint32();
		const h = hex8(this.uint32()) + hex8(this.uint32()) + hex8(third) + hex8(this.uint32());
		const variant = '89ab'[(third >>> 28) & 3];
		return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
	}

	/** an eTag shaped like the docs' `"2500ec5a-0000-0000-0000-5bf4967d0000"` (quotes included) */
	eTag(): string {
		return `"${hex8(this.uint32())}-0000-0000-0000-${hex8(this.uint32())}0000"`;
	}
}

const PAD2 = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const PAD3 = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
const dayCache = new Map<number, string>();

/** `YYYY-MM-DD` of a UTC day number (cached: Date#toISOString is the generator's hot spot) */
function dayString(day: number): string {
	let text = dayCache.get(day);
	if (text === undefined) {
		text = new Date(day * DAY_MS).toISOString().slice(0, 10);
		if (dayCache.size < 100_000) dayCache.set(day, text);
	}
	return text;
}

/** `2020-10-30T21:03:00.0000000Z` (7 fractional digits, like the docs) */
export function formatTimestamp(value: number | Date): string {
	const ms = floor(typeof value === 'number' ? value : value.getTime());
	if (!isFiniteNumber(ms)) throw new RangeError('Invalid time value');
	const day = floor(ms / DAY_MS);
	let rest = ms - day * DAY_MS;
	const hours = floor(rest / 3_600_000);
	rest -= hours * 3_600_000;
	const minutes = floor(rest / 60_000);
	rest -= minutes * 60_000;
	const seconds = floor(rest / 1000);
	const millis = rest - seconds * 1000;
	return `${dayString(day)}T${PAD2[hours]}:${PAD2[minutes]}:${PAD2[seconds]}.${PAD3[millis]}0000Z`;
}

/** `2020-12-01T00:00:00Z` (the docs' closingDateTime form) */
export function formatDay(ms: number): string {
	return `${dayString(floor(ms / DAY_MS))}T00:00:00Z`;
}

/**
 * Forces V8 to flatten a concatenated string. A template literal yields a tree of cons-strings;
 * with 100k referrals kept alive, those trees are most of the generator's GC work.
 */
function flat(text: string): string {
	text.charCodeAt(0);
	return text;
}

export function referralLinks(id: string, engagementId: string): NonNullable<Referral['links']> {
	return {
		relatedReferrals: {
			// the form seen in captured real data: `?` present, GUID unquoted
			uri: flat(`${API_ORIGIN}/v1.0/engagements/referrals?$filter=engagementId eq ${engagementId}`),
			method: 'GET',
		},
		self: { uri: flat(`${API_ORIGIN}/v1.0/engagements/referrals/${id}`), method: 'GET' },
	};
}

/** The documented "get a referral by id" example, exactly as shown (without `@odata.context`). */
export function exampleReferral(): Referral {
	return {
		id: EXAMPLE_REFERRAL_ID,
		engagementId: EXAMPLE_ENGAGEMENT_ID,
		organizationId: PARTNER_ORGANIZATION_ID,
		organizationName: PARTNER_ORGANIZATION_NAME,
		createdDateTime: '2020-10-30T21:03:00.0000000Z',
		updatedDateTime: '2020-10-30T21:03:00.0000000Z',
		status: 'New',
		substatus: 'Pending',
		qualification: 'Direct',
		type: 'Independent',
		direction: 'Incoming',
		customerProfile: {
			name: 'Fabrikam Customer Inc',
			address: {
				addressLine1: 'One Microsoft Way',
				addressLine2: '',
				city: 'Redmond',
				state: 'WA',
				postalCode: '98052',
				country: 'US',
			},
		},
		details: {
			notes:
				'We are interested in deploying Microsoft 365 and are looking forsupport in training our employees. Can you help?',
			dealValue: 10000,
			currency: 'USD',
			closingDateTime: '2020-12-01T00:00:00Z',
			requirements: {
				industries: [{ id: 'Education' }],
				products: [{ id: 'Microsoft365' }],
				services: [{ id: 'LearningAndCertification' }],
				solutions: [{ id: 'SOL-Microsoft365', name: 'Microsoft365' }],
			},
		},
		links: {
			relatedReferrals: {
				uri: "https://api.partner.microsoft.com/v1.0/engagements/referrals$filter=engagementId eq '65edc0b5-3485-41b7-a17e-dfa9ef4706e2'",
				method: 'GET',
			},
			self: {
				uri: 'https://api.partner.microsoft.com/v1.0/engagements/referralsc5fbb3b6-be74-4795-9fb5-4324c73fed37',
				method: 'GET',
			},
		},
		eTag: '"2500ec5a-0000-0000-0000-5bf4967d0000"',
	};
}

/** Every valid status/substatus pair of the transition table (model.ts), in its order. */
export const STATUS_PAIRS: ReadonlyArray<readonly [string, string]> = Object.entries(
	SUBSTATUSES_BY_STATUS,
).flatMap(([status, substatuses]) => substatuses.map((substatus) => [status, substatus] as const));
/** cumulative weights for STATUS_PAIRS after the first seven (guaranteed) referrals */
const STATUS_WEIGHTS = [0.25, 0.4, 0.65, 0.75, 0.85, 0.93, 1];

interface Location {
	country: string;
	currency: string;
	addressLine1: string;
	city: string;
	state: string;
	postalCode: string;
	region?: string;
	phonePrefix: string;
	locale: string;
}

export const COUNTRIES = ['US', 'GB', 'DE', 'FR', 'IN', 'JP', 'AU', 'BR', 'CA', 'NL'] as const;

const LOCATIONS: readonly Location[] = [
	{
		country: 'US',
		currency: 'USD',
		addressLine1: '400 Pine Street',
		city: 'Seattle',
		state: 'WA',
		postalCode: '98101',
		phonePrefix: '+1 206',
		locale: 'en-US',
	},
	{
		country: 'GB',
		currency: 'GBP',
		addressLine1: '2 Kingdom Street',
		city: 'London',
		state: '',
		postalCode: 'W2 6BD',
		region: 'England',
		phonePrefix: '+44 20',
		locale: 'en-GB',
	},
	{
		country: 'DE',
		currency: 'EUR',
		addressLine1: 'Walter-Gropius-Strasse 5',
		city: 'München',
		state: 'BY',
		postalCode: '80807',
		phonePrefix: '+49 89',
		locale: 'de-DE',
	},
	{
		country: 'FR',
		currency: 'EUR',
		addressLine1: '39 Quai du Président Roosevelt',
		city: 'Issy-les-Moulineaux',
		state: 'IDF',
		postalCode: '92130',
		phonePrefix: '+33 1',
		locale: 'fr-FR',
	},
	{
		country: 'IN',
		currency: 'INR',
		addressLine1: 'Embassy Golf Links',
		city: 'Bengaluru',
		state: 'KA',
		postalCode: '560071',
		phonePrefix: '+91 80',
		locale: 'en-IN',
	},
	{
		country: 'JP',
		currency: 'JPY',
		addressLine1: '2-16-3 Konan',
		city: 'Minato-ku',
		state: 'Tokyo',
		postalCode: '108-0075',
		phonePrefix: '+81 3',
		locale: 'ja-JP',
	},
	{
		country: 'AU',
		currency: 'AUD',
		addressLine1: '11 Talavera Road',
		city: 'Sydney',
		state: 'NSW',
		postalCode: '2113',
		phonePrefix: '+61 2',
		locale: 'en-AU',
	},
	{
		country: 'BR',
		currency: 'BRL',
		addressLine1: 'Av. Presidente Juscelino Kubitschek, 1909',
		city: 'São Paulo',
		state: 'SP',
		postalCode: '04543-907',
		phonePrefix: '+55 11',
		locale: 'pt-BR',
	},
	{
		country: 'CA',
		currency: 'CAD',
		addressLine1: '81 Bay Street',
		city: 'Toronto',
		state: 'ON',
		postalCode: 'M5J 0E7',
		phonePrefix: '+1 416',
		locale: 'en-CA',
	},
	{
		country: 'NL',
		currency: 'EUR',
		addressLine1: 'Evert van de Beekstraat 354',
		city: 'Schiphol',
		state: 'NH',
		postalCode: '1118 CZ',
		phonePrefix: '+31 20',
		locale: 'nl-NL',
	},
];

export const APOSTROPHE_CUSTOMER = "O'Brien Consulting";

const CUSTOMER_NAMES = [
	'Fabrikam Inc',
	'Northwind Traders',
	'Adventure Works Cycles',
	'Tailspin Toys',
	'Wide World Importers',
	'Litware Inc',
	'Proseware Inc',
	'Woodgrove Bank',
	'Alpine Ski House',
	'Coho Winery',
	'Lamna Healthcare',
	'Fourth Coffee',
	'Trey Research',
	'Relecloud',
	'Blue Yonder Airlines',
	'Graphic Design Institute',
	'Humongous Insurance',
	'Lucerne Publishing',
	"Margie's Travel",
	"Munson's Pickles and Preserves Farm",
	'Southridge Video',
	'VanArsdel Ltd',
	'Wingtip Toys',
	'First Up Consultants',
	APOSTROPHE_CUSTOMER,
];

/** the partner's sellers (team members of referrals) */
export const PARTNER_SELLERS: readonly ReferralMember[] = [
	['Megan', 'Bowen'],
	['Alex', 'Wilber'],
	['Adele', 'Vance'],
	['Diego', 'Siciliani'],
	['Grady', 'Archie'],
	['Isaiah', 'Langer'],
	['Johanna', 'Lorenz'],
	['Lee', 'Gu'],
	['Lidia', 'Holloway'],
	['Lynne', 'Robbins'],
	['Nestor', 'Wilke'],
	['Patti', 'Fernandez'],
].map(([firstName, lastName], i) => ({
	firstName,
	lastName,
	email: `${firstName.toLowerCase()}.${lastName.toLowerCase()}@contoso.com`,
	phoneNumber: `+1 425 555 01${String(10 + i)}`,
	title:
		i % 3 === 0
			? 'Account Executive'
			: i % 3 === 1
				? 'Solution Specialist'
				: 'Partner Development Manager',
}));

const CONTACT_NAMES: ReadonlyArray<readonly [string, string]> = [
	['Ana', 'Bowman'],
	['Ben', 'Miller'],
	['Chloé', 'Dubois'],
	['Daichi', 'Maruyama'],
	['Eva', 'Schmidt'],
	['Femi', 'Adeyemi'],
	['Gabriel', 'Silva'],
	['Hannah', 'Jansen'],
	['Priya', 'Sharma'],
	['Sean', "O'Neil"],
];
const CONTACT_LOCAL_PARTS = CONTACT_NAMES.map(([first, last]) => emailLocalPart(first, last));

const PRODUCTS = [
	'Microsoft365',
	'Azure',
	'Dynamics365',
	'PowerPlatform',
	'MicrosoftTeams',
	'Security',
];
const INDUSTRIES = [
	'Education',
	'Financial services',
	'Healthcare',
	'Manufacturing',
	'Retail',
	'Government',
];
const SERVICES = [
	'LearningAndCertification',
	'Migration',
	'ManagedServices',
	'Consulting',
	'Deployment',
];
const SOLUTIONS = [
	{ id: 'SOL-Microsoft365', name: 'Microsoft365' },
	{ id: 'SOL-AzureMigrate', name: 'Azure migration factory' },
	{ id: 'SOL-D365Sales', name: 'Dynamics 365 Sales accelerator' },
	{ id: 'SOL-PowerApps', name: 'Power Apps center of excellence' },
	{ id: 'SOL-ZeroTrust', name: 'Zero Trust security assessment' },
];
const NOTES = [
	'We are interested in deploying Microsoft 365 and are looking for support in training our employees. Can you help?',
	'Customer wants to migrate 200 VMs from on-premises to Azure before their data-center lease ends.',
	'Looking for a partner to roll out Dynamics 365 Sales to 150 sellers.',
	'Needs help building a Power Platform center of excellence.',
	'Security assessment requested after a phishing incident; Zero Trust roadmap wanted.',
	'Teams Phone rollout for 3 offices, including number porting.',
];
const ASSISTANCE_CODES = [
	'Unknown',
	'GeneralOrOther',
	'CustomerTechnicalArchitecture',
	'ProofOfConceptOrDemo',
	'QuotesOrLicensing',
	'PostSalesCustomerSuccess',
	'WorkloadSpecificValueProposition',
];
const SALES_STAGES = ['Qualify', 'Develop', 'Propose', 'Close'];
// Values for the newer fields (Microsoft's docs name their types but list no values): plausible stand-ins.
const REFERRAL_SOURCES = ['AzureMarketplace', 'AppSource', 'TestDrive'];
const CALLS_TO_ACTION = ['ContactMe', 'FreeTrial', 'GetItNow', 'TestDrive'];
const MARKETPLACE_INTENTS = ['Yes', 'No', 'Unknown'];
const REGISTRATION_STATUSES = ['Pending', 'Registered', 'Rejected'];
const TAGS = ['priority', 'co-sell', 'renewal', 'fy26', 'smb', 'enterprise'];
const STATUS_REASONS: Record<string, readonly string[]> = {
	Won: ['Contract signed', 'Customer purchased through CSP'],
	Lost: ['Lost to competitor', 'Budget cut', 'No decision'],
	Declined: ['Not a fit for our practice', 'Outside our region'],
	Expired: ['Not accepted within 14 days'],
};

function domainOf(name: string): string {
	return name.toLowerCase().replace(/[^a-z0-9]+/g, '') + '.com';
}

interface Customer {
	/** index into CUSTOMER_NAMES */
	nameIndex: number;
	name: string;
	domain: string;
	/** index into LOCATIONS */
	locationIndex: number;
	location: Location;
}

function pickCustomer(rng: Rng, group: number): Customer {
	const locationIndex = group < LOCATIONS.length ? group : rng.int(LOCATIONS.length);
	const nameIndex =
		group === 5 ? CUSTOMER_NAMES.indexOf(APOSTROPHE_CUSTOMER) : rng.int(CUSTOMER_NAMES.length);
	const name = CUSTOMER_NAMES[nameIndex];
	return {
		nameIndex,
		name,
		domain: domainOf(name),
		locationIndex,
		location: LOCATIONS[locationIndex],
	};
}

/** ASCII e-mail local part of a contact name (`Chloé O'Neil` -> `chloe.oneil`) */
function emailLocalPart(firstName: string, lastName: string): string {
	return `${firstName}.${lastName}`
		.normalize('NFD')
		.replace(/[^A-Za-z.]/g, '')
		.toLowerCase();
}

function deepFreeze<T>(value: T): T {
	if (value !== null && typeof value === 'object' && !isFrozen(value)) {
		freeze(value);
		for (const child of objectValues(value as object)) deepFreeze(child);
	}
	return value;
}

function hashString(text: string): number {
	let h = 2166136261;
	for (let i = 0; i < text.length; i++) h = imul(h ^ text.charCodeAt(i), 16777619);
	return h >>> 0;
}

/**
 * Immutable sub-objects shared between generated referrals (frozen, so an accidental in-place
 * mutation throws). This keeps 100k referrals cheap to build; every store write path clones
 * before changing anything, so sharing is invisible through the API.
 */
class PartCache<T> {
	private readonly values = new Map<number, T>();

	get(key: number, build: () => T): T {
		let value = this.values.get(key);
		if (value === undefined) {
			value = deepFreeze(build());
			this.values.set(key, value);
		}
		return value;
	}
}

class SharedParts {
	readonly names = new PartCache<string>();
	readonly consents = new PartCache<NonNullable<Referral['consent']>>();
	readonly requirements = new PartCache<NonNullable<ReferralDetails['requirements']>>();
	readonly invites = new PartCache<NonNullable<Referral['inviteContext']>>();
	readonly targets = new PartCache<NonNullable<Referral['target']>>();
	readonly tags = new PartCache<string[]>();
	private readonly profiles = new PartCache<NonNullable<Referral['customerProfile']>>();
	private readonly teams = new PartCache<ReferralMember[]>();

	customerProfile(
		customer: Customer,
		contactMask: number,
	): NonNullable<Referral['customerProfile']> {
		const key =
			(customer.nameIndex * LOCATIONS.length + customer.locationIndex) * 1024 + contactMask;
		return this.profiles.get(key, () => {
			const { location } = customer;
			const team: ReferralMember[] = [];
			for (let contact = 0; contact < CONTACT_NAMES.length; contact++) {
				if ((contactMask & (1 << contact)) === 0) continue;
				const [firstName, lastName] = CONTACT_NAMES[contact];
				const phone = 1000 + (hashString(`${customer.name}|${contact}`) % 9000);
				team.push({
					firstName,
					lastName,
					email: `${CONTACT_LOCAL_PARTS[contact]}@${customer.domain}`,
					phoneNumber: `${location.phonePrefix} 555 ${phone}`,
					contactPreference: { locale: location.locale, disableNotifications: false },
				});
			}
			const duns = hashString(customer.name);
			return {
				name: customer.name,
				address: {
					addressLine1: location.addressLine1,
					addressLine2: '',
					city: location.city,
					state: location.state,
					postalCode: location.postalCode,
					...(location.region ? { region: location.region } : {}),
					country: location.country,
				},
				team,
				...(duns % 3 === 0
					? { ids: [{ profileType: 'Duns', id: `${100000000 + (duns % 899999999)}` }] }
					: {}),
			};
		});
	}

	/** size 0..3 */
	team(start: number, size: number): ReferralMember[] {
		return this.teams.get(start * 4 + size, () => {
			const team: ReferralMember[] = [];
			for (let k = 0; k < size; k++)
				team.push({ ...PARTNER_SELLERS[(start + k * 5) % PARTNER_SELLERS.length] });
			return team;
		});
	}
}

function makeReferral(
	rng: Rng,
	parts: SharedParts,
	index: number,
	engagementId: string,
	customer: Customer,
	shared: boolean,
	groupPosition: number,
	reference: number,
): Referral {
	const id = flat(rng.guid());
	const { location } = customer;
	const pair =
		index < STATUS_PAIRS.length ? STATUS_PAIRS[index] : STATUS_PAIRS[weightedIndex(rng.float())];
	const [status, substatus] = pair;
	const direction = index === 4 ? 'Outgoing' : rng.chance(0.12) ? 'Outgoing' : 'Incoming';
	const type = shared
		? 'Shared'
		: index === 2
			? 'Independent'
			: rng.chance(0.3)
				? 'Shared'
				: 'Independent';
	const qualification =
		index < QUALIFICATIONS.length ? QUALIFICATIONS[index] : rng.pick(QUALIFICATIONS);

	const incoming = direction === 'Incoming';
	// New referrals arrived in the last 13 days (an incoming one is still open for at least a
	// day); an expired one arrived at least 14 days ago; the rest over the past year.
	const age = rng.float();
	const created =
		status === 'New'
			? reference - floor(age * 13 * DAY_MS)
			: incoming && substatus === 'Expired'
				? reference - EXPIRY_MS - floor(age * 351 * DAY_MS)
				: reference - floor(age * 365 * DAY_MS);
	const change = rng.float();
	// an expired referral last changed when it expired; a declined incoming one before it would have
	const updated =
		incoming && substatus === 'Expired'
			? created + EXPIRY_MS
			: created +
				floor(
					change *
						min(
							reference - created,
							incoming && substatus === 'Declined' ? 13 * DAY_MS : 60 * DAY_MS,
						),
				);
	// an incoming referral is accepted before it expires
	const answered = incoming ? min(updated, created + 13 * DAY_MS) : updated;
	const productIndex = rng.int(PRODUCTS.length);
	const product = PRODUCTS[productIndex];
	const solutionIndex = rng.int(SOLUTIONS.length);
	const solution = SOLUTIONS[solutionIndex];
	const industryIndex = rng.int(INDUSTRIES.length);
	const serviceIndex = rng.int(SERVICES.length);
	const dealNumber = (10 + rng.int(990)) * 500;
	const currency = rng.chance(0.2) ? 'USD' : location.currency;
	// up to two customer contacts
	const contactCount = rng.int(3);
	let contactMask = 0;
	for (let k = 0; k < contactCount; k++) contactMask |= 1 << rng.int(CONTACT_NAMES.length);

	const referral: Referral = {
		id,
		engagementId,
		name: parts.names.get(
			customer.nameIndex * PRODUCTS.length + productIndex,
			() => `${product} for ${customer.name}`,
		),
	};
	if (rng.chance(0.4)) referral.externalReferenceId = `CRM-${100000 + rng.int(900000)}`;
	referral.organizationId = PARTNER_ORGANIZATION_ID;
	referral.organizationName = PARTNER_ORGANIZATION_NAME;
	referral.createdDateTime = flat(formatTimestamp(created));
	referral.updatedDateTime = flat(formatTimestamp(updated));
	if (incoming) referral.expirationDateTime = flat(formatTimestamp(created + EXPIRY_MS));
	if (status === 'Active' || substatus === 'Won' || substatus === 'Lost') {
		referral.acceptedDateTime = flat(formatTimestamp(created + floor((answered - created) / 2)));
	}
	referral.status = status;
	referral.substatus = substatus;
	if (status === 'Closed') referral.statusReason = rng.pick(STATUS_REASONS[substatus]);
	referral.qualification = qualification;
	referral.type = type;
	referral.direction = direction;
	referral.customerProfile = parts.customerProfile(customer, contactMask);
	const consentBits =
		(rng.chance(0.7) ? 1 : 0) | (rng.chance(0.9) ? 2 : 0) | (rng.chance(0.85) ? 4 : 0);
	referral.consent = parts.consents.get(consentBits, () => ({
		consentToToShareInfoWithOthers: (consentBits & 1) !== 0,
		consentToContact: (consentBits & 2) !== 0,
		consentToShareReferralWithMicrosoftSellers: (consentBits & 4) !== 0,
	}));
	referral.details = {
		notes: rng.pick(NOTES),
		// a few deal values arrive as strings in real data
		dealValue: rng.chance(0.06) || index === 3 ? `${dealNumber}` : dealNumber,
		currency,
		// open referrals (New, Active) close in the future
		closingDateTime: flat(
			formatDay((status === 'Active' ? reference : created) + (30 + rng.int(150)) * DAY_MS),
		),
		requirements: parts.requirements.get(
			((industryIndex * PRODUCTS.length + productIndex) * SERVICES.length + serviceIndex) *
				SOLUTIONS.length +
				solutionIndex,
			() => ({
				industries: [{ id: INDUSTRIES[industryIndex] }],
				products: [{ id: product }],
				services: [{ id: SERVICES[serviceIndex] }],
				solutions: [{ ...solution }],
			}),
		),
	};
	referral.team = rng.chance(0.1)
		? parts.team(0, 0)
		: parts.team(rng.int(PARTNER_SELLERS.length), 1 + rng.int(3));
	if (direction === 'Incoming') {
		const codeIndex = rng.int(ASSISTANCE_CODES.length);
		referral.inviteContext = parts.invites.get(codeIndex, () => ({
			notes: 'Referred by Microsoft',
			invitedBy: { organizationId: MICROSOFT_ORGANIZATION_ID, organizationName: 'Microsoft' },
			assistanceRequestCode: ASSISTANCE_CODES[codeIndex],
		}));
	}
	if (type === 'Shared') {
		referral.target =
			groupPosition === 0
				? parts.targets.get(solutionIndex, () => [{ type: 'SolutionProfile', id: solution.id }])
				: parts.targets.get(-1, () => [{ type: 'BusinessProfileLocation', id: 'msft' }]);
	}
	// unknown extra fields the real service sometimes returns
	if (index === 6 || rng.chance(0.1)) referral.salesStage = rng.pick(SALES_STAGES);
	if (index === 8 || rng.chance(0.05)) {
		const first = rng.int(TAGS.length);
		const second = rng.int(TAGS.length);
		referral.tags = parts.tags.get(first * TAGS.length + second, () =>
			first === second ? [TAGS[first]] : [TAGS[first], TAGS[second]],
		);
	}
	newerFields(referral, index);
	referral.links = referralLinks(id, engagementId);
	referral.eTag = flat(rng.eTag());
	return referral;
}

/**
 * The fields of newer API versions, on some referrals only (the docs promise none of them):
 * marketplace leads (incoming, MarketingQualified) mostly carry referralSource, callToAction and
 * customerMarketplaceIntent; some shared deals a registrationStatus and campaignId; most closed
 * referrals their closedDateTime. Drawn from the referral's own id, not the data's generator, so
 * every other field of every referral stays what the seed gave before these fields existed.
 * From 11 referrals on, index 7 is sure to carry the marketplace fields and index 9 the rest.
 */
function newerFields(referral: Referral, index: number): void {
	const rng = new Rng(hashString(referral.id));
	const lead = referral.direction === 'Incoming' && referral.qualification === 'MarketingQualified';
	if (index === 7 || (lead && rng.chance(0.8))) {
		referral.referralSource = rng.pick(REFERRAL_SOURCES);
		referral.callToAction = rng.pick(CALLS_TO_ACTION);
		if (index === 7 || rng.chance(0.6))
			referral.customerMarketplaceIntent = rng.pick(MARKETPLACE_INTENTS);
	}
	if (index === 9 || (referral.type === 'Shared' && rng.chance(0.5))) {
		referral.registrationStatus = rng.pick(REGISTRATION_STATUSES);
		referral.campaignId = `CMP-${String(10000 + rng.int(90000))}`;
	}
	if (referral.status === 'Closed' && rng.chance(0.8))
		referral.closedDateTime = referral.updatedDateTime;
}

function weightedIndex(x: number): number {
	for (let i = 0; i < STATUS_WEIGHTS.length; i++) if (x < STATUS_WEIGHTS[i]) return i;
	return STATUS_WEIGHTS.length - 1;
}

/**
 * `count` generated referrals (not including the documented example). From count >= 11 the data
 * is guaranteed to cover every status/substatus pair, both types, every qualification, both
 * directions, all ten countries, a dealValue string, extra unknown fields and the customer
 * "O'Brien Consulting"; referrals 0-1 share one engagement, later groups of 2-4 appear at random.
 */
export function generateReferrals(count: number, seed = 1, reference = REFERENCE_DATE): Referral[] {
	const rng = new Rng(seed);
	const parts = new SharedParts();
	const out: Referral[] = [];
	let index = 0;
	let group = 0;
	while (index < count) {
		let size = group === 0 ? 2 : group <= 10 ? 1 : rng.chance(0.1) ? 2 + rng.int(3) : 1;
		size = min(size, count - index);
		const engagementId = flat(rng.guid());
		const customer = pickCustomer(rng, group);
		group++;
		for (let g = 0; g < size; g++) {
			out.push(makeReferral(rng, parts, index, engagementId, customer, size > 1, g, reference));
			index++;
		}
	}
	return out;
}

/**
 * The sandbox's initial data: the documented example first (exactly as the docs show it, with
 * their 2020 dates and no expirationDateTime), then the generated referrals, dated relative to
 * `reference`.
 */
export function generateDataset(count = 50, seed = 1, reference = REFERENCE_DATE): Referral[] {
	return [exampleReferral(), ...generateReferrals(count, seed, reference)];
}

/** Hours until the expiry of the `index`-th of `count` referrals made to expire soon: spread over 1–40. */
export function expiringSoonHours(index: number, count: number): number {
	return 1 + floor((39 * (index + 1)) / (count + 1));
}

/**
 * Makes the first `count` New incoming referrals of `data` (in store order; those with an
 * expirationDateTime) expire soon after `reference`: within 1 to 40 hours, spread evenly
 * (expiringSoonHours), created 14 days before that expiry. Returns them; throws a RangeError when
 * `data` holds fewer.
 */
export function makeExpiringSoon(data: Referral[], count: number, reference: number): Referral[] {
	if (!Number.isInteger(count) || count < 0)
		throw new RangeError(`expiringSoon must be a non-negative integer, got ${count}`);
	const waiting = data.filter(
		(referral) =>
			referral.status === 'New' &&
			referral.direction === 'Incoming' &&
			referral.expirationDateTime !== undefined,
	);
	if (count > waiting.length) {
		throw new RangeError(
			`expiringSoon ${count} is more than the ${waiting.length} New incoming referrals of the data: ask for more referrals (referralCount) or fewer expiring soon`,
		);
	}
	return waiting.slice(0, count).map((referral, index) => {
		const expiry = reference + expiringSoonHours(index, count) * 3_600_000;
		referral.expirationDateTime = flat(formatTimestamp(expiry));
		referral.createdDateTime = flat(formatTimestamp(expiry - EXPIRY_MS));
		referral.updatedDateTime = referral.createdDateTime;
		return referral;
	});
}

/** A new incoming referral as Microsoft would send it (direct store access, no HTTP). */
export function incomingReferral(
	overrides: Partial<Referral> & Record<string, unknown> = {},
): Partial<Referral> & Record<string, unknown> {
	return {
		name: 'Microsoft 365 rollout',
		type: 'Independent',
		qualification: 'MarketingQualified',
		direction: 'Incoming',
		status: 'New',
		substatus: 'Pending',
		customerProfile: { name: 'Tailwind Traders', address: { city: 'Berlin', country: 'DE' } },
		details: {
			dealValue: 48000,
			currency: 'EUR',
			closingDateTime: '2026-09-30T00:00:00Z',
			notes: 'Needs a rollout plan.',
		},
		...overrides,
	};
}
