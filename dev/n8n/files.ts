/**
 * What `npm run n8n` hands to n8n (dev/n8n/run.ts): the credential connected to the sandbox, the
 * examples as workflows, the package where n8n loads community packages, and the owner login.
 * No processes here, so the smoke test (test/dev/n8n.test.ts) runs all of it in `npm test`.
 */
import { randomBytes } from 'node:crypto';
import {
	copyFileSync,
	mkdirSync,
	readdirSync,
	readFileSync,
	statSync,
	writeFileSync,
} from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

import type { RequestLogEntry, TokenSet } from '../sandbox';

export const ROOT = join(__dirname, '..', '..');
export const EXAMPLES_DIR = join(ROOT, 'examples');
export const PACKAGE = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
	name: string;
	version: string;
};

/** The credential the examples name (id and name), so they open connected. */
export const CREDENTIAL = {
	id: 'pcReferralsCred1',
	name: 'Partner Center account',
	type: 'partnerCenterOAuth2Api',
} as const;

/** The sandbox as the credential needs it (a running Sandbox has all of these). */
export interface SandboxEndpoints {
	url: string;
	tokenUrl: string;
	authorizeUrl: string;
	clientId: string;
	clientSecret: string;
}

/**
 * The credential as `n8n import:credentials` reads it: connected (a token from the sandbox), its
 * API Base URL the sandbox. The OAuth2 URLs point at the sandbox too; n8n 1.x uses them, n8n 2.x
 * uses the credential type's own (Microsoft's) and the run's preload routes those to the sandbox.
 */
export function credentialRecord(
	sandbox: SandboxEndpoints,
	token: TokenSet,
): Record<string, unknown> {
	return {
		...CREDENTIAL,
		data: {
			baseUrl: sandbox.url,
			tenantId: 'organizations',
			clientId: sandbox.clientId,
			clientSecret: sandbox.clientSecret,
			authUrl: sandbox.authorizeUrl,
			accessTokenUrl: sandbox.tokenUrl,
			oauthTokenData: {
				access_token: token.accessToken,
				refresh_token: token.refreshToken,
				token_type: 'Bearer',
				expires_in: token.expiresIn,
			},
		},
	};
}

/** Writes <dir>/credential.json for `n8n import:credentials --input=`; returns its path. */
export function writeCredentialFile(
	dir: string,
	sandbox: SandboxEndpoints,
	token: TokenSet,
): string {
	mkdirSync(dir, { recursive: true });
	const file = join(dir, 'credential.json');
	writeFileSync(file, JSON.stringify([credentialRecord(sandbox, token)], null, 2));
	return file;
}

export interface ExampleWorkflow {
	file: string;
	/** a stable id (n8n keeps imported ids), pcDevExample0001 ... in file order */
	id: string;
	workflow: { name: string; nodes: Array<Record<string, unknown>>; [key: string]: unknown };
}

/** Every examples/*.json, sorted, with an id each; left inactive (a trigger is the user's to activate). */
export function exampleWorkflows(examplesDir = EXAMPLES_DIR): ExampleWorkflow[] {
	return readdirSync(examplesDir)
		.filter((file) => file.endsWith('.json'))
		.sort()
		.map((file, index) => ({
			file,
			id: `pcDevExample${String(index + 1).padStart(4, '0')}`,
			workflow: JSON.parse(
				readFileSync(join(examplesDir, file), 'utf8'),
			) as ExampleWorkflow['workflow'],
		}));
}

/** One file per example in <dir>/workflows for `n8n import:workflow --separate --input=`; returns that folder. */
export function writeWorkflowFiles(dir: string, examples: readonly ExampleWorkflow[]): string {
	const folder = join(dir, 'workflows');
	mkdirSync(folder, { recursive: true });
	for (const example of examples) {
		writeFileSync(
			join(folder, example.file),
			JSON.stringify({ ...example.workflow, id: example.id, active: false }, null, 2),
		);
	}
	return folder;
}

/** Where n8n loads community packages from: <user folder>/.n8n/nodes/node_modules/<package>. */
export function packageDir(userFolder: string): string {
	return join(userFolder, '.n8n', 'nodes', 'node_modules', PACKAGE.name);
}

/**
 * The package folder n8n loads, before its dist/ is built into it: package.json (n8n reads the
 * node and credential list from it) and the nodes folder's own package.json, as npm leaves them.
 */
export function preparePackage(userFolder: string, root = ROOT): string {
	const dir = packageDir(userFolder);
	mkdirSync(join(dir, 'dist'), { recursive: true });
	writeFileSync(
		join(userFolder, '.n8n', 'nodes', 'package.json'),
		'{"name":"installed-nodes","private":true}\n',
	);
	copyFileSync(join(root, 'package.json'), join(dir, 'package.json'));
	return dir;
}

/** What tsc does not emit but n8n reads (the build's gulp build:assets): icons, codex files, output schemas. */
export function isAsset(path: string): boolean {
	const name = path.split(/[\\/]/).pop() ?? '';
	return (
		/\.(svg|png)$/.test(name) ||
		name.endsWith('.node.json') ||
		(path.split(/[\\/]/).includes('__schema__') && name.endsWith('.json'))
	);
}

/** Copies the assets under nodes/ and credentials/ (or the one changed file) into <package>/dist; returns what it copied. */
export function copyAssets(distDir: string, root = ROOT, only?: string): string[] {
	const copied: string[] = [];
	const visit = (path: string) => {
		const stats = statSync(path, { throwIfNoEntry: false });
		if (!stats) return;
		if (stats.isDirectory()) {
			for (const entry of readdirSync(path)) visit(join(path, entry));
		} else if (isAsset(path)) {
			const target = join(distDir, relative(root, path));
			mkdirSync(dirname(target), { recursive: true });
			copyFileSync(path, target);
			copied.push(relative(root, path).split(sep).join('/'));
		}
	};
	if (only !== undefined) visit(only);
	else for (const top of ['nodes', 'credentials']) visit(join(root, top));
	return copied.sort();
}

/** The editor's owner, created at start: n8n wants 8+ characters with a digit and an upper-case letter. */
export function ownerLogin(random: (bytes: number) => Buffer = randomBytes): {
	email: string;
	firstName: string;
	lastName: string;
	password: string;
} {
	return {
		email: 'owner@example.com',
		firstName: 'Dev',
		lastName: 'Owner',
		password: `Pc-${random(6).toString('hex')}-N8n`,
	};
}

/**
 * The sandbox requests worth a line while the editor runs: sign-in (token) requests, and API
 * answers that are not a success (a 401 is an expired token n8n then refreshes). Else undefined.
 */
export function sandboxLogLine(entry: RequestLogEntry): string | undefined {
	const path = entry.url.split('?')[0];
	if (/\/oauth2\/v2\.0\/token$/i.test(path)) {
		return `${entry.method} ${path} → ${entry.status}${entry.status === 200 ? ' (n8n got a token: a refresh, offline)' : ''}`;
	}
	if (entry.status >= 400 || entry.status === 0) {
		return `${entry.method} ${entry.url} → ${entry.status === 0 ? 'connection dropped' : entry.status}${entry.status === 401 ? ' (token expired; n8n refreshes it)' : ''}`;
	}
	return undefined;
}
