/**
 * One real n8n (from dev/e2e/install.ts) with its own user folder: its CLI commands, `n8n start`,
 * and the executions it stored. Every process it starts is a process-group leader listed in
 * `processes`, so that stopAll() ends them and their children whatever happens.
 */
import type { ChildProcess } from 'node:child_process';
import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';

import type { N8nInstall } from './install';

const processes = new Set<ChildProcess>();

/** Every process group ever started here, for leftovers(). */
const groups = new Map<number, string>();

/** The signal stopAll() ends a process with when it is not SIGTERM (Postgres: SIGINT, its fast shutdown). */
const stopSignals = new Map<ChildProcess, NodeJS.Signals>();

/** Lets stopAll() end a process started elsewhere (Postgres, Redis); untrack() once it ended. */
export function track(child: ChildProcess, stopSignal: NodeJS.Signals = 'SIGTERM'): void {
	processes.add(child);
	stopSignals.set(child, stopSignal);
	if (child.pid !== undefined) groups.set(child.pid, child.spawnargs.slice(0, 3).join(' '));
}

/** The process groups started here that still have a live process (none after stopAll()). */
export function leftovers(): string[] {
	return [...groups].flatMap(([pid, command]) => {
		try {
			process.kill(-pid, 0);
			return [`${pid} (${command})`];
		} catch {
			return [];
		}
	});
}
export function untrack(child: ChildProcess): void {
	processes.delete(child);
	stopSignals.delete(child);
}

export function kill(child: ChildProcess, signal: NodeJS.Signals): void {
	if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
	try {
		process.kill(-child.pid, signal);
	} catch {
		// already gone
	}
}

/** Ends every process started here (SIGTERM, then SIGKILL for what is still running 10 s later). */
export async function stopAll(): Promise<void> {
	const running = [...processes];
	for (const child of running) kill(child, stopSignals.get(child) ?? 'SIGTERM');
	await Promise.all(running.map((child) => exited(child, 10_000)));
	for (const child of running) kill(child, 'SIGKILL');
	// until reaped, a killed process still counts as running for leftovers()
	await Promise.all(running.map((child) => exited(child, 5_000)));
}

export async function exited(child: ChildProcess, timeoutMs: number): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return;
	await new Promise<void>((resolve) => {
		const timer = setTimeout(resolve, timeoutMs);
		child.once('exit', () => {
			clearTimeout(timer);
			resolve();
		});
	});
}

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export async function freePort(): Promise<number> {
	return await new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
		});
	});
}

export const sleep = async (ms: number): Promise<void> =>
	await new Promise((resolve) => setTimeout(resolve, ms));

export interface CliResult {
	code: number | null;
	stdout: string;
	stderr: string;
}

export interface StoredExecution {
	id: string;
	status: string;
	mode: string;
	/** the run data, parsed from n8n's stored (flatted) form */
	data: RunResult['data'];
}

/** What `n8n execute --rawOutput` prints (and n8n stores) for one run. */
export interface RunResult {
	status?: string;
	data: {
		resultData: {
			error?: { message?: string; description?: string };
			lastNodeExecuted?: string;
			runData: Record<
				string,
				Array<{
					executionStatus?: string;
					data?: { main?: Array<Array<{ json: Record<string, unknown> }> | null> };
				}>
			>;
		};
	};
}

export class N8n {
	readonly env: NodeJS.ProcessEnv;
	private server: ChildProcess | undefined;

	constructor(
		readonly install: N8nInstall,
		readonly userFolder: string,
		ports: { broker: number; http: number },
		/** file the loopback guard appends blocked connection attempts to */
		readonly blockedLog: string,
		/** queue mode: more environment (database, Redis, ...) and the Postgres database to read */
		readonly options: {
			env?: Record<string, string>;
			postgres?: { port: number; database: string };
		} = {},
	) {
		const inherited = Object.fromEntries(
			Object.entries(process.env).filter(([name]) => !/^(npm_|NODE_OPTIONS$|N8N_)/i.test(name)),
		);
		this.env = {
			...inherited,
			PATH: `${install.nodeBinDir}${delimiter}${process.env.PATH ?? ''}`,
			NODE_OPTIONS: `--require ${join(__dirname, 'loopback-only.cjs')}`,
			E2E_BLOCKED_LOG: blockedLog,
			N8N_USER_FOLDER: userFolder,
			N8N_EXPRESSION_ENGINE: 'legacy',
			// 2.x starts its task broker even with runners off, on a fixed port unless told otherwise
			N8N_RUNNERS_ENABLED: 'false',
			N8N_RUNNERS_BROKER_PORT: String(ports.broker),
			N8N_PORT: String(ports.http),
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_HOST: '127.0.0.1',
			N8N_SECURE_COOKIE: 'false',
			N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_REINSTALL_MISSING_PACKAGES: 'false',
			...options.env,
		};
	}

