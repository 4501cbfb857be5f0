/**
 * `npm run n8n [-- --n8n 1|2] [--port P]`: a real n8n editor with this package, offline.
 *
 * Starts the sandbox and a real n8n (installed and cached like `npm run e2e:n8n`, dev/e2e/install.ts)
 * in a fresh user folder, with:
 *   - the package compiled by `tsc --watch` straight into <user folder>/.n8n/nodes/node_modules/<package>
 *     (where n8n loads community packages), its assets copied beside, and N8N_DEV_RELOAD=true, so n8n
 *     reloads the nodes whenever a compile or an asset change lands (as `n8n-node dev` does);
 *   - a credential connected to the sandbox and the examples imported;
 *   - an owner login it creates, printed with the editor URL.
 * n8n may connect to loopback only (dev/e2e/loopback-only.cjs), and requests for Microsoft's token
 * host go to the sandbox (login-to-sandbox.cjs): n8n 2.x refreshes tokens there whatever the
 * credential says. Ctrl-C stops n8n, tsc and the sandbox and removes the user folder.
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import type { FSWatcher } from 'node:fs';
import { existsSync, mkdtempSync, readFileSync, rmSync, watch } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';

import type { Sandbox } from '../sandbox';
import { startSandbox } from '../sandbox';
import { CACHE_DIR, ensureN8n } from '../e2e/install';
import { freePort, N8n, stopAll } from '../e2e/n8n';
import {
	copyAssets,
	CREDENTIAL,
	sandboxLogLine,
	exampleWorkflows,
	isAsset,
	ownerLogin,
	PACKAGE,
	preparePackage,
	ROOT,
	writeCredentialFile,
	writeWorkflowFiles,
} from './files';
import { parseArgs, releaseFor, USAGE } from './options';

/** New incoming referrals of the sandbox that expire within 40 hours (10, 20 and 30 hours) */
const EXPIRING_SOON = 3;

const out = (line = '') => process.stdout.write(`${line}\n`);
const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

/** Resolves when nothing listens on 127.0.0.1:<port>, else fails naming the option to change. */
async function ensurePortFree(port: number): Promise<void> {
	await new Promise<void>((resolve, reject) => {
		const server = createServer();
		server.once('error', () =>
			reject(
				new Error(
					`port ${port} on 127.0.0.1 is in use: stop what uses it or pass --port <another>`,
				),
			),
		);
		server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
	});
}

