/**
 * Integration set-up: the nodes run through the real n8n engine (dev/harness) and talk real
 * HTTP to the Partner Center sandbox (dev/sandbox) on 127.0.0.1, signed in with an OAuth2
 * credential that points at the sandbox's API and token endpoint.
 */
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	INodeExecutionData,
	INodeParameters,
} from 'n8n-workflow';

import type { Referral, Sandbox, SandboxOptions } from '../../dev/sandbox';
import { startSandbox } from '../../dev/sandbox';
import { PartnerCenterReferral } from '../../nodes/PartnerCenterReferral/PartnerCenterReferral.node';
import { PartnerCenterReferralTrigger } from '../../nodes/PartnerCenterReferral/PartnerCenterReferralTrigger.node';
import type { CredentialUpdate, NodeSpec, PollSpec, RunOptions } from '../../dev/harness';
import { runNode, runPoll } from '../../dev/harness';
import { FiredItems } from '../../dev/workflows';
import { timing } from '../../nodes/PartnerCenterReferral/shared/timing';

export { incomingReferral } from '../../dev/sandbox';

export const CREDENTIAL_TYPE = 'partnerCenterOAuth2Api';
export { EXAMPLE_ENGAGEMENT_ID, EXAMPLE_REFERRAL_ID as EXAMPLE_ID } from '../../dev/sandbox/data';

export const byId = (id: string): INodeParameters => ({ __rl: true, mode: 'id', value: id });

export class SandboxSession {
	credentials: ICredentialDataDecryptedObject;

	constructor(readonly sandbox: Sandbox) {
		this.credentials = {};
		this.signIn();
	}

	/** Issues a fresh token pair, as if the user reconnected the credential. */
	signIn(): void {
		this.credentials = this.sandbox.signedInCredential() as ICredentialDataDecryptedObject;
	}

	/** Keeps what n8n persisted (a refreshed token), as n8n's credential store does. */
	keep(updates: CredentialUpdate[]): void {
		const latest = updates.filter((update) => update.type === CREDENTIAL_TYPE).at(-1);
		if (latest)
			this.credentials = { ...this.credentials, oauthTokenData: latest.data.oauthTokenData };
	}

	get accessToken(): string {
		return String((this.credentials.oauthTokenData as IDataObject).access_token);
	}

	options(): RunOptions {
		return {
			nodeTypes: [
				new PartnerCenterReferral(),
				new PartnerCenterReferralTrigger(),
				new FiredItems(),
			],
			credentials: { [CREDENTIAL_TYPE]: this.credentials },
		};
	}

	/** Runs the Partner Center Referral node once over `items` (one empty item by default). */
	async run(
		parameters: INodeParameters,
		spec: Partial<Omit<NodeSpec, 'type' | 'parameters'>> = {},
	) {
		const result = await runNode(
			{
				type: 'partnerCenterReferral',
				parameters: { resource: 'referral', ...parameters },
				...spec,
			},
			this.options(),
		);
		this.keep(result.credentialUpdates);
		return result;
	}

	/** One poll of the trigger (mode 'trigger' unless told otherwise). */
	async poll(parameters: INodeParameters, staticData: IDataObject, spec: Partial<PollSpec> = {}) {
		const result = await runPoll(
			{ type: 'partnerCenterReferralTrigger', parameters, mode: 'trigger', staticData, ...spec },
			this.options(),
		);
		this.keep(result.credentialUpdates);
		return result;
	}

	async close(): Promise<void> {
		await this.sandbox.close();
	}
}

export async function openSandbox(options: SandboxOptions = {}): Promise<SandboxSession> {
	return new SandboxSession(await startSandbox({ referralCount: 60, seed: 7, ...options }));
}

/**
 * The sandbox of the trigger tests, on a simulated clock (`clock.ms`) that drives both its
 * timestamps and the trigger's `timing.now()`. Opened once per test file; before each test its
 * faults and counters are reset, retries do not wait, and the clock moves a day on, so every
 * test starts after everything earlier tests wrote. Tokens outlive the simulated days (expiry is
 * tested on purpose where it matters).
 */
export function useSimulatedClockSandbox(
	start: number,
	options: SandboxOptions,
): { clock: { ms: number }; readonly session: SandboxSession } {
	const clock = { ms: start };
	let session: SandboxSession | undefined;
	beforeAll(async () => {
		session = await openSandbox({
			...options,
			now: () => new Date(clock.ms),
			tokenLifetimeSeconds: 90 * 86_400,
		});
	});
	afterAll(async () => {
		await session?.close();
	});
	beforeEach(() => {
		opened().sandbox.resetFaults();
		opened().sandbox.resetCounters();
		jest.spyOn(timing, 'now').mockImplementation(() => clock.ms);
		jest.spyOn(timing, 'sleep').mockResolvedValue();
		clock.ms += 24 * 60 * 60_000;
	});
	afterEach(() => {
		jest.restoreAllMocks();
	});
	const opened = (): SandboxSession => {
		if (!session) throw new Error('The sandbox is opened in beforeAll: use it inside tests');
		return session;
	};
	return {
		clock,
		get session() {
			return opened();
		},
	};
}

export const json = (items: INodeExecutionData[]): IDataObject[] => items.map((item) => item.json);

export const ids = (items: INodeExecutionData[]): string[] =>
	items.map((item) => String(item.json.id));

/** PATCH requests the sandbox received so far. */
export const patches = (sandbox: Sandbox): number => sandbox.counters.byMethod.PATCH ?? 0;

/**
 * The referrals the sandbox itself closed as Closed / Expired after `from` and up to `to` (ms, its
 * clock), oldest first: seeded New referrals expire 1 to 14 days after the sandbox starts, and a
 * trigger reports that change like any other.
 */
export function expiredBetween(sandbox: Sandbox, from: number, to: number): Referral[] {
	return sortedBy(
		sandbox.referrals.all().filter((referral) => {
			const at = Date.parse(String(referral.updatedDateTime));
			return referral.substatus === 'Expired' && at > from && at <= to;
		}),
		'updatedDateTime',
		false,
	);
}

/** Store order by `field` like the service: the field, then the id (lower-case) as a tie-break. */
export function sortedBy(
	referrals: Referral[],
	field: 'createdDateTime' | 'updatedDateTime',
	descending: boolean,
): Referral[] {
	return [...referrals].sort((a, b) => {
		const x = Date.parse(String(a[field]));
		const y = Date.parse(String(b[field]));
		if (x !== y) return (x < y ? -1 : 1) * (descending ? -1 : 1);
		return a.id.toLowerCase() < b.id.toLowerCase() ? -1 : 1;
	});
}
