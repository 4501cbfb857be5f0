/**
 * Postgres and Redis for the queue-mode check (`npm run e2e:n8n -- --queue`), each started as
 * this process's own child on a free 127.0.0.1 port with its data in the run's work folder, and
 * stopped by stop() or, whatever happens, by stopAll() (n8n.ts). Both come from Debian packages
 * (`postgresql`, `redis-server`), installed with apt-get when missing (the run says so).
 */
import type { ChildProcess } from 'node:child_process';
import { execFileSync, spawn } from 'node:child_process';
import {
	chmodSync,
	chownSync,
	createWriteStream,
	existsSync,
	mkdirSync,
	readdirSync,
	statSync,
} from 'node:fs';
import { createConnection } from 'node:net';
import { dirname, join } from 'node:path';

import { exited, freePort, kill, sleep, track, untrack } from './n8n';

const log = (line: string) => process.stdout.write(`${line}\n`);

export interface Service {
	port: number;
	/** ends the process (and waits for it); safe to call twice */
	stop(): Promise<void>;
}

const isRoot = (): boolean => typeof process.getuid === 'function' && process.getuid() === 0;

/** apt-get install -y <package>, with sudo when not root; says so first. */
function aptInstall(pkg: string, why: string): void {
	log(`  ${why}: installing the Debian package ${pkg} with apt-get (once)`);
	const sudo = isRoot() ? [] : ['sudo', '-n'];
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	const run = (args: string[]) => {
		const [command, ...rest] = [...sudo, ...args];
		execFileSync(command, rest, { env, stdio: ['ignore', 'ignore', 'inherit'] });
	};
	run(['apt-get', 'update', '-qq']);
	run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', pkg]);
}

function which(command: string): string | undefined {
	try {
		return (
			execFileSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).trim() || undefined
		);
	} catch {
		return undefined;
	}
}

/** /usr/lib/postgresql/<newest>/bin, where Debian's postgresql package puts initdb and postgres. */
function postgresBin(): string | undefined {
	const root = '/usr/lib/postgresql';
	if (!existsSync(root)) return undefined;
	const major = readdirSync(root)
		.filter((name) => /^\d+$/.test(name) && existsSync(join(root, name, 'bin', 'postgres')))
		.sort((a, b) => Number(a) - Number(b))
		.at(-1);
	return major === undefined ? undefined : join(root, major, 'bin');
}

async function accepts(port: number): Promise<boolean> {
	return await new Promise((resolve) => {
		const socket = createConnection({ host: '127.0.0.1', port });
		socket.once('connect', () => {
			socket.destroy();
			resolve(true);
		});
		socket.once('error', () => resolve(false));
	});
}

