/**
 * The real n8n installs of `npm run e2e:n8n`, cached outside the repository so that only the
 * first run pays for them (several minutes each), each on the Node major versions.ts picks from
 * its engines field (fetched as the npm package node-<platform>-<arch>@<major> when the machine
 * runs another one).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

export const CACHE_DIR =
	process.env.N8N_E2E_CACHE ?? join(homedir(), '.cache', 'n8n-nodes-partner-center-e2e');

export interface N8nRelease {
	/** n8n version installed, e.g. 1.123.81 */
	version: string;
	/** the Node.js major it runs on, e.g. 20 */
	nodeMajor: number;
}

/** The n8n versions the real-n8n check (`npm run e2e:n8n`) and `npm run n8n` run: 1.x on this machine's Node, 2.x on Node 24. */
export const RELEASES: readonly N8nRelease[] = [
	{ version: '1.123.81', nodeMajor: Number(process.versions.node.split('.')[0]) },
	{ version: '2.41.1', nodeMajor: 24 },
];

export interface N8nInstall extends N8nRelease {
	/** the n8n entry script (node_modules/n8n/bin/n8n) */
	bin: string;
	/** node_modules of the install (sqlite3, flatted for reading executions) */
	modules: string;
	/** directory with the node binary it runs on */
	nodeBinDir: string;
	/** that node binary */
	node: string;
}

/** engines.node of n8n <version> when it is installed in the cache already (no registry call). */
export function installedEngines(version: string): string | undefined {
	const dir = join(CACHE_DIR, `n8n-${version}`);
	if (!existsSync(join(dir, '.installed'))) return undefined;
	const manifest = JSON.parse(
		readFileSync(join(dir, 'node_modules', 'n8n', 'package.json'), 'utf8'),
	) as { engines?: { node?: string } };
	return manifest.engines?.node ?? '';
}

const log = (line: string) => process.stdout.write(`${line}\n`);

function run(
	command: string,
	args: string[],
	cwd: string,
	env: NodeJS.ProcessEnv = process.env,
): void {
	execFileSync(command, args, { cwd, env, stdio: ['ignore', 'ignore', 'inherit'] });
}

const nodeMajor = (node: string): number =>
	Number(
		execFileSync(node, ['-p', 'process.versions.node.split(".")[0]'], { encoding: 'utf8' }).trim(),
	);

/**
 * A directory with a `node` binary of the given major: this process's own when it matches, else
 * the npm package node-<platform>-<arch>@<major> unpacked into the cache (its bin/ and include/,
 * the headers sqlite3's native build needs).
 */
function nodeOf(major: number): { binDir: string; root: string } {
	const own = process.execPath;
	if (nodeMajor(own) === major) return { binDir: join(own, '..'), root: join(own, '..', '..') };
	const root = join(CACHE_DIR, `node-${major}`, 'package');
	const binary = join(root, 'bin', 'node');
	if (!existsSync(binary)) {
		const dir = join(CACHE_DIR, `node-${major}`);
		log(
			`  fetching Node ${major} (npm package node-${process.platform}-${process.arch}@${major}) into ${dir}`,
		);
		rmSync(dir, { recursive: true, force: true });
		mkdirSync(dir, { recursive: true });
		run('npm', ['pack', `node-${process.platform}-${process.arch}@${major}`, '--silent'], dir);
		const tarball = readdirSync(dir).find((file) => file.endsWith('.tgz'));
		if (!tarball)
			throw new Error(
				`npm pack node-${process.platform}-${process.arch}@${major} left no tarball in ${dir}`,
			);
		run('tar', ['-xzf', tarball], dir);
		rmSync(join(dir, tarball));
	}
	return { binDir: join(root, 'bin'), root };
}

/**
 * n8n <version> in <cache>/n8n-<version>, installed as this machine allows: install scripts
 * off (the xlsx override avoids a tarball dependency n8n pins), then only sqlite3's native
 * module built, against the headers of the Node it will run on.
 */
export function ensureN8n(release: N8nRelease): N8nInstall {
	const node = nodeOf(release.nodeMajor);
	const dir = join(CACHE_DIR, `n8n-${release.version}`);
	const done = join(dir, '.installed');
	const env = {
		...process.env,
		PATH: `${node.binDir}${delimiter}${process.env.PATH ?? ''}`,
		npm_config_nodedir: node.root,
	};
	if (!existsSync(done)) {
		log(
			`  installing n8n ${release.version} on Node ${release.nodeMajor} into ${dir} (first run only: several minutes)`,
		);
		rmSync(dir, { recursive: true, force: true });
		mkdirSync(dir, { recursive: true });
		writeFileSync(
			join(dir, 'package.json'),
			`${JSON.stringify({ private: true, dependencies: { n8n: release.version }, overrides: { xlsx: '0.18.5' } }, null, 2)}\n`,
		);
		run(
			'npm',
			['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'],
			dir,
			env,
		);
		// explicit: `npm run` hands its own ignore-scripts=true (.npmrc) down to child npm processes
		run('npm', ['rebuild', 'sqlite3', '--ignore-scripts=false', '--loglevel=error'], dir, env);
		writeFileSync(done, `${new Date().toISOString()}\n`);
	}
	return {
		...release,
		bin: join(dir, 'node_modules', 'n8n', 'bin', 'n8n'),
		modules: join(dir, 'node_modules'),
		nodeBinDir: node.binDir,
		node: join(node.binDir, 'node'),
	};
}
