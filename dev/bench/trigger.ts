/**
 * Bench scenario of the trigger's exactness and state bound: a burst of 10,000 new referrals
 * inside one minute, polled every minute through n8n's PollContext (dev/harness runPoll) with
 * one static-data object, then 1,000 quiet polls. Counts what fired (and fired twice), the
 * requests per poll and the size of the static data.
 *
 * The sandbox runs in this process with a simulated clock that the trigger shares (timing.now),
 * so an hour of polls takes seconds; wall times are not what this scenario measures.
 */
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

// `.js`: tsx would otherwise resolve `X.node` to the codex file `X.node.json`
import { PartnerCenterReferralTrigger } from '../../nodes/PartnerCenterReferral/PartnerCenterReferralTrigger.node.js';
import { MAX_REMEMBERED, MAX_WINDOW } from '../../nodes/PartnerCenterReferral/trigger/changes';
import { timing } from '../../nodes/PartnerCenterReferral/shared/timing';
import { runPoll, type RunOptions } from '../harness';
import { startSandbox } from '../sandbox';
import { REFERENCE_DATE } from '../sandbox/data';
import type { Target } from './results';

const BURST = 10_000;
const QUIET_POLLS = 1000;
/** Polls after the burst, a minute apart: enough for the window (5 minutes of overlap) to pass it. */
const BURST_POLLS = 8;
const MINUTE = 60_000;
const STATE_KEY = 'node:Partner Center Referral Trigger';

export interface TriggerBurstResult {
	burst: number;
	pollsAfterBurst: number;
	/** items fired by the polls after the burst, per poll */
	firedPerPoll: number[];
	fired: number;
	/** burst referrals fired more than once (extra items) */
	refired: number;
	/** burst referrals never fired */
	missed: number;
	/** requests of the poll after the burst (100 referrals a page) */
	requestsFirstPoll: number;
	/** static data (JSON bytes) and referrals remembered, right after the poll that fired the burst */
	stateBytesAfterBurst: number;
	rememberedAfterBurst: number;
	quietPolls: number;
	quietFired: number;
	/** most requests any quiet poll made */
	requestsPerQuietPoll: number;
	stateBytesAfterQuiet: number;
	rememberedAfterQuiet: number;
	/** the bounds in force */
	maxWindow: number;
	maxRemembered: number;
}

