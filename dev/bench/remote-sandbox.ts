/**
 * Runs the sandbox in a child process (sandbox-process.ts, forked with the same tsx loader
 * as the bench) and drives it over IPC. The child is killed when the bench exits, however
 * it exits (normal end, error, SIGINT/SIGTERM), and it exits by itself if the bench dies.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';

import type {
	CommandName,
	Commands,
	ReplyMessage,
	RequestMessage,
	SandboxInfo,
	StartOptions,
} from './protocol';

const CALL_TIMEOUT_MS = 60_000;
const CLOSE_TIMEOUT_MS = 5_000;

const children = new Set<ChildProcess>();

function killAll(): void {
	for (const child of children) {
		if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
	}
	children.clear();
}

let cleanupRegistered = false;

function registerCleanup(): void {
	if (cleanupRegistered) return;
	cleanupRegistered = true;
	process.once('exit', killAll);
	for (const [signal, code] of [
		['SIGINT', 130],
		['SIGTERM', 143],
		['SIGHUP', 129],
	] as const) {
		process.once(signal, () => {
			killAll();
			process.exit(code);
		});
	}
}

interface Pending {
	resolve: (value: unknown) => void;
	reject: (error: Error) => void;
	timer: NodeJS.Timeout;
}

export class RemoteSandbox {
	private nextId = 1;

	private readonly pending = new Map<number, Pending>();

	private exited: Error | undefined;

	private constructor(
		private readonly child: ChildProcess,
		public info: SandboxInfo,
	) {}

	static async start(options: StartOptions): Promise<RemoteSandbox> {
		registerCleanup();
		const child = fork(path.join(__dirname, 'sandbox-process.ts'), [], {
			// the tsx loader flags the bench itself runs with
			execArgv: process.execArgv,
			stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
		});
		children.add(child);
		const remote = new RemoteSandbox(child, undefined as unknown as SandboxInfo);
		child.on('message', (message: unknown) => remote.onReply(message as ReplyMessage));
		child.once('exit', (code, signal) => {
			children.delete(child);
			remote.fail(
				new Error(
					`The sandbox process exited (code ${code ?? 'none'}, signal ${signal ?? 'none'})`,
				),
			);
		});
		child.once('error', (error) => remote.fail(error));
		try {
			remote.info = await remote.call('start', options);
		} catch (error) {
			remote.kill();
			throw error;
		}
		return remote;
	}

	async call<K extends CommandName>(
		command: K,
		args: Commands[K]['args'],
	): Promise<Commands[K]['result']> {
		if (this.exited) throw this.exited;
		const id = this.nextId++;
		const message: RequestMessage<K> = { id, command, args };
		return await new Promise<Commands[K]['result']>((resolve, reject) => {
			const timer = setTimeout(() => {
				this.pending.delete(id);
				reject(new Error(`The sandbox did not answer "${command}" within ${CALL_TIMEOUT_MS} ms`));
			}, CALL_TIMEOUT_MS);
			this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject, timer });
			this.child.send(message, (error) => {
				if (!error) return;
				clearTimeout(timer);
				this.pending.delete(id);
				reject(error);
			});
		});
	}

	/** Asks the child to close the sandbox and exit; kills it if it does not within a few seconds. */
	async close(): Promise<void> {
		if (this.exited) return;
		const exited = new Promise<void>((resolve) => {
			if (this.child.exitCode !== null || this.child.signalCode !== null) resolve();
			else this.child.once('exit', () => resolve());
		});
		let timer: NodeJS.Timeout | undefined;
		const timeout = new Promise<void>((resolve) => {
			timer = setTimeout(resolve, CLOSE_TIMEOUT_MS);
		});
		await this.call('close', null).catch(() => undefined);
		await Promise.race([exited, timeout]);
		clearTimeout(timer);
		this.kill();
	}

	kill(): void {
		if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
		children.delete(this.child);
	}

	private onReply(message: ReplyMessage): void {
		const pending = this.pending.get(message.id);
		if (!pending) return;
		this.pending.delete(message.id);
		clearTimeout(pending.timer);
		if (message.ok) pending.resolve(message.result);
		else pending.reject(new Error(`Sandbox process: ${message.error ?? 'unknown error'}`));
	}

	private fail(error: Error): void {
		this.exited ??= error;
		for (const [id, pending] of this.pending) {
			clearTimeout(pending.timer);
			pending.reject(error);
			this.pending.delete(id);
		}
	}
}
