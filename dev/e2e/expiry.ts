/**
 * The About to Expire check of `npm run e2e:n8n`, shared by the single-process run (run.ts, the
 * example examples/expiry-reminder.json) and queue mode (queue.ts): an activated About to Expire
 * trigger (Notify Before 2 days, Direction Incoming, polling every minute) fires each referral
 * waiting for an answer exactly once, across a restart of n8n (main).
 *
 *   1. before activation: a referral 30 hours from its expiry (inside Notify Before): it fires at
 *      the activation poll;
 *   2. after the activation poll: a referral 2 days and 75 seconds from its expiry (outside): it
 *      must not fire before it enters the window, and fires once at the next poll after;
 *   3. n8n (main) stopped; while it is down a referral 20 hours from its expiry arrives; n8n
 *      started again: it fires once, and nothing that fired before fires again (n8n saved the
 *      trigger's state only after the polls that fired), over two more polls.
 * Every referral in every execution's trigger output is counted: each must appear once (the
 * sandbox's own referrals already inside Notify Before at activation fire at the first poll too).
 */
import type { Referral, Sandbox } from '../sandbox';
import { incomingReferral } from '../sandbox';
import type { Outcome } from './common';
import { failure, waitFor } from './common';
import type { StoredExecution } from './n8n';
import { sleep } from './n8n';

const HOUR_MS = 3_600_000;
const NOTIFY_BEFORE_MS = 48 * HOUR_MS;
/** How far outside Notify Before the referral of step 2 starts (more than a poll interval). */
const OUTSIDE_MS = 75_000;

const settled = (execution: StoredExecution) =>
	execution.status !== 'running' && execution.status !== 'new';

const iso = (ms: number) => new Date(ms).toISOString();

/** Whether a sandbox request is an About to Expire poll's listing (status New, no updatedDateTime window). */
export function isExpiryListing(method: string, url: string): boolean {
	if (method !== 'GET' || !/\/v1\.0\/engagements\/referrals\?/.test(url)) return false;
	const query = decodeURIComponent(url.replace(/\+/g, ' '));
	return query.includes("status eq 'New'") && !query.includes('updatedDateTime ge');
}

export class ExpiryCheck {
	/** step 1: inside Notify Before when the trigger is activated */
	readonly inside: Referral;
	/** step 2: enters Notify Before after the activation poll, at `entersAt` (ms) */
	private entering: { referral: Referral; entersAt: number } | undefined;
	/** step 3: arrives, inside Notify Before, while n8n is down */
	private whileDown: Referral | undefined;
	/** the trigger's listings counted when n8n went down */
	private listingsWhileDown = 0;
	/** the trigger's stored state (static data) when n8n went down, for a failure message */
	private stateWhileDown = '';

	/** Creates the referral of step 1: call it before the trigger is activated. */
	constructor(
		private readonly sandbox: Sandbox,
		/** the trigger workflow's stored executions, oldest first */
		private readonly executions: () => StoredExecution[],
		/** the trigger node's name in that workflow */
		private readonly triggerNode: string,
		/** the About to Expire listings the sandbox answered so far (isExpiryListing) */
		private readonly listings: () => number,
		/** the workflow's stored static data (the trigger's state) */
		private readonly state: () => unknown,
		/** fields of the referrals it creates (e.g. a country another trigger of the run ignores) */
		private readonly fields: Partial<Referral> = {},
	) {
		this.inside = this.create('E2E expiry: inside Notify Before at activation', 30 * HOUR_MS);
	}

	private create(name: string, expiresInMs: number): Referral {
		return this.sandbox.referrals.create(
			incomingReferral({
				name,
				...this.fields,
				expirationDateTime: iso(Date.now() + expiresInMs),
			}),
		);
	}

	/** The trigger items of a stored execution: one per referral it fired. */
	private firedItems(execution: StoredExecution): Array<Record<string, unknown>> {
		const runs = execution.data.resultData.runData[this.triggerNode] ?? [];
		return runs
			.flatMap((run) => (run.data?.main ?? []).flatMap((output) => output ?? []))
			.map((item) => item.json);
	}

	private executionsOf(referral: Referral): StoredExecution[] {
		return this.executions().filter((execution) =>
			this.firedItems(execution).some((item) => item.id === referral.id),
		);
	}

	private async firedOnce(
		what: string,
		referral: Referral,
		timeoutMs: number,
	): Promise<StoredExecution> {
		const [execution] = await waitFor(
			what,
			() => {
				const found = this.executionsOf(referral).filter(settled);
				return found.length > 0 ? found : undefined;
			},
			timeoutMs,
		);
		return execution;
	}

	/** Referral ids that fired more than once over all executions, with their counts. */
	private repeats(): string[] {
		const counts = new Map<string, number>();
		for (const execution of this.executions())
			for (const item of this.firedItems(execution))
				counts.set(String(item.id), (counts.get(String(item.id)) ?? 0) + 1);
		return [...counts]
			.filter(([, count]) => count > 1)
			.map(([id, count]) => `${id} ${count} times`);
	}

