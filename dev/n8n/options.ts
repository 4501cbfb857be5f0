/** The command line of `npm run n8n` (dev/n8n/run.ts). */
import type { N8nRelease } from '../e2e/install';
import { RELEASES } from '../e2e/install';

export interface DevOptions {
	/** the n8n major version to run (1 or 2) */
	major: number;
	/** the editor's port on 127.0.0.1 */
	port: number;
	/** lifetime of the sandbox's access tokens, in seconds */
	tokenLifetimeSeconds: number;
	help: boolean;
}

export const DEFAULTS: DevOptions = {
	major: 2,
	port: 5678,
	tokenLifetimeSeconds: 3600,
	help: false,
};

export const USAGE = `A real n8n editor with this package, offline, against the Partner Center sandbox (dev-only)

Usage: npm run n8n -- [options]

  --n8n 1|2             n8n major version: ${RELEASES.map((release) => release.version).join(' or ')} (default 2)
  --port P              editor port on 127.0.0.1 (default 5678)
  --token-lifetime S    the sandbox's access-token lifetime in seconds (default 3600); n8n
                        refreshes tokens at the sandbox, so a short one shows a refresh
  --help                this text

n8n is installed once into the cache of npm run e2e:n8n (several minutes the first time).
Stop everything with Ctrl-C.
`;

function integer(name: string, value: string | undefined, min: number, max: number): number {
	if (
		value === undefined ||
		!/^\d+$/.test(value.trim()) ||
		Number(value) < min ||
		Number(value) > max
	) {
		throw new Error(
			`${name} needs a whole number from ${min} to ${max}, got ${value === undefined ? 'nothing' : `'${value}'`}`,
		);
	}
	return Number(value);
}

/** `--name value` and `--name=value`; throws a message naming the option on bad input. */
export function parseArgs(argv: readonly string[]): DevOptions {
	const options: DevOptions = { ...DEFAULTS };
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (arg === '--') continue;
		const [name, inline] =
			arg.startsWith('--') && arg.includes('=')
				? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
				: [arg, undefined];
		const value = () => inline ?? argv[++i];
		switch (name) {
			case '--n8n': {
				const major = value();
				const known = RELEASES.map((release) => release.version.split('.')[0]);
				if (major === undefined || !known.includes(major.trim())) {
					throw new Error(
						`--n8n needs ${known.join(' or ')}, got ${major === undefined ? 'nothing' : `'${major}'`}`,
					);
				}
				options.major = Number(major);
				break;
			}
			case '--port':
				options.port = integer('--port', value(), 1, 65535);
				break;
			case '--token-lifetime':
				options.tokenLifetimeSeconds = integer('--token-lifetime', value(), 5, 30 * 86_400);
				break;
			case '--help':
			case '-h':
				options.help = true;
				break;
			default:
				throw new Error(`unknown option '${arg}' (--help lists them)`);
		}
	}
	return options;
}

/** The n8n release of a major version (the one the real-n8n check runs). */
export function releaseFor(major: number): N8nRelease {
	const release = RELEASES.find((candidate) => Number(candidate.version.split('.')[0]) === major);
	if (!release) throw new Error(`no n8n ${major}.x is set up (dev/e2e/install.ts RELEASES)`);
	return release;
}
