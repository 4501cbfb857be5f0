/**
 * `npm run sandbox -- --port 8080 [--referrals N] [--latency MS] [--max-concurrent N] [--max-per-second N] ...`
 * Starts the Partner Center Referrals sandbox and prints what a real n8n needs to talk to it.
 */
import { TOKEN_SCOPE } from './auth';
import { startSandbox } from './server';
import type { Sandbox, SandboxOptions } from './types';

export interface CliOptions {
	sandbox: SandboxOptions;
	latencyMs: number;
	maxConcurrent: number;
	retryAfterSeconds: number;
	maxPerSecond: number;
	/** lifetime of the printed ready-to-use access token */
	printedTokenLifetimeSeconds: number;
	quiet: boolean;
	help: boolean;
}

export const USAGE = `Partner Center Referrals API sandbox (dev-only)

Usage: npm run sandbox -- [options]

  --port N               port on 127.0.0.1 (default 8080; 0 = a random free port)
  --referrals N          generated referrals besides the documented example (default 50)
  --seed N               data seed (default 1)
  --page-size N          server page size (default 100)
  --expiring-soon N      N of the New incoming referrals expire within 1-40 hours of the start
                         (spread evenly), to see the trigger's About to Expire at once (default 0)
  --latency MS           latency added to every API response (default 0)
  --max-concurrent N     answer 429 above N in-flight API requests (default 0 = off)
  --retry-after S        Retry-After of injected 429s (default 1)
  --max-per-second N     answer 429 above N API requests in any one second (default 0 = off)
  --token-lifetime S     access-token lifetime of the token endpoint (default 3600)
  --print-token-lifetime S  lifetime of the access token printed at start (default 2592000 = 30 days)
  --no-auth              accept API requests without a token
  --zoneless-timestamps  answer every stamp without its Z (2026-12-01T10:00:00.0000000)
  --no-status-stamps     leave acceptedDateTime and closedDateTime out of every answer
  --quiet                no access log
  --help                 this text
`;

function integer(name: string, value: string | undefined, min = 0): number {
	if (value === undefined || !/^\d+$/.test(value.trim()) || Number(value) < min) {
		throw new Error(
			`${name} needs an integer >= ${min}, got ${value === undefined ? 'nothing' : `'${value}'`}`,
		);
	}
	return Number(value);
}

export function parseArgs(argv: readonly string[]): CliOptions {
	const options: CliOptions = {
		sandbox: { port: 8080 },
		latencyMs: 0,
		maxConcurrent: 0,
		retryAfterSeconds: 1,
		maxPerSecond: 0,
		printedTokenLifetimeSeconds: 30 * 86_400,
		quiet: false,
		help: false,
	};
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (arg === '--') continue;
		const eq = arg.indexOf('=');
		const name = eq > 0 ? arg.slice(0, eq) : arg;
		const inline = eq > 0 ? arg.slice(eq + 1) : undefined;
		const value = (): string | undefined => inline ?? argv[++i];
		switch (name) {
			case '--port':
				options.sandbox.port = integer(name, value());
				break;
			case '--referrals':
				options.sandbox.referralCount = integer(name, value());
				break;
			case '--seed':
				options.sandbox.seed = integer(name, value());
				break;
			case '--page-size':
				options.sandbox.pageSize = integer(name, value(), 1);
				break;
			case '--expiring-soon':
				options.sandbox.expiringSoon = integer(name, value());
				break;
			case '--token-lifetime':
				options.sandbox.tokenLifetimeSeconds = integer(name, value(), 1);
				break;
			case '--print-token-lifetime':
				options.printedTokenLifetimeSeconds = integer(name, value(), 1);
				break;
			case '--latency':
				options.latencyMs = integer(name, value());
				break;
			case '--max-concurrent':
				options.maxConcurrent = integer(name, value());
				break;
			case '--max-per-second':
				options.maxPerSecond = integer(name, value());
				break;
			case '--retry-after':
				options.retryAfterSeconds = integer(name, value());
				break;
			case '--no-auth':
				options.sandbox.requireAuth = false;
				break;
			case '--zoneless-timestamps':
				options.sandbox.responses = { ...options.sandbox.responses, zonelessTimestamps: true };
				break;
			case '--no-status-stamps':
				options.sandbox.responses = { ...options.sandbox.responses, omitStatusStamps: true };
				break;
			case '--quiet':
				options.quiet = true;
				break;
			case '--help':
			case '-h':
				options.help = true;
				break;
			default:
				throw new Error(`Unknown option '${arg}'`);
		}
	}
	return options;
}

