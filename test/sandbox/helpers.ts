import type { Sandbox } from '../../dev/sandbox';

export const REFERRALS_PATH = '/v1.0/engagements/referrals';

export interface JsonResponse<T = Record<string, unknown>> {
	status: number;
	headers: Headers;
	body: T;
}

export interface ListPage {
	'@odata.context': string;
	'@odata.count'?: number;
	'@odata.nextLink'?: string;
	value: Array<Record<string, unknown> & { id: string }>;
}

/** `$filter=...&$top=...` encoded with %20 for spaces */
export function query(params: Record<string, string | number>): string {
	return Object.entries(params)
		.map(([key, value]) => `${key}=${encodeURIComponent(String(value))}`)
		.join('&');
}

export class Client {
	constructor(
		readonly sandbox: Sandbox,
		public token: string = sandbox.issueToken().accessToken,
	) {}

	fetch(path: string, init: RequestInit = {}): Promise<Response> {
		const headers = new Headers(init.headers);
		if (!headers.has('Authorization') && this.token !== '')
			headers.set('Authorization', `Bearer ${this.token}`);
		return fetch(path.startsWith('http') ? path : `${this.sandbox.url}${path}`, {
			...init,
			headers,
		});
	}

	async json<T = Record<string, unknown>>(
		path: string,
		init: RequestInit = {},
	): Promise<JsonResponse<T>> {
		const response = await this.fetch(path, init);
		const text = await response.text();
		return {
			status: response.status,
			headers: response.headers,
			body: (text === '' ? undefined : JSON.parse(text)) as T,
		};
	}

	list(params: Record<string, string | number> = {}): Promise<JsonResponse<ListPage>> {
		const q = query(params);
		return this.json<ListPage>(`${REFERRALS_PATH}${q ? `?${q}` : ''}`);
	}

	/** follows @odata.nextLink verbatim until the last page */
	async listAll(
		params: Record<string, string | number> = {},
	): Promise<{ ids: string[]; pages: ListPage[] }> {
		const pages: ListPage[] = [];
		let response = await this.list(params);
		for (;;) {
			if (response.status !== 200)
				throw new Error(`list failed: ${response.status} ${JSON.stringify(response.body)}`);
			pages.push(response.body);
			const next = response.body['@odata.nextLink'];
			if (!next) break;
			response = await this.json<ListPage>(next);
		}
		return { ids: pages.flatMap((page) => page.value.map((item) => item.id)), pages };
	}

	patch(
		id: string,
		operations: unknown,
		headers: Record<string, string> = {},
	): Promise<JsonResponse> {
		return this.json(`${REFERRALS_PATH}/${id}`, {
			method: 'PATCH',
			headers: { 'Content-Type': 'application/json', ...headers },
			body: JSON.stringify(operations),
		});
	}

	post(body: unknown): Promise<JsonResponse> {
		return this.json(REFERRALS_PATH, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: typeof body === 'string' ? body : JSON.stringify(body),
		});
	}

	put(id: string, body: unknown, headers: Record<string, string> = {}): Promise<JsonResponse> {
		return this.json(`${REFERRALS_PATH}/${id}`, {
			method: 'PUT',
			headers: { 'Content-Type': 'application/json', ...headers },
			body: JSON.stringify(body),
		});
	}
}

/** a controllable clock for `now` */
export function manualClock(start = '2026-03-01T12:00:00.000Z'): {
	now: () => Date;
	set(iso: string): void;
	advance(ms: number): void;
} {
	let current = Date.parse(start);
	return {
		now: () => new Date(current),
		set(iso: string) {
			current = Date.parse(iso);
		},
		advance(ms: number) {
			current += ms;
		},
	};
}

/** a minimal valid create body */
export function newReferralBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
	return {
		name: 'Sandbox test referral',
		type: 'Independent',
		qualification: 'SalesQualified',
		customerProfile: {
			name: 'Test Customer Ltd',
			address: {
				addressLine1: '1 Test Street',
				city: 'Leeds',
				postalCode: 'LS1 1AA',
				country: 'GB',
			},
			team: [
				{
					firstName: 'Tess',
					lastName: 'Tester',
					email: 'tess@testcustomer.example',
					phoneNumber: '+44 113 555 0100',
				},
			],
		},
		consent: {
			consentToToShareInfoWithOthers: true,
			consentToContact: true,
			consentToShareReferralWithMicrosoftSellers: true,
		},
		details: {
			notes: 'Needs a Teams rollout',
			dealValue: 12000,
			currency: 'GBP',
			closingDateTime: '2026-06-30T00:00:00Z',
		},
		team: [{ firstName: 'Megan', lastName: 'Bowen', email: 'megan.bowen@contoso.com' }],
		...overrides,
	};
}

export const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
export const ANY_GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const ETAG_RE = /^"[0-9a-f]{8}-0000-0000-0000-[0-9a-f]{8}0000"$/;
export const TIMESTAMP_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z$/;