/** `tsc --watch` of the package into <package>/dist: the process, and its first compile's error count when done. */
function startCompiler(
	packageDir: string,
	onCompiled: (errors: number) => void,
): { child: ChildProcess; firstCompile: Promise<number> } {
	const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
	const child = spawn(
		process.execPath,
		[
			tsc,
			'-p',
			join(ROOT, 'tsconfig.build.json'),
			'--watch',
			'--preserveWatchOutput',
			'--outDir',
			join(packageDir, 'dist'),
		],
		{ cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
	);
	let first: ((errors: number) => void) | undefined;
	const firstCompile = new Promise<number>((resolve) => (first = resolve));
	let buffered = '';
	const onData = (chunk: Buffer) => {
		buffered += chunk.toString();
		const lines = buffered.split('\n');
		buffered = lines.pop() ?? '';
		for (const line of lines) {
			const done = /Found (\d+) errors?\. Watching for file changes/.exec(line);
			if (done) {
				const errors = Number(done[1]);
				if (first) {
					first(errors);
					first = undefined;
				} else {
					onCompiled(errors);
				}
			} else if (/error TS\d+/.test(line)) {
				out(`  tsc: ${stripVTControlCharacters(line).trim()}`);
			}
		}
	};
	child.stdout?.on('data', onData);
	child.stderr?.on('data', onData);
	return {
		child,
		firstCompile: Promise.race([
			firstCompile,
			new Promise<never>((_, reject) =>
				child.once('exit', (code) =>
					reject(new Error(`tsc --watch exited with ${code} before its first compile`)),
				),
			),
		]),
	};
}

function stopGroup(child: ChildProcess | undefined): void {
	if (child?.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
	try {
		process.kill(-child.pid, 'SIGTERM');
	} catch {
		// already gone
	}
}

/** Prints the lines of n8n's log that say it reloaded the nodes (or failed to), as they appear. */
function followReloads(logFile: string): () => void {
	let seen = 0;
	const timer = setInterval(() => {
		if (!existsSync(logFile)) return;
		const text = readFileSync(logFile, 'utf8');
		const lines = text.slice(seen).split('\n');
		seen = text.length - (lines.at(-1)?.length ?? 0);
		for (const line of lines.slice(0, -1)) {
			if (/Hot reload (triggered|failed)/.test(line))
				out(`  n8n: ${stripVTControlCharacters(line).trim()}`);
		}
	}, 1000);
	return () => clearInterval(timer);
}

async function main(): Promise<void> {
	const options = parseArgs(process.argv.slice(2));
	if (options.help) {
		out(USAGE);
		return;
	}
	const started = Date.now();
	const release = releaseFor(options.major);
	await ensurePortFree(options.port);
	out(`n8n ${release.version} (cached in ${CACHE_DIR})`);
	const install = ensureN8n(release);

	const work = mkdtempSync(join(tmpdir(), 'n8n-dev-'));
	const userFolder = join(work, 'user');
	const logFile = join(work, 'n8n.log');
	let compiler: ChildProcess | undefined;
	let sandbox: Sandbox | undefined;
	let n8n: N8n | undefined;
	const watchers: FSWatcher[] = [];
	let stopFollowing = () => {};
	let stopping = false;

	const stop = async (code: number) => {
		if (stopping) return;
		stopping = true;
		out('\nStopping n8n, tsc and the sandbox ...');
		stopFollowing();
		for (const watcher of watchers) watcher.close();
		stopGroup(compiler);
		await n8n?.stop();
		await stopAll();
		await sandbox?.close();
		if (code === 0) rmSync(work, { recursive: true, force: true });
		out(
			`Stopped; nothing left running.${code === 0 ? '' : ` The user folder and n8n's log stay in ${work}`}`,
		);
		process.exit(code);
	};
	for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stop(0));

	try {
		const packageDir = preparePackage(userFolder);
		const distDir = join(packageDir, 'dist');
		out(
			'Compiling the package (tsc --watch) while n8n imports the credential and the examples ...',
		);
		const compilation = startCompiler(packageDir, (errors) => {
			out(
				errors === 0
					? '  rebuilt; n8n reloads the nodes (refresh the editor page)'
					: `  rebuilt with ${errors} error(s) (tsc still wrote what it could; n8n reloads it): fix them and save again`,
			);
		});
		compiler = compilation.child;
		compilation.firstCompile.catch(() => undefined); // awaited below, after the imports

		sandbox = await startSandbox({
			port: 0,
			referralCount: 50,
			// About to Expire (examples/expiry-reminder.json) has something to fire at once
			expiringSoon: EXPIRING_SOON,
			tokenLifetimeSeconds: options.tokenLifetimeSeconds,
			onRequest: (entry) => {
				const line = sandboxLogLine(entry);
				if (line) out(`  sandbox: ${line}`);
			},
		});
		const token = sandbox.issueToken(options.tokenLifetimeSeconds);
		n8n = new N8n(
			install,
			userFolder,
			{ broker: await freePort(), http: options.port },
			join(work, 'blocked-connections.log'),
		);
		n8n.env.NODE_OPTIONS =
			`${n8n.env.NODE_OPTIONS ?? ''} --require ${join(__dirname, 'login-to-sandbox.cjs')}`.trim();
		n8n.env.DEV_LOGIN_SANDBOX = sandbox.url;
		n8n.env.N8N_DEV_RELOAD = 'true';
		// n8n 1.x hot-reloads only "in development", i.e. with NODE_ENV unset or development
		delete n8n.env.NODE_ENV;

		// the imports must not load the package tsc is writing right now
		n8n.env.N8N_COMMUNITY_PACKAGES_PREVENT_LOADING = 'true';
		const examples = exampleWorkflows();
		await n8n.must(['import:credentials', `--input=${writeCredentialFile(work, sandbox, token)}`]);
		await n8n.must([
			'import:workflow',
			'--separate',
			`--input=${writeWorkflowFiles(work, examples)}`,
		]);
		delete n8n.env.N8N_COMMUNITY_PACKAGES_PREVENT_LOADING;

		const errors = await compilation.firstCompile;
		if (errors > 0) throw new Error(`the package does not compile (${errors} error(s) above)`);
		copyAssets(distDir);
		for (const top of ['nodes', 'credentials']) {
			watchers.push(
				watch(join(ROOT, top), { recursive: true }, (_event, name) => {
					if (name && isAsset(name)) {
						const copied = copyAssets(distDir, ROOT, join(ROOT, top, name));
						if (copied.length > 0) out(`  copied ${copied.join(', ')}; n8n reloads the nodes`);
					}
				}),
			);
		}
		out(`Starting n8n (log: ${logFile}) ...`);
		await n8n.start(logFile);
		const login = ownerLogin();
		const setup = await fetch(`${n8n.baseUrl}/rest/owner/setup`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(login),
		});
		if (!setup.ok)
			throw new Error(
				`n8n refused the owner set-up (${setup.status}): ${(await setup.text()).slice(0, 300)}`,
			);
		stopFollowing = followReloads(logFile);

		out(`
✓ n8n ${release.version} is ready in ${seconds(started)}: ${n8n.baseUrl}
  Sign in with:    ${login.email}  /  ${login.password}
  Credential:      "${CREDENTIAL.name}", connected to the sandbox at ${sandbox.url}
  Sandbox:         50 referrals; ${EXPIRING_SOON} New incoming ones expire within 40 hours (About to Expire fires at once)
  Examples:        ${examples.map((example) => example.workflow.name).join('; ')}
  Package:         ${PACKAGE.name}, rebuilt on every change under nodes/ and credentials/
Ctrl-C stops everything.`);
		n8nExited(n8n, () => void stop(1));
	} catch (error) {
		out(`\n✗ ${(error as Error).message}`);
		await stop(1);
	}
}

/** Calls back when n8n stops answering (twice in a row, 5 s apart): its server ended on its own. */
function n8nExited(n8n: N8n, callback: () => void): void {
	let failures = 0;
	const timer = setInterval(() => {
		void fetch(`${n8n.baseUrl}/healthz`).then(
			() => (failures = 0),
			() => {
				if (++failures < 2) return;
				clearInterval(timer);
				out('\nn8n stopped answering.');
				callback();
			},
		);
	}, 5000);
	timer.unref();
}

main().catch(async (error: unknown) => {
	process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
	await stopAll();
	process.exit(1);
});