	/**
	 * Step 1 checked and step 2 run: once the activation poll ran (the caller waited for the
	 * trigger's stored state), the referral inside Notify Before fired in the trigger's first
	 * execution; one created now, outside Notify Before, fires once after it enters it.
	 */
	async activated(
		inspect: (execution: StoredExecution) => { line: string; problem?: string },
	): Promise<Outcome> {
		let first: StoredExecution;
		try {
			first = await this.firedOnce(
				'the activation poll to fire the referral inside Notify Before',
				this.inside,
				150_000,
			);
		} catch (error) {
			return { ok: false, line: `activated: FAILED: ${(error as Error).message}` };
		}
		const firstProblem =
			failure(first) ??
			(this.executions()[0]?.id === first.id
				? undefined
				: `referral ${this.inside.id} fired in execution ${first.id}, not in the first one (the activation poll)`);
		const atActivation = this.firedItems(first).length;
		const inspected = inspect(first);

		const referral = this.create(
			'E2E expiry: enters Notify Before after activation',
			NOTIFY_BEFORE_MS + OUTSIDE_MS,
		);
		const entersAt = Date.now() + OUTSIDE_MS;
		this.entering = { referral, entersAt };
		// polls before it entered must not fire it (an execution is stored within a second or two)
		await sleep(Math.max(0, entersAt - Date.now() - 2000));
		const early = this.executionsOf(referral).length;
		let entered: StoredExecution | undefined;
		let problem = firstProblem ?? inspected.problem;
		try {
			entered = await this.firedOnce(
				'the referral entering Notify Before to fire',
				referral,
				180_000,
			);
		} catch (error) {
			problem ??= (error as Error).message;
		}
		const item = entered
			? this.firedItems(entered).find((fired) => fired.id === referral.id)
			: undefined;
		problem ??=
			(early > 0 ? `referral ${referral.id} fired before it entered Notify Before` : undefined) ??
			(entered ? failure(entered) : undefined) ??
			(item?.expiresInHours === 47
				? undefined
				: `referral ${referral.id} fired with expiresInHours ${JSON.stringify(item?.expiresInHours)}, expected 47`);
		return problem
			? { ok: false, line: `activated: FAILED: ${problem}` }
			: {
					ok: true,
					line: `activated: the first poll fired ${atActivation} referral(s) already inside Notify Before, the one inserted 30 h before its expiry among them (${inspected.line}); one inserted 2 days + ${OUTSIDE_MS / 1000} s before its expiry fired once after it entered the window (expiresInHours 47, execution ${entered?.id})`,
				};
	}

	/** Step 3, while n8n (main) is down: a referral arrives 20 hours before its expiry. */
	down(): void {
		this.listingsWhileDown = this.listings();
		this.stateWhileDown = JSON.stringify(this.state());
		this.whileDown = this.create('E2E expiry: arrived while n8n was down', 20 * HOUR_MS);
	}

	/**
	 * Step 3 checked, n8n (main) running again: the referral that arrived while it was down fired
	 * once (at the first poll after the start, or the next); after two more polls nothing fired twice.
	 * `name`: what was restarted ("n8n", "main"); `inspect`: more to say (and check) about the
	 * execution that fired.
	 */
	async restarted(
		back: number,
		name: string,
		inspect?: (execution: StoredExecution) => { line: string; problem?: string },
	): Promise<Outcome> {
		const referral = this.whileDown;
		if (!referral) return { ok: false, line: 'restart: FAILED: down() was not called' };
		let fired: StoredExecution | undefined;
		let problem: string | undefined;
		try {
			fired = await this.firedOnce(
				'the referral that arrived while n8n was down to fire',
				referral,
				180_000,
			);
		} catch (error) {
			problem = (error as Error).message;
		}
		try {
			await waitFor('three polls after the restart', () =>
				this.listings() >= this.listingsWhileDown + 3 ? true : undefined,
			);
			await sleep(5000); // let an execution the last poll might have started be stored
		} catch (error) {
			problem ??= (error as Error).message;
		}
		const repeats = this.repeats();
		const once = [this.inside, this.entering?.referral, referral].flatMap((one) =>
			one && this.executionsOf(one).length !== 1
				? [`${one.id} fired ${this.executionsOf(one).length} time(s)`]
				: [],
		);
		const inspected = fired && inspect ? inspect(fired) : undefined;
		problem ??=
			(fired ? failure(fired) : undefined) ??
			inspected?.problem ??
			(repeats.length > 0 ? `fired more than once: ${repeats.join(', ')}` : undefined) ??
			(once.length > 0 ? `expected once each: ${once.join(', ')}` : undefined);
		const referrals = new Set(
			this.executions().flatMap((execution) => this.firedItems(execution).map((item) => item.id)),
		);
		return problem
			? {
					ok: false,
					line: `restart: FAILED: ${problem} (trigger state saved before the stop: ${this.stateWhileDown.slice(0, 300)}; now: ${JSON.stringify(this.state()).slice(0, 300)})`,
				}
			: {
					ok: true,
					line: `restart: ${name} stopped and started again (back in ${back} s): nothing refired; the referral that arrived 20 h before its expiry while ${name} was down fired once (execution ${fired?.id}${inspected ? `, ${inspected.line}` : ''}); two more polls fired nothing (${referrals.size} referrals in ${this.executions().length} executions, each once)`,
				};
	}
}
