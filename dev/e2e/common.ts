/**
 * What the single-process and the queue-mode runs of `npm run e2e:n8n` share: the package, how it
 * is installed where n8n loads community nodes, waiting, and reading a run's failure.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';

import type { RunResult } from './n8n';
import { sleep } from './n8n';

export const ROOT = join(__dirname, '..', '..');
export const PACKAGE = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
	name: string;
	version: string;
};
export const TRIGGER_TYPE = `${PACKAGE.name}.partnerCenterReferralTrigger`;
export const ACTION_TYPE = `${PACKAGE.name}.partnerCenterReferral`;
export const POLL_TIMEOUT_MS = 150_000;

export const out = (line = '') => process.stdout.write(`${line}\n`);

export interface Outcome {
	ok: boolean;
	line: string;
}

/**
 * The package where n8n installs community packages, <user folder>/.n8n/nodes/node_modules/<name>,
 * without dev and peer dependencies; fails if that pulls in anything else (no runtime dependencies).
 */
export function installPackage(userFolder: string, tarball: string): void {
	const nodesDir = join(userFolder, '.n8n', 'nodes');
	mkdirSync(nodesDir, { recursive: true });
	writeFileSync(join(nodesDir, 'package.json'), '{"name":"installed-nodes","private":true}\n');
	execFileSync(
		'npm',
		[
			'install',
			tarball,
			'--omit=dev',
			'--omit=peer',
			'--legacy-peer-deps',
			'--ignore-scripts',
			'--no-audit',
			'--no-fund',
			'--loglevel=error',
		],
		{ cwd: nodesDir, stdio: ['ignore', 'ignore', 'inherit'] },
	);
	const installed = readdirSync(join(nodesDir, 'node_modules')).filter(
		(name) => !name.startsWith('.'),
	);
	if (!isDeepStrictEqual(installed, [PACKAGE.name])) {
		throw new Error(
			`installing the package also installed ${installed.join(', ')}: it must have no runtime dependencies`,
		);
	}
}

export async function waitFor<T>(
	what: string,
	probe: () => T | undefined,
	timeoutMs = POLL_TIMEOUT_MS,
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		const value = probe();
		if (value !== undefined) return value;
		await sleep(2000);
	}
	throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
}

/** The first failure in a run: the run's own error, or a node that did not succeed. */
export function failure(run: RunResult): string | undefined {
	const { error, runData } = run.data.resultData;
	if (error) return [error.message, error.description].filter(Boolean).join(' — ');
	for (const [node, runs] of Object.entries(runData)) {
		const failed = runs.find(
			(nodeRun) => nodeRun.executionStatus !== undefined && nodeRun.executionStatus !== 'success',
		);
		if (failed) return `node "${node}" ended ${failed.executionStatus}`;
	}
	return run.status !== undefined && run.status !== 'success' ? `status ${run.status}` : undefined;
}
