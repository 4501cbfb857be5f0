/**
 * Bench scenario of the trigger's About to Expire: 10,000 incoming referrals waiting for an
 * answer (New), their expiry spread evenly over the next 14 days, besides 2,000 closed ones.
 * Measures a poll (one listing of the New referrals: wall time, requests), the static data it
 * leaves with Notify Before 2 days and with 30 days (every referral alerted: the most it can
 * hold), and checks that each poll fires exactly the referrals whose window opened.
 *
 * The sandbox runs in this process without latency, on a simulated clock the trigger shares:
 * the wall times are the node's, n8n's engine's and the sandbox's CPU; against Partner Center
 * each of the 100 pages adds its latency (the table says how much at 200 ms a page).
 */
import type { ICredentialDataDecryptedObject, IDataObject, INodeParameters } from 'n8n-workflow';

// `.js`: tsx would otherwise resolve `X.node` to the codex file `X.node.json`
import { PartnerCenterReferralTrigger } from '../../nodes/PartnerCenterReferral/PartnerCenterReferralTrigger.node.js';
import { timing } from '../../nodes/PartnerCenterReferral/shared/timing';
import { runPoll, type RunOptions } from '../harness';
import { startSandbox } from '../sandbox';
import { REFERENCE_DATE } from '../sandbox/data';
import type { Target } from './results';

const WAITING = 10_000;
const CLOSED = 2_000;
const SPREAD_MS = 14 * 86_400_000;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const NOTIFY_DAYS = 2;
/** A page's latency against the real service, for the estimate in the table. */
const PAGE_LATENCY_MS = 200;

interface PollFigures {
	ms: number;
	requests: number;
	/** referrals New and Incoming when the poll ran (what it lists): the sandbox closes those that expire */
	listed: number;
	fired: number;
	/** fired exactly the referrals whose window opened since the last poll (at activation: every one inside it) */
	exact: boolean;
}

export interface ExpiryResult {
	waiting: number;
	closed: number;
	notifyDays: number;
	activation: PollFigures;
	quiet: PollFigures;
	hourLater: PollFigures;
	/** static data (JSON bytes) after activation with Notify Before 2 days, and with 30 days */
	stateBytes: number;
	fullStateBytes: number;
	fullAlerted: number;
}