export function banner(
	sandbox: Sandbox,
	token: { accessToken: string; refreshToken: string; expiresIn: number },
	options: CliOptions,
): string {
	const faults = [
		options.latencyMs ? `latency ${options.latencyMs} ms` : '',
		options.maxConcurrent ? `max ${options.maxConcurrent} concurrent` : '',
		options.maxPerSecond ? `max ${options.maxPerSecond} per second` : '',
	].filter((part) => part !== '');
	return [
		'Partner Center Referrals API sandbox is running',
		'',
		`  API Base URL       ${sandbox.url}`,
		`  Authorization URL  ${sandbox.authorizeUrl}`,
		`  Access Token URL   ${sandbox.tokenUrl}`,
		`  Client ID          ${sandbox.clientId}`,
		`  Client Secret      ${sandbox.clientSecret}`,
		`  Scope              ${TOKEN_SCOPE}`,
		`  Referrals          ${sandbox.referrals.count()}${options.sandbox.requireAuth === false ? ' (auth disabled)' : ''}`,
		...(options.sandbox.expiringSoon
			? [
					`  Expiring soon      ${options.sandbox.expiringSoon} New incoming referral(s), within 40 hours`,
				]
			: []),
		...(faults.length ? [`  Faults             ${faults.join(', ')}`] : []),
		'',
		`Access token (valid ${Math.round(token.expiresIn / 86_400)} days):`,
		token.accessToken,
		'',
		'Refresh token:',
		token.refreshToken,
		'',
		'Try:',
		`  curl -H "Authorization: Bearer <access token>" "${sandbox.url}/v1.0/engagements/referrals?\\$top=5"`,
		'',
		'Stop with Ctrl+C (SIGINT) or SIGTERM.',
		'',
	].join('\n');
}

export async function main(argv: readonly string[]): Promise<void> {
	let options: CliOptions;
	try {
		options = parseArgs(argv);
	} catch (error) {
		process.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
		process.exitCode = 2;
		return;
	}
	if (options.help) {
		process.stdout.write(USAGE);
		return;
	}
	const sandboxOptions: SandboxOptions = { ...options.sandbox };
	if (!options.quiet) {
		sandboxOptions.onRequest = (entry) =>
			process.stdout.write(
				`${new Date().toISOString()} ${entry.method} ${entry.url} -> ${entry.status || 'dropped'} (${Math.round(entry.durationMs)} ms)\n`,
			);
	}
	let sandbox: Sandbox;
	try {
		sandbox = await startSandbox(sandboxOptions);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
			process.stderr.write(
				`Port ${options.sandbox.port} on 127.0.0.1 is in use: pass --port <another> or --port 0 for a random free one.\n`,
			);
			process.exitCode = 1;
			return;
		}
		if (error instanceof RangeError) {
			// an option the data cannot satisfy (e.g. more --expiring-soon than New incoming referrals)
			process.stderr.write(`${error.message}\n`);
			process.exitCode = 2;
			return;
		}
		throw error;
	}
	sandbox.faults.latencyMs = options.latencyMs;
	sandbox.faults.maxConcurrent = options.maxConcurrent;
	sandbox.faults.retryAfterSeconds = options.retryAfterSeconds;
	sandbox.faults.maxPerSecond = options.maxPerSecond;
	const token = sandbox.issueToken(options.printedTokenLifetimeSeconds);
	process.stdout.write(banner(sandbox, token, options));

	let stopping = false;
	const stop = (signal: NodeJS.Signals): void => {
		if (stopping) {
			process.exit(1);
		}
		stopping = true;
		process.stdout.write(`\n${signal} received, stopping the sandbox...\n`);
		sandbox.close().then(
			() => {
				process.stdout.write('Sandbox stopped.\n');
				process.exit(0);
			},
			(error: unknown) => {
				process.stderr.write(`Error while stopping: ${String(error)}\n`);
				process.exit(1);
			},
		);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

if (require.main === module) {
	main(process.argv.slice(2)).catch((error: unknown) => {
		process.stderr.write(
			`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
		);
		process.exit(1);
	});
}
