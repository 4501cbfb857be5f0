/**
 * Bench scenario of Status Changed's status memory: 10,000 referrals that can still move
 * (New or Active) besides closed ones, a service that stamps no acceptedDateTime or
 * closedDateTime. Measures the activation poll (the one listing that builds the memory: wall
 * time, requests), the size of the static data it leaves, a quiet poll after it, and checks
 * that a move of a referral that existed before activation fires once.
 *
 * The sandbox runs in this process without latency, on a simulated clock the trigger shares:
 * the wall times are the node's, n8n's engine's and the sandbox's CPU; against Partner Center
 * each of the 100 pages adds its latency (the table says how much at 200 ms a page).
 */
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

// `.js`: tsx would otherwise resolve `X.node` to the codex file `X.node.json`
import { PartnerCenterReferralTrigger } from '../../nodes/PartnerCenterReferral/PartnerCenterReferralTrigger.node.js';
import { MAX_OPEN } from '../../nodes/PartnerCenterReferral/trigger/changes';
import { timing } from '../../nodes/PartnerCenterReferral/shared/timing';
import { runPoll, type RunOptions } from '../harness';
import { startSandbox } from '../sandbox';
import { REFERENCE_DATE } from '../sandbox/data';

const OPEN_REFERRALS = 10_000;
const CLOSED_REFERRALS = 2_000;
const MINUTE = 60_000;
const STATE_KEY = 'node:Partner Center Referral Trigger';
/** A page's latency against the real service, for the estimate in the table. */
const PAGE_LATENCY_MS = 200;

export interface StatusMemoryResult {
	openReferrals: number;
	closedReferrals: number;
	/** referrals that can still move in the sandbox (the generated ones and its documented example) */
	openInSandbox: number;
	/** the activation poll: wall time and requests (the status memory's listing and the first window) */
	activationMs: number;
	activationRequests: number;
	/** static data after activation (JSON bytes), and referrals in the status memory */
	stateBytes: number;
	remembered: number;
	/** a poll with nothing changed, after activation */
	quietPollMs: number;
	quietPollRequests: number;
	/** items fired by the poll after one pre-existing Active/Accepted referral was won (want 1) */
	firedOnMove: number;
	maxOpen: number;
}

export async function statusMemoryScenario(): Promise<StatusMemoryResult> {
	let clock = REFERENCE_DATE + 60 * 24 * 60 * MINUTE;
	const sandbox = await startSandbox({
		referralCount: 0,
		pageSize: 100,
		seed: 3,
		now: () => new Date(clock),
		tokenLifetimeSeconds: 30 * 86_400,
		responses: { omitStatusStamps: true },
	});
	const originalNow = timing.now;
	timing.now = () => clock;
	try {
		const created = clock - 30 * 24 * 60 * MINUTE;
		const pairs = [
			['New', 'Pending'],
			['New', 'Received'],
			['Active', 'Accepted'],
		];
		const open: string[] = [];
		for (let n = 0; n < OPEN_REFERRALS; n++) {
			const [status, substatus] = pairs[n % pairs.length];
			const stamp = new Date(created + n * 1000).toISOString();
			open.push(
				sandbox.referrals.create({
					name: `Open ${n}`,
					status,
					substatus,
					createdDateTime: stamp,
					updatedDateTime: stamp,
				}).id,
			);
		}
		for (let n = 0; n < CLOSED_REFERRALS; n++) {
			const stamp = new Date(created + n * 1000).toISOString();
			sandbox.referrals.create({
				name: `Closed ${n}`,
				status: 'Closed',
				substatus: 'Lost',
				createdDateTime: stamp,
				updatedDateTime: stamp,
			});
		}
		const options: RunOptions = {
			nodeTypes: [new PartnerCenterReferralTrigger()],
			credentials: {
				partnerCenterOAuth2Api: sandbox.signedInCredential() as ICredentialDataDecryptedObject,
			},
		};
		const staticData: IDataObject = {};
		const spec = {
			type: 'partnerCenterReferralTrigger',
			parameters: { event: 'statusChanged', filters: {}, options: {} },
			staticData,
		};
		const poll = async () => {
			sandbox.resetCounters();
			const started = performance.now();
			const { items } = await runPoll(spec, options);
			return {
				items: items ?? [],
				ms: performance.now() - started,
				requests: sandbox.counters.requests,
			};
		};

		const openInSandbox = sandbox.referrals
			.all()
			.filter((referral) => referral.status !== 'Closed').length;
		const activation = await poll();
		const state = (staticData[STATE_KEY] as IDataObject).referrals as IDataObject;
		const stateBytes = Buffer.byteLength(JSON.stringify(staticData));
		const remembered = Object.keys(state.open as IDataObject).length;
		clock += MINUTE;
		const quiet = await poll();
		clock += MINUTE;
		const won = open[2]; // Active/Accepted
		sandbox.referrals.update(won, { status: 'Closed', substatus: 'Won' });
		clock += MINUTE;
		const moved = await poll();
		return {
			openReferrals: OPEN_REFERRALS,
			closedReferrals: CLOSED_REFERRALS,
			openInSandbox,
			activationMs: Math.round(activation.ms),
			activationRequests: activation.requests,
			stateBytes,
			remembered,
			quietPollMs: Math.round(quiet.ms),
			quietPollRequests: quiet.requests,
			firedOnMove: moved.items.filter(
				(item) => item.json.id === won && item.json.previousStatus === 'Active',
			).length,
			maxOpen: MAX_OPEN,
		};
	} finally {
		timing.now = originalNow;
		await sandbox.close();
	}
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;

export function statusMemoryTable(result: StatusMemoryResult): string {
	const withLatency = (result.activationMs + result.activationRequests * PAGE_LATENCY_MS) / 1000;
	return [
		`Trigger, Status Changed over ${result.openReferrals.toLocaleString('en')} referrals that can still move (and ${result.closedReferrals.toLocaleString('en')} closed), no status stamps`,
		`  activation: ${(result.activationMs / 1000).toFixed(1)} s, ${result.activationRequests} requests (about ${withLatency.toFixed(0)} s at ${PAGE_LATENCY_MS} ms a page)`,
		`  static data: ${kb(result.stateBytes)} (${result.remembered.toLocaleString('en')} statuses remembered, at most ${result.maxOpen.toLocaleString('en')})`,
		`  quiet poll after it: ${result.quietPollMs} ms, ${result.quietPollRequests} request(s); a won referral fired ${result.firedOnMove} time(s)`,
	].join('\n');
}

export function statusMemoryTargets(result: StatusMemoryResult) {
	return [
		{
			name: 'Trigger status memory: a pre-existing referral won fires once',
			target: `1 fired, ${result.openInSandbox} remembered`,
			actual: `${result.firedOnMove} fired, ${result.remembered} remembered`,
			pass: result.firedOnMove === 1 && result.remembered === result.openInSandbox,
		},
		{
			name: 'Trigger status memory: requests per quiet poll',
			target: '1',
			actual: String(result.quietPollRequests),
			pass: result.quietPollRequests === 1,
		},
	];
}