export async function triggerBurstScenario(): Promise<TriggerBurstResult> {
	let clock = REFERENCE_DATE + 30 * 24 * 60 * MINUTE;
	const sandbox = await startSandbox({
		referralCount: 100,
		pageSize: 100,
		seed: 1,
		now: () => new Date(clock),
		tokenLifetimeSeconds: 30 * 86_400,
	});
	const originalNow = timing.now;
	timing.now = () => clock;
	try {
		const options: RunOptions = {
			nodeTypes: [new PartnerCenterReferralTrigger()],
			credentials: {
				partnerCenterOAuth2Api: sandbox.signedInCredential() as ICredentialDataDecryptedObject,
			},
		};
		const staticData: IDataObject = {};
		const spec = {
			type: 'partnerCenterReferralTrigger',
			parameters: { event: 'referralCreated', filters: {}, options: {} },
			staticData,
		};
		/** One poll `minutes` after the last: the ids it fired and the requests it made. */
		const poll = async (minutes: number) => {
			clock += minutes * MINUTE;
			sandbox.resetCounters();
			const { items } = await runPoll(spec, options);
			return {
				ids: (items ?? []).map((item) => String(item.json.id)),
				requests: sandbox.counters.requests,
			};
		};
		const state = () => {
			const referrals = (staticData[STATE_KEY] as IDataObject).referrals as IDataObject;
			return {
				bytes: Buffer.byteLength(JSON.stringify(staticData)),
				remembered: Object.keys(referrals.seen as IDataObject).length,
			};
		};

		await poll(0); // activation
		clock += MINUTE;
		const started = clock;
		const created = new Set<string>();
		for (let n = 0; n < BURST; n++) {
			clock = started + Math.floor((n * MINUTE) / BURST);
			created.add(
				sandbox.referrals.create({ name: `Bulk ${n}`, status: 'New', substatus: 'Pending' }).id,
			);
		}
		clock = started + MINUTE;

		const times = new Map<string, number>();
		const firedPerPoll: number[] = [];
		let requestsFirstPoll = 0;
		let afterBurst = { bytes: 0, remembered: 0 };
		for (let index = 0; index < BURST_POLLS; index++) {
			const { ids, requests } = await poll(1);
			for (const id of ids) times.set(id, (times.get(id) ?? 0) + 1);
			firedPerPoll.push(ids.length);
			if (index === 0) {
				requestsFirstPoll = requests;
				afterBurst = state();
			}
		}
		const fired = firedPerPoll.reduce((sum, count) => sum + count, 0);
		const burstTimes = [...created].map((id) => times.get(id) ?? 0);

		let quietFired = 0;
		let requestsPerQuietPoll = 0;
		for (let index = 0; index < QUIET_POLLS; index++) {
			const { ids, requests } = await poll(1);
			quietFired += ids.length;
			requestsPerQuietPoll = Math.max(requestsPerQuietPoll, requests);
		}
		const afterQuiet = state();
		return {
			burst: BURST,
			pollsAfterBurst: BURST_POLLS,
			firedPerPoll,
			fired,
			refired: burstTimes.reduce((sum, count) => sum + Math.max(0, count - 1), 0),
			missed: burstTimes.filter((count) => count === 0).length,
			requestsFirstPoll,
			stateBytesAfterBurst: afterBurst.bytes,
			rememberedAfterBurst: afterBurst.remembered,
			quietPolls: QUIET_POLLS,
			quietFired,
			requestsPerQuietPoll,
			stateBytesAfterQuiet: afterQuiet.bytes,
			rememberedAfterQuiet: afterQuiet.remembered,
			maxWindow: MAX_WINDOW,
			maxRemembered: MAX_REMEMBERED,
		};
	} finally {
		timing.now = originalNow;
		await sandbox.close();
	}
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;

export function triggerBurstTable(result: TriggerBurstResult): string {
	return [
		`Trigger, burst of ${result.burst.toLocaleString('en')} new referrals in one minute, polled every minute (${result.pollsAfterBurst} polls), then ${result.quietPolls.toLocaleString('en')} quiet polls`,
		`  fired per poll: ${result.firedPerPoll.join(', ')} → ${result.fired} fired, ${result.refired} refired, ${result.missed} missed`,
		`  static data after the burst: ${kb(result.stateBytesAfterBurst)} (${result.rememberedAfterBurst} referrals remembered, at most ${result.maxWindow} inside the window)`,
		`  after ${result.quietPolls} quiet polls: ${kb(result.stateBytesAfterQuiet)} (${result.rememberedAfterQuiet} remembered, at most ${result.maxRemembered}); ${result.requestsPerQuietPoll} request(s) per quiet poll, ${result.quietFired} fired`,
	].join('\n');
}

export function triggerBurstTargets(result: TriggerBurstResult): Target[] {
	return [
		{
			name: `Trigger burst: ${result.burst} fired exactly once`,
			target: `${result.burst} fired, 0 refired, 0 missed`,
			actual: `${result.fired} fired, ${result.refired} refired, ${result.missed} missed`,
			pass: result.fired === result.burst && result.refired === 0 && result.missed === 0,
		},
		{
			name: 'Trigger: requests per quiet poll',
			target: '1',
			actual: String(result.requestsPerQuietPoll),
			pass: result.requestsPerQuietPoll === 1 && result.quietFired === 0,
		},
		{
			name: 'Trigger: state bounded after quiet polls',
			target: `≤ ${result.maxRemembered} remembered`,
			actual: `${result.rememberedAfterQuiet} (${kb(result.stateBytesAfterQuiet)})`,
			pass: result.rememberedAfterQuiet <= result.maxRemembered,
		},
	];
}