	/** the process id of the running `n8n start` / `n8n worker` */
	get pid(): number | undefined {
		return this.server?.pid;
	}

	get baseUrl(): string {
		return `http://127.0.0.1:${this.env.N8N_PORT}`;
	}

	/** `n8n <args>`, its output collected; rejects only when it cannot be started or runs too long. */
	async cli(args: string[], timeoutMs = 180_000): Promise<CliResult> {
		const child = spawn(this.install.node, [this.install.bin, ...args], {
			env: this.env,
			detached: true,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		track(child);
		let stdout = '';
		let stderr = '';
		child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
		child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		const timer = setTimeout(() => kill(child, 'SIGKILL'), timeoutMs);
		try {
			const code = await new Promise<number | null>((resolve, reject) => {
				child.once('error', reject);
				child.once('close', (exitCode) => resolve(exitCode));
			});
			if (child.signalCode === 'SIGKILL')
				throw new Error(`n8n ${args[0]} did not finish within ${timeoutMs / 1000} s`);
			return { code, stdout, stderr };
		} finally {
			clearTimeout(timer);
			processes.delete(child);
		}
	}

	/** Like cli(), but a non-zero exit is an error that quotes n8n's output. */
	async must(args: string[]): Promise<string> {
		const result = await this.cli(args);
		if (result.code !== 0) {
			throw new Error(
				`n8n ${args.join(' ')} exited with ${result.code}:\n${(result.stdout + result.stderr).trim().slice(-2000)}`,
			);
		}
		return result.stdout;
	}

	/** `n8n execute --id=<id> --rawOutput`, with the run it printed (after n8n's own log lines). */
	async execute(
		workflowId: string,
	): Promise<{ code: number | null; run?: RunResult; output: string }> {
		const { code, stdout, stderr } = await this.cli([
			'execute',
			`--id=${workflowId}`,
			'--rawOutput',
		]);
		const start = stdout.search(/^\{$/m);
		let run: RunResult | undefined;
		if (start >= 0) {
			try {
				run = JSON.parse(stdout.slice(start)) as RunResult;
			} catch {
				run = undefined;
			}
		}
		return { code, run, output: `${stdout}\n${stderr}`.trim() };
	}

	/**
	 * `n8n start` in the background (output to logFile), resolved once it says the editor is
	 * accessible (its routes are registered only then; /healthz answers earlier) and /healthz answers.
	 */
	async start(logFile: string, timeoutMs = 180_000): Promise<void> {
		await this.startProcess(
			['start'],
			'Editor is now accessible',
			this.baseUrl,
			logFile,
			timeoutMs,
		);
	}

	/**
	 * `n8n worker` in the background (queue mode, output to logFile), resolved once it says it is
	 * ready and its health check (QUEUE_HEALTH_CHECK_PORT) answers.
	 */
	async startWorker(logFile: string, concurrency = 10, timeoutMs = 180_000): Promise<void> {
		const health = `http://127.0.0.1:${this.env.QUEUE_HEALTH_CHECK_PORT}`;
		await this.startProcess(
			['worker', `--concurrency=${concurrency}`],
			'n8n worker is now ready',
			health,
			logFile,
			timeoutMs,
		);
	}

	private async startProcess(
		args: string[],
		readyText: string,
		url: string,
		logFile: string,
		timeoutMs: number,
	): Promise<void> {
		const log = createWriteStream(logFile, { flags: 'a' });
		const child = spawn(this.install.node, [this.install.bin, ...args], {
			env: this.env,
			detached: true,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		track(child);
		this.server = child;
		let output = '';
		child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
		child.stdout?.pipe(log);
		child.stderr?.pipe(log);
		const deadline = Date.now() + timeoutMs;
		while (Date.now() < deadline) {
			if (child.exitCode !== null)
				throw new Error(`n8n ${args[0]} exited with ${child.exitCode}; see ${logFile}`);
			const healthy =
				output.includes(readyText) &&
				(await fetch(`${url}/healthz`).then(
					(response) => response.ok,
					() => false,
				));
			if (healthy) return;
			await sleep(1000);
		}
		throw new Error(
			`n8n ${args[0]} did not answer on ${url}/healthz within ${timeoutMs / 1000} s; see ${logFile}`,
		);
	}

	async stop(): Promise<void> {
		const server = this.server;
		if (!server) return;
		kill(server, 'SIGTERM');
		await exited(server, 20_000);
		kill(server, 'SIGKILL');
		processes.delete(server);
		this.server = undefined;
	}

	/**
	 * Rows of a query on n8n's database (quote camelCase columns: "workflowId"), run by n8n's own
	 * node and its sqlite3 or, in queue mode, pg module.
	 */
	query(sql: string, parameters: string[]): Array<Record<string, unknown>> {
		const postgres = this.options.postgres;
		if (postgres) {
			let n = 0;
			const script = `
				const [modules, port, database, sql, parameters] = process.argv.slice(1);
				const { Client } = require(modules + '/pg');
				const client = new Client({ host: '127.0.0.1', port: Number(port), user: 'postgres', database });
				client.connect()
					.then(() => client.query(sql, JSON.parse(parameters)))
					.then((result) => { process.stdout.write(JSON.stringify(result.rows)); return client.end(); })
					.catch((error) => { console.error(error.message); process.exit(1); });`;
			const output = execFileSync(
				this.install.node,
				[
					'-e',
					script,
					this.install.modules,
					String(postgres.port),
					postgres.database,
					sql.replace(/\?/g, () => `$${++n}`),
					JSON.stringify(parameters),
				],
				{ encoding: 'utf8', env: this.env },
			);
			return JSON.parse(output) as Array<Record<string, unknown>>;
		}
		const script = `
			const [modules, file, sql, parameters] = process.argv.slice(1);
			const sqlite3 = require(modules + '/sqlite3');
			const db = new sqlite3.Database(file, sqlite3.OPEN_READONLY);
			db.all(sql, JSON.parse(parameters), (error, rows) => {
				if (error) throw error;
				process.stdout.write(JSON.stringify(rows));
				db.close();
			});`;
		const database = join(this.userFolder, '.n8n', 'database.sqlite');
		const output = execFileSync(
			this.install.node,
			['-e', script, this.install.modules, database, sql, JSON.stringify(parameters)],
			{
				encoding: 'utf8',
				env: this.env,
			},
		);
		return JSON.parse(output) as Array<Record<string, unknown>>;
	}

	/** The executions n8n stored for a workflow, oldest first, their run data parsed (n8n stores it "flatted"). */
	executions(workflowId: string): StoredExecution[] {
		const { parse } = createRequire(join(this.install.modules, 'n8n', 'package.json'))(
			'flatted',
		) as { parse: (text: string) => unknown };
		return this.query(
			'SELECT e.id, e.status, e.mode, d.data FROM execution_entity e JOIN execution_data d ON d."executionId" = e.id WHERE e."workflowId" = ? ORDER BY e.id',
			[workflowId],
		).map((row) => ({
			id: String(row.id),
			status: String(row.status),
			mode: String(row.mode),
			data: parse(String(row.data)) as StoredExecution['data'],
		}));
	}

	/** The workflow's static data (where the trigger keeps its state), once a poll stored it. */
	staticData(workflowId: string): Record<string, unknown> | undefined {
		const [row] = this.query('SELECT "staticData" FROM workflow_entity WHERE id = ?', [workflowId]);
		if (typeof row?.staticData === 'string')
			return JSON.parse(row.staticData) as Record<string, unknown>;
		// Postgres returns its json column parsed
		return row?.staticData !== null && typeof row?.staticData === 'object'
			? (row.staticData as Record<string, unknown>)
			: undefined;
	}
}