function startChild(
	command: string,
	args: string[],
	logFile: string,
	stopSignal: NodeJS.Signals,
	options: { uid?: number; gid?: number; cwd?: string } = {},
): ChildProcess {
	const child = spawn(command, args, {
		...options,
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const out = createWriteStream(logFile);
	child.stdout?.pipe(out);
	child.stderr?.pipe(out);
	track(child, stopSignal);
	return child;
}

async function ready(
	what: string,
	child: ChildProcess,
	probe: () => Promise<boolean>,
	logFile: string,
	timeoutMs = 60_000,
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (child.exitCode !== null)
			throw new Error(`${what} exited with ${child.exitCode}; see ${logFile}`);
		if (await probe()) return;
		await sleep(250);
	}
	throw new Error(
		`${what} did not accept connections within ${timeoutMs / 1000} s; see ${logFile}`,
	);
}

function stopper(child: ChildProcess, signal: NodeJS.Signals): () => Promise<void> {
	return async () => {
		kill(child, signal);
		await exited(child, 20_000);
		kill(child, 'SIGKILL');
		await exited(child, 5_000);
		untrack(child);
	};
}

/** Redis on a free port, no persistence, data folder <dir>. */
export async function startRedis(dir: string): Promise<Service> {
	if (!which('redis-server')) aptInstall('redis-server', 'redis-server is not installed');
	const server = which('redis-server');
	if (!server)
		throw new Error(
			'redis-server is still not on the PATH after installing the Debian package redis-server',
		);
	mkdirSync(dir, { recursive: true });
	const port = await freePort();
	const logFile = join(dir, 'redis.log');
	const child = startChild(
		server,
		[
			'--port',
			String(port),
			'--bind',
			'127.0.0.1',
			'--dir',
			dir,
			'--save',
			'',
			'--appendonly',
			'no',
			'--daemonize',
			'no',
		],
		logFile,
		'SIGTERM',
	);
	await ready('redis-server', child, async () => await accepts(port), logFile);
	return { port, stop: stopper(child, 'SIGTERM') };
}

export interface Postgres extends Service {
	/** creates an empty database owned by the superuser "postgres" (no password: trust on 127.0.0.1) */
	createDatabase(name: string): void;
}

/**
 * A fresh Postgres cluster in <dir> (initdb, trust authentication, 127.0.0.1 only) on a free
 * port. Postgres refuses to run as root: as root, it runs as the "postgres" user the Debian
 * package creates.
 */
export async function startPostgres(dir: string): Promise<Postgres> {
	if (!postgresBin())
		aptInstall(
			'postgresql',
			'Postgres is not installed (no /usr/lib/postgresql/<version>/bin/postgres)',
		);
	const bin = postgresBin();
	if (!bin)
		throw new Error(
			'no /usr/lib/postgresql/<version>/bin/postgres after installing the Debian package postgresql',
		);
	const data = join(dir, 'data');
	mkdirSync(data, { recursive: true });
	let user: { uid?: number; gid?: number } = {};
	if (isRoot()) {
		// the folders above (mkdtemp makes them 0700) must be passable for the postgres user
		for (let folder = dirname(dir); folder !== dirname(folder); folder = dirname(folder)) {
			chmodSync(folder, statSync(folder).mode | 0o011);
		}
		const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
		const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
		chmodSync(dir, 0o755);
		chownSync(dir, uid, gid);
		chownSync(data, uid, gid);
		user = { uid, gid };
	}
	chmodSync(data, 0o700);
	execFileSync(
		join(bin, 'initdb'),
		['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'],
		{
			...user,
			cwd: dir,
			stdio: ['ignore', 'ignore', 'inherit'],
		},
	);
	const port = await freePort();
	const logFile = join(dir, 'postgres.log');
	const child = startChild(
		join(bin, 'postgres'),
		[
			'-D',
			data,
			'-p',
			String(port),
			'-c',
			'listen_addresses=127.0.0.1',
			'-c',
			`unix_socket_directories=${dir}`,
			'-c',
			'fsync=off',
			'-c',
			'max_connections=200',
		],
		logFile,
		'SIGINT',
		{ ...user, cwd: dir },
	);
	const psql = (database: string, sql: string) =>
		execFileSync(
			join(bin, 'psql'),
			[
				'-h',
				'127.0.0.1',
				'-p',
				String(port),
				'-U',
				'postgres',
				'-d',
				database,
				'-v',
				'ON_ERROR_STOP=1',
				'-qAt',
				'-c',
				sql,
			],
			{
				encoding: 'utf8',
				stdio: ['ignore', 'pipe', 'pipe'],
			},
		);
	await ready(
		'postgres',
		child,
		async () => {
			if (!(await accepts(port))) return false;
			try {
				psql('postgres', 'SELECT 1');
				return true;
			} catch {
				return false;
			}
		},
		logFile,
	);
	return {
		port,
		// SIGINT: Postgres' fast shutdown (SIGTERM would wait for n8n's connections to close)
		stop: stopper(child, 'SIGINT'),
		createDatabase: (name) => {
			psql('postgres', `CREATE DATABASE "${name}"`);
		},
	};
}
