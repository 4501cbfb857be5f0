/**
 * How `npm run bench` measures a run: the sandbox's fault settings of the runs, wall time, this
 * process's CPU time and peak RSS around a run, the first request a run sends, and the number
 * formats and table of the report. Every group's file (batch.ts, baselines.ts, pool.ts, rate.ts,
 * getMany.ts, triggerPoll.ts) measures with this; run.ts runs the groups and prints the tables.
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';

import type { CounterSnapshot, FaultSettings } from './protocol';
import type { RemoteSandbox } from './remote-sandbox';

export const LATENCY_MS = 50;
export const RETRY_AFTER_SECONDS = 1;
const RSS_SAMPLE_MS = 5;

export const LATENCY_ONLY: FaultSettings = {
	latencyMs: LATENCY_MS,
	maxConcurrent: 0,
	retryAfterSeconds: RETRY_AFTER_SECONDS,
};
export const NO_FAULTS: FaultSettings = {
	latencyMs: 0,
	maxConcurrent: 0,
	retryAfterSeconds: RETRY_AFTER_SECONDS,
};

export const round = (value: number, digits = 2): number =>
	Math.round(value * 10 ** digits) / 10 ** digits;
export const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
export const ratio = (value: number) => `${value.toFixed(2)}×`;

export interface Measured<T> {
	value: T;
	wallMs: number;
	/** CPU time (user + system) of this process during the run */
	cpuMicros: number;
	rssBeforeBytes: number;
	peakRssBytes: number;
	counters: CounterSnapshot;
	sandboxCpuMicros: number;
}

/**
 * Runs one scenario: sets the sandbox's faults, resets its counters, and measures wall time,
 * this process's CPU time and peak RSS (sampled every few ms) around `run`.
 */
export async function measure<T>(
	sandbox: RemoteSandbox,
	faults: FaultSettings,
	run: () => Promise<T>,
): Promise<Measured<T>> {
	await sandbox.call('faults', faults);
	await sandbox.call('resetCounters', null);
	const before = await sandbox.call('counters', null);
	const rssBeforeBytes = process.memoryUsage.rss();
	let peakRssBytes = rssBeforeBytes;
	const sampler = setInterval(() => {
		peakRssBytes = Math.max(peakRssBytes, process.memoryUsage.rss());
	}, RSS_SAMPLE_MS);
	let value: T;
	let wallMs: number;
	let cpuMicros: number;
	try {
		const cpu = process.cpuUsage();
		const started = performance.now();
		value = await run();
		wallMs = performance.now() - started;
		const used = process.cpuUsage(cpu);
		cpuMicros = used.user + used.system;
		peakRssBytes = Math.max(peakRssBytes, process.memoryUsage.rss());
	} finally {
		clearInterval(sampler);
	}
	const counters = await sandbox.call('counters', null);
	return {
		value,
		wallMs,
		cpuMicros,
		rssBeforeBytes,
		peakRssBytes,
		counters,
		sandboxCpuMicros: counters.cpuMicros - before.cpuMicros,
	};
}

/** The path and query of the first HTTP request this process sends while `run` runs. */
export async function firstRequestPath<T>(
	run: () => Promise<T>,
): Promise<{ value: T; path: string | undefined }> {
	let first: string | undefined;
	const onStart = (message: unknown) => {
		first ??= (message as { request: ClientRequest }).request.path;
	};
	diagnosticsChannel.subscribe('http.client.request.start', onStart);
	try {
		return { value: await run(), path: first };
	} finally {
		diagnosticsChannel.unsubscribe('http.client.request.start', onStart);
	}
}

export function table(
	headers: string[],
	rows: Array<Array<string | number>>,
	rightAligned: number[] = [],
): string {
	const cells = [headers, ...rows.map((row) => row.map(String))];
	const widths = headers.map((_, column) => Math.max(...cells.map((row) => row[column].length)));
	const line = (row: string[]) =>
		row
			.map((cell, column) =>
				rightAligned.includes(column) ? cell.padStart(widths[column]) : cell.padEnd(widths[column]),
			)
			.join('  ')
			.trimEnd();
	return [
		line(cells[0]),
		widths.map((width) => '-'.repeat(width)).join('  '),
		...cells.slice(1).map(line),
	].join('\n');
}