export async function expiryScenario(): Promise<{
	result: ExpiryResult;
	table: string;
	targets: Target[];
}> {
	let clock = REFERENCE_DATE + 60 * 86_400_000;
	const sandbox = await startSandbox({
		referralCount: 0,
		pageSize: 100,
		seed: 5,
		now: () => new Date(clock),
		tokenLifetimeSeconds: 30 * 86_400,
	});
	const originalNow = timing.now;
	timing.now = () => clock;
	try {
		const created = new Date(clock - 86_400_000).toISOString();
		const expiries = new Map<string, number>();
		for (let n = 0; n < WAITING; n++) {
			const expiresMs = clock + Math.round(((n + 1) * SPREAD_MS) / WAITING);
			const { id } = sandbox.referrals.create({
				name: `Waiting ${n}`,
				createdDateTime: created,
				updatedDateTime: created,
				expirationDateTime: new Date(expiresMs).toISOString(),
			});
			expiries.set(id, expiresMs);
		}
		for (let n = 0; n < CLOSED; n++)
			sandbox.referrals.create({ name: `Closed ${n}`, status: 'Closed', substatus: 'Expired' });
		const options: RunOptions = {
			nodeTypes: [new PartnerCenterReferralTrigger()],
			credentials: {
				partnerCenterOAuth2Api: sandbox.signedInCredential() as ICredentialDataDecryptedObject,
			},
		};
		/** Which referrals should fire at `nowMs` after a poll at `lastMs` (none: activation). */
		const due = (notifyMs: number, nowMs: number, lastMs?: number) =>
			[...expiries]
				.filter(
					([, expiresMs]) =>
						expiresMs - notifyMs <= nowMs &&
						expiresMs > nowMs &&
						(lastMs === undefined || expiresMs - notifyMs > lastMs),
				)
				.map(([id]) => id)
				.sort();
		const poll = async (
			parameters: INodeParameters,
			staticData: IDataObject,
			expected: string[],
		): Promise<PollFigures> => {
			const listed = sandbox.referrals
				.all()
				.filter(
					(referral) => referral.status === 'New' && referral.direction === 'Incoming',
				).length;
			sandbox.resetCounters();
			const started = performance.now();
			const { items } = await runPoll(
				{ type: 'partnerCenterReferralTrigger', parameters, staticData },
				options,
			);
			const ms = Math.round(performance.now() - started);
			const fired = (items ?? []).map((item) => String(item.json.id)).sort();
			return {
				ms,
				requests: sandbox.counters.requests,
				listed,
				fired: fired.length,
				exact: JSON.stringify(fired) === JSON.stringify(expected),
			};
		};
		const parameters = (notifyBefore: number) => ({
			event: 'aboutToExpire',
			notifyBefore,
			notifyBeforeUnit: 'days',
			filters: { direction: 'Incoming' },
		});
		const notifyMs = NOTIFY_DAYS * 86_400_000;
		const staticData: IDataObject = {};
		const activation = await poll(parameters(NOTIFY_DAYS), staticData, due(notifyMs, clock));
		const stateBytes = Buffer.byteLength(JSON.stringify(staticData));
		clock += MINUTE;
		const quiet = await poll(
			parameters(NOTIFY_DAYS),
			staticData,
			due(notifyMs, clock, clock - MINUTE),
		);
		const last = clock;
		clock += HOUR;
		const hourLater = await poll(parameters(NOTIFY_DAYS), staticData, due(notifyMs, clock, last));

		const full: IDataObject = {};
		const allDue = due(30 * 86_400_000, clock);
		await poll(parameters(30), full, allDue);
		const fullStateBytes = Buffer.byteLength(JSON.stringify(full));
		const result: ExpiryResult = {
			waiting: WAITING,
			closed: CLOSED,
			notifyDays: NOTIFY_DAYS,
			activation,
			quiet,
			hourLater,
			stateBytes,
			fullStateBytes,
			fullAlerted: allDue.length,
		};
		return { result, table: expiryTable(result), targets: expiryTargets(result) };
	} finally {
		timing.now = originalNow;
		await sandbox.close();
	}
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;

function expiryTable(result: ExpiryResult): string {
	const line = (what: string, figures: PollFigures) =>
		`  ${what}: ${figures.ms} ms, ${figures.requests} request(s) (about ${((figures.ms + figures.requests * PAGE_LATENCY_MS) / 1000).toFixed(0)} s at ${PAGE_LATENCY_MS} ms a page), ${figures.fired} fired${figures.exact ? '' : ' (NOT the expected referrals)'}`;
	return [
		`Trigger, About to Expire over ${result.waiting.toLocaleString('en')} referrals waiting for an answer (expiring over 14 days; and ${result.closed.toLocaleString('en')} closed), Notify Before ${result.notifyDays} days`,
		line('activation poll', result.activation),
		line('quiet poll a minute later', result.quiet),
		line('poll an hour later', result.hourLater),
		`  static data: ${kb(result.stateBytes)} after activation; ${kb(result.fullStateBytes)} with Notify Before 30 days (${result.fullAlerted.toLocaleString('en')} alerted, about ${Math.round(result.fullStateBytes / Math.max(1, result.fullAlerted))} bytes each)`,
	].join('\n');
}

function expiryTargets(result: ExpiryResult): Target[] {
	const polls = [result.activation, result.quiet, result.hourLater];
	// one listing of what is New at that poll (the generated ones and the sandbox's example,
	// less those the sandbox closed as they expired): a page a hundred
	const later = [result.quiet, result.hourLater];
	const pages = later.map((figures) => Math.ceil(figures.listed / 100));
	return [
		{
			name: 'Trigger About to Expire: fires exactly the referrals whose window opened',
			target: 'every poll exact',
			actual: polls
				.map((figures) => `${figures.fired}${figures.exact ? '' : ' (wrong)'}`)
				.join(', '),
			pass: polls.every((figures) => figures.exact),
		},
		{
			name: 'Trigger About to Expire: requests of a later poll (one listing of New)',
			target: `${pages.join(', ')} (pages of ${later.map((figures) => figures.listed).join(', ')})`,
			actual: later.map((figures) => figures.requests).join(', '),
			pass: later.every((figures, index) => figures.requests <= pages[index]),
		},
	];
}
