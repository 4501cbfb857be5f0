/**
 * The trigger poll in `npm run bench` (group `trigger`): Referral Updated over the 10,001
 * referrals, a first poll, then a poll after CHANGED of them were updated: how many requests the
 * second poll takes and what it fires; the table and the target.
 */
import type { IDataObject } from 'n8n-workflow';

import { timing } from '../../nodes/PartnerCenterReferral/shared/timing';
import { runPoll, type RunOptions } from '../harness';
import { LATENCY_ONLY, measure, round, seconds, table } from './measure';
import type { RemoteSandbox } from './remote-sandbox';
import type { Target } from './results';

/** Referrals updated between the two polls. */
export const CHANGED = 20;

export interface TriggerResult {
	referrals: number;
	changed: number;
	firstPollRequests: number;
	firstPollItems: number;
	secondPollRequests: number;
	secondPollItems: number;
	firedChangedIds: number;
	secondPollWallMs: number;
	/** the trigger's watermark after the first poll, and the changed referrals' new updatedDateTime */
	watermark: string;
	changedUpdatedDateTimes: string[];
}

export async function triggerScenario(
	sandbox: RemoteSandbox,
	options: RunOptions,
	changedIds: string[],
	clockOffsetMs: number,
): Promise<TriggerResult> {
	const original = timing.now;
	// The node's clock (its first-poll watermark) and the sandbox's (updatedDateTime stamps) must agree.
	timing.now = () => Date.now() + clockOffsetMs;
	try {
		const staticData: IDataObject = {};
		const spec = {
			type: 'partnerCenterReferralTrigger',
			parameters: { event: 'referralUpdated', filters: {}, simplify: true, options: {} },
			staticData,
		};
		const first = await measure(sandbox, LATENCY_ONLY, async () => await runPoll(spec, options));
		const nodeState = staticData['node:Partner Center Referral Trigger'] as IDataObject | undefined;
		const watermark = String((nodeState?.referrals as IDataObject | undefined)?.from ?? '');
		const changedUpdatedDateTimes = await sandbox.call('touch', { ids: changedIds });
		const second = await measure(sandbox, LATENCY_ONLY, async () => await runPoll(spec, options));
		const fired = second.value.items ?? [];
		const wanted = new Set(changedIds);
		return {
			referrals: sandbox.info.referralCount,
			changed: changedIds.length,
			firstPollRequests: first.counters.requests,
			firstPollItems: first.value.items?.length ?? 0,
			secondPollRequests: second.counters.requests,
			secondPollItems: fired.length,
			firedChangedIds: new Set(
				fired.map((item) => String(item.json.id)).filter((id) => wanted.has(id)),
			).size,
			secondPollWallMs: round(second.wallMs, 0),
			watermark,
			changedUpdatedDateTimes,
		};
	} finally {
		timing.now = original;
	}
}

export function triggerTable(trigger: TriggerResult): string {
	return table(
		[
			'Trigger poll',
			'referrals',
			'changed',
			'1st poll requests',
			'2nd poll requests',
			'items fired',
			'wall',
		],
		[
			[
				`after ${trigger.changed} updates`,
				trigger.referrals,
				trigger.changed,
				trigger.firstPollRequests,
				trigger.secondPollRequests,
				trigger.secondPollItems,
				seconds(trigger.secondPollWallMs),
			],
		],
		[1, 2, 3, 4, 5, 6],
	);
}

export function triggerTargets(trigger: TriggerResult): Target[] {
	return [
		{
			name: 'Trigger: second poll in one request, 20 items',
			target: '1 request, 20 items',
			actual: `${trigger.secondPollRequests} request(s), ${trigger.secondPollItems} items (${trigger.firedChangedIds} of the changed)`,
			pass:
				trigger.secondPollRequests === 1 &&
				trigger.secondPollItems === CHANGED &&
				trigger.firedChangedIds === CHANGED,
		},
	];
}
