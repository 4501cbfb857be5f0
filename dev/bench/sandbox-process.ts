/**
 * Child-process launcher of the sandbox for the bench (forked by remote-sandbox.ts).
 * Answers the commands of protocol.ts over IPC and exits when the parent goes away.
 */
import { startSandbox, type Sandbox } from '../sandbox';
import type { CommandName, Commands, ReplyMessage, RequestMessage } from './protocol';

let sandbox: Sandbox | undefined;

/** Server-side time of API requests (arrival to response end), reset with the counters. */
const served = { requests: 0, ms: 0 };

function reply(message: ReplyMessage): void {
	if (process.connected && process.send) process.send(message);
}

function requireSandbox(): Sandbox {
	if (!sandbox) throw new Error('The sandbox is not started');
	return sandbox;
}

async function shutdown(code: number): Promise<never> {
	const running = sandbox;
	sandbox = undefined;
	if (running) await running.close().catch(() => undefined);
	process.exit(code);
}

async function handle<K extends CommandName>(
	command: K,
	args: Commands[K]['args'],
): Promise<unknown> {
	switch (command) {
		case 'start': {
			if (sandbox) throw new Error('The sandbox is already started');
			const options = args as Commands['start']['args'];
			sandbox = await startSandbox({
				referralCount: options.referralCount,
				pageSize: options.pageSize,
				seed: options.seed,
				now: () => new Date(Date.now() + options.clockOffsetMs),
				onRequest: (entry) => {
					if (!entry.url.startsWith('/v1.0/')) return;
					served.requests++;
					served.ms += entry.durationMs;
				},
			});
			const token = sandbox.issueToken();
			const result: Commands['start']['result'] = {
				url: sandbox.url,
				tokenUrl: sandbox.tokenUrl,
				clientId: sandbox.clientId,
				clientSecret: sandbox.clientSecret,
				accessToken: token.accessToken,
				refreshToken: token.refreshToken,
				referralCount: sandbox.referrals.count(),
			};
			return result;
		}
		case 'faults': {
			const current = requireSandbox();
			const settings = args as Commands['faults']['args'];
			current.resetFaults();
			current.faults.latencyMs = settings.latencyMs;
			current.faults.maxConcurrent = settings.maxConcurrent;
			current.faults.retryAfterSeconds = settings.retryAfterSeconds;
			current.faults.maxPerSecond = settings.maxPerSecond ?? 0;
			return null;
		}
		case 'resetCounters':
			requireSandbox().resetCounters();
			served.requests = 0;
			served.ms = 0;
			return null;
		case 'counters': {
			const { counters } = requireSandbox();
			const cpu = process.cpuUsage();
			const result: Commands['counters']['result'] = {
				requests: counters.requests,
				throttled: counters.throttled,
				peakConcurrency: counters.peakConcurrency,
				inFlight: counters.inFlight,
				byMethod: { ...counters.byMethod },
				tokenRequests: counters.tokenRequests,
				unauthorized: counters.unauthorized,
				cpuMicros: cpu.user + cpu.system,
				finishedApiRequests: served.requests,
				apiRequestMs: served.ms,
			};
			return result;
		}
		case 'ids': {
			const { count } = args as Commands['ids']['args'];
			const all = requireSandbox().referrals.all();
			if (all.length - 1 < count)
				throw new Error(`Only ${all.length - 1} generated referrals, ${count} asked for`);
			return all.slice(1, count + 1).map((referral) => referral.id);
		}
		case 'touch': {
			const { ids } = args as Commands['touch']['args'];
			const { referrals } = requireSandbox();
			return ids.map(
				(id, index) =>
					referrals.update(id, { details: { notes: `Updated by the bench (${index + 1})` } })
						.updatedDateTime ?? '',
			);
		}
		case 'close':
			return null;
		default:
			throw new Error(`Unknown command ${String(command)}`);
	}
}

process.on('message', (raw: unknown) => {
	const message = raw as RequestMessage;
	void (async () => {
		try {
			const result = await handle(message.command, message.args);
			reply({ id: message.id, ok: true, result });
			if (message.command === 'close') await shutdown(0);
		} catch (error) {
			reply({
				id: message.id,
				ok: false,
				error: error instanceof Error ? (error.stack ?? error.message) : String(error),
			});
		}
	})();
});

// The parent went away (crash, SIGKILL, Ctrl+C): never outlive it.
process.on('disconnect', () => void shutdown(0));
process.on('SIGINT', () => void shutdown(130));
process.on('SIGTERM', () => void shutdown(143));

if (!process.send) {
	console.error(
		'dev/bench/sandbox-process.ts is started by the bench (npm run bench), not by hand.',
	);
	process.exit(1);
}
