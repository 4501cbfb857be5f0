/**
 * The command line of `npm run e2e:n8n` and the n8n versions it names, resolved against the npm
 * registry: exact versions (1.123.81), dist-tags (latest, next, beta), or a major (1, 2: its
 * newest stable release). The Node.js major each version runs on comes from n8n's engines field.
 * Pure functions, unit-tested in test/unit/e2eVersions.test.ts; only registryInfo() calls npm.
 */
import { execFileSync } from 'node:child_process';

import { RELEASES } from './install';

/** The versions checked when --versions is not given (the ones the README names; one home: install.ts). */
export const DEFAULT_VERSIONS = RELEASES.map((release) => release.version);

/** Node.js majors n8n may be run on here (even, i.e. LTS, majors), newest last. */
export const NODE_MAJORS = [18, 20, 22, 24];

export interface E2eArgs {
	/** version specs as given (exact, dist-tag or major), in order */
	versions: string[];
	/** queue mode (Postgres, Redis, main and two workers) instead of a single process */
	queue: boolean;
	keep: boolean;
	/** queue mode: the sandbox's concurrency limit during the burst (0 = off) */
	maxConcurrent: number;
	/** queue mode: how many webhook executions the burst starts at once */
	burst: number;
	/** queue mode: latency the sandbox adds to every API answer during the burst (ms) */
	latencyMs: number;
	help: boolean;
}

export const USAGE = `npm run e2e:n8n -- [options]

  --versions=LIST      n8n versions, comma separated: exact (1.123.81), a dist-tag (latest, next)
                       or a major (1, 2 = its newest stable release); default ${DEFAULT_VERSIONS.join(',')}
  --only=MAJOR         of the default versions, only the one of this major (e.g. --only=2)
  --queue              queue mode: Postgres, Redis, n8n main and two workers (see dev/e2e/README.md)
  --max-concurrent=N   queue mode: the sandbox's concurrency limit during the burst (default 4)
  --burst=N            queue mode: webhook executions started at once (default 100)
  --latency=MS         queue mode: latency of every sandbox answer during the burst (default 200)
  --keep               keep the work folder (logs, databases) also when everything passed
  --help               this text
`;

const SPEC = /^(\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?|\d+|[A-Za-z][0-9A-Za-z._-]*)$/;

function positive(name: string, value: string, min: number): number {
	if (!/^\d+$/.test(value) || Number(value) < min)
		throw new Error(`${name} needs an integer >= ${min}, got '${value}'`);
	return Number(value);
}

/** The options after `npm run e2e:n8n --`; throws on anything it does not know. */
export function parseE2eArgs(argv: readonly string[]): E2eArgs {
	const args: E2eArgs = {
		versions: [...DEFAULT_VERSIONS],
		queue: false,
		keep: false,
		maxConcurrent: 4,
		burst: 100,
		latencyMs: 200,
		help: false,
	};
	let versionsGiven = false;
	let only: string | undefined;
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (arg === '--') continue;
		const eq = arg.indexOf('=');
		const name = eq > 0 ? arg.slice(0, eq) : arg;
		const inline = eq > 0 ? arg.slice(eq + 1) : undefined;
		const value = (): string => {
			const next = inline ?? argv[++i];
			if (next === undefined || next === '') throw new Error(`${name} needs a value`);
			return next;
		};
		switch (name) {
			case '--versions': {
				const specs = value()
					.split(',')
					.map((spec) => spec.trim())
					.filter((spec) => spec !== '');
				const bad = specs.find((spec) => !SPEC.test(spec));
				if (specs.length === 0 || bad !== undefined) {
					throw new Error(
						`--versions needs n8n versions separated by commas (1.123.81, latest, next, 2), got '${bad ?? ''}'`,
					);
				}
				args.versions = [...new Set(specs)];
				versionsGiven = true;
				break;
			}
			case '--only':
				only = String(positive(name, value(), 0));
				break;
			case '--queue':
				args.queue = true;
				break;
			case '--keep':
				args.keep = true;
				break;
			case '--max-concurrent':
				args.maxConcurrent = positive(name, value(), 0);
				break;
			case '--burst':
				args.burst = positive(name, value(), 1);
				break;
			case '--latency':
				args.latencyMs = positive(name, value(), 0);
				break;
			case '--help':
			case '-h':
				args.help = true;
				break;
			default:
				throw new Error(`Unknown option '${arg}' (see --help)`);
		}
	}
	if (only !== undefined) {
		if (versionsGiven)
			throw new Error('--only picks from the default versions: give either --only or --versions');
		args.versions = DEFAULT_VERSIONS.filter((version) => version.split('.')[0] === only);
		if (args.versions.length === 0)
			throw new Error(`--only=${only} matches none of n8n ${DEFAULT_VERSIONS.join(', ')}`);
	}
	return args;
}

/** What the registry says about n8n: `npm view n8n versions dist-tags --json`. */
export interface RegistryInfo {
	versions: string[];
	'dist-tags': Record<string, string>;
}

type Triple = [number, number, number];

function triple(version: string): Triple | undefined {
	const match = /^(\d+)\.(\d+)\.(\d+)$/.exec(version);
	return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : undefined;
}

function compare(a: Triple, b: Triple): number {
	return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/**
 * The exact versions the specs name, in order and without repeats: an exact version must be
 * published, a dist-tag must exist, a major resolves to its newest stable (non-prerelease) release.
 */
export function resolveVersions(specs: readonly string[], registry: RegistryInfo): string[] {
	const resolved = specs.map((spec) => {
		if (/^\d+$/.test(spec)) {
			const newest = registry.versions
				.map((version) => ({ version, parts: triple(version) }))
				.filter(
					(entry): entry is { version: string; parts: Triple } => entry.parts?.[0] === Number(spec),
				)
				.sort((a, b) => compare(a.parts, b.parts))
				.at(-1);
			if (!newest) throw new Error(`n8n has no stable ${spec}.x release on the registry`);
			return newest.version;
		}
		if (/^\d/.test(spec)) {
			if (!registry.versions.includes(spec))
				throw new Error(`n8n ${spec} is not published on the registry`);
			return spec;
		}
		const tagged = registry['dist-tags'][spec];
		if (tagged === undefined) {
			throw new Error(
				`n8n has no dist-tag '${spec}' on the registry (it has: ${Object.keys(registry['dist-tags']).join(', ')})`,
			);
		}
		return tagged;
	});
	return [...new Set(resolved)];
}

/** Whether version (x.y.z) satisfies one comparator such as >=20.19, <=24.x, <25, ^20.19.0, ~22.1, 20.x. */
function satisfiesComparator(version: Triple, comparator: string): boolean {
	const match = /^(>=|<=|>|<|=|\^|~)?v?(\d+|[x*])(?:\.(\d+|[x*]))?(?:\.(\d+|[x*]))?$/.exec(
		comparator,
	);
	if (!match) throw new Error(`cannot read the engines comparator '${comparator}'`);
	const [, operator = '=', major, minor, patch] = match;
	const wild = (part: string | undefined) => part === undefined || part === 'x' || part === '*';
	if (wild(major)) return true;
	const low: Triple = [
		Number(major),
		wild(minor) ? 0 : Number(minor),
		wild(patch) ? 0 : Number(patch),
	];
	// the first version above a partial one: <=24.x means below 25.0.0, <=20.19 below 20.20.0
	const above: Triple = wild(minor)
		? [low[0] + 1, 0, 0]
		: wild(patch)
			? [low[0], low[1] + 1, 0]
			: [low[0], low[1], low[2] + 1];
	const cmp = compare(version, low);
	switch (operator) {
		case '>=':
			return cmp >= 0;
		case '>':
			return compare(version, above) >= 0;
		case '<':
			return cmp < 0;
		case '<=':
			return compare(version, above) < 0;
		case '^':
			return cmp >= 0 && version[0] === low[0];
		case '~':
			return (
				cmp >= 0 && compare(version, wild(minor) ? [low[0] + 1, 0, 0] : [low[0], low[1] + 1, 0]) < 0
			);
		default:
			return cmp >= 0 && compare(version, above) < 0;
	}
}

/** Whether a Node.js version satisfies an engines range (comparators, `||`, `a - b`). */
export function satisfiesEngines(nodeVersion: string, range: string): boolean {
	const version = triple(nodeVersion.replace(/^v/, ''));
	if (!version) throw new Error(`'${nodeVersion}' is not a Node.js version`);
	return range.split('||').some((alternative) => {
		const text = alternative.trim().replace(/\s*-\s+/, ' - ');
		const hyphen = /^(\S+) - (\S+)$/.exec(text);
		const comparators = hyphen
			? [`>=${hyphen[1]}`, `<=${hyphen[2]}`]
			: text
					.replace(/(>=|<=|>|<|=)\s+/g, '$1')
					.split(/\s+/)
					.filter(Boolean);
		return comparators.every((comparator) => satisfiesComparator(version, comparator));
	});
}

/**
 * The Node.js major an n8n version runs on here: the running Node's major when its exact
 * version satisfies n8n's engines range (no extra download), else the newest LTS major that does.
 */
export function nodeMajorFor(engines: string | undefined, runningNode: string): number {
	if (engines === undefined || engines.trim() === '' || satisfiesEngines(runningNode, engines)) {
		return Number(runningNode.replace(/^v/, '').split('.')[0]);
	}
	const fits = NODE_MAJORS.filter((major) => satisfiesEngines(`${major}.99.0`, engines));
	if (fits.length === 0)
		throw new Error(
			`no Node.js major of ${NODE_MAJORS.join(', ')} satisfies n8n's engines range '${engines}'`,
		);
	return fits[fits.length - 1];
}

function npmViewJson(args: string[]): unknown {
	return JSON.parse(
		execFileSync('npm', ['view', ...args, '--json'], {
			encoding: 'utf8',
			stdio: ['ignore', 'pipe', 'inherit'],
		}),
	) as unknown;
}

/** n8n's published versions and dist-tags (one `npm view`). */
export function registryInfo(): RegistryInfo {
	return npmViewJson(['n8n', 'versions', 'dist-tags']) as RegistryInfo;
}

/** n8n's engines.node for one version (one `npm view`). */
export function enginesOf(version: string): string | undefined {
	const engines = npmViewJson([`n8n@${version}`, 'engines']) as { node?: string } | undefined;
	return engines?.node;
}
