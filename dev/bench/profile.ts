/**
 * The node's own CPU time in a bench run, measured: V8's CPU profiler (node:inspector) around
 * the run, and the self time of the frames whose source is under nodes/ or credentials/ (the
 * node's own code, not the n8n code it calls, nor the code that calls it).
 *
 * A sample's self time is the time to the next sample, which on a busy machine includes moments
 * the process waited for a core. So the node's CPU is its share of the busy self time (all but
 * `(idle)`) times the CPU time (process.cpuUsage) of the same profiled run; the raw self time
 * is kept beside it.
 *
 * Builtins count for the JS function that calls them, so `JSON.parse` and the UTF-8 decoding of
 * a response's body are in the transport's `decodeBody` (it asks n8n for the body as bytes and
 * decodes it itself). That decoding is split out (`decodingCpuMicros`): every client pays it,
 * in n8n's code or in ours, and it grows with the page, not with what the node does.
 */
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const REPO = path.resolve(__dirname, '../..');
const OWN_SOURCES = ['nodes', 'credentials'].map(
	(folder) => pathToFileURL(path.join(REPO, folder)).href + '/',
);
const SAMPLING_INTERVAL_MICROS = 100;
/** The function (file relative to the repository, name) that decodes a response body: UTF-8 and JSON.parse. */
const BODY_DECODING = {
	file: 'nodes/PartnerCenterReferral/transport/request.ts',
	name: 'decodeBody',
};

export interface OwnCpu {
	/** CPU time (user + system) of this process during the profiled run */
	processCpuMicros: number;
	/** of which in the node's own files: their share of the busy self time × processCpuMicros */
	ownCpuMicros: number;
	/** the node's share of the busy self time */
	ownShare: number;
	/** of ownCpuMicros, the decoding of the response bodies (UTF-8 text and JSON.parse, in `decodeBody`) */
	decodingCpuMicros: number;
	/** its share of the busy self time */
	decodingShare: number;
	/** raw self time in the node's own files (wall clock between samples: includes waits for a core) */
	ownSelfMicros: number;
	/** raw self time of all busy samples */
	busySelfMicros: number;
	/** ownCpuMicros by file (relative to the repository), largest first */
	byFile: Record<string, number>;
	/** ownCpuMicros by function (`file:function`), the ten largest */
	topFunctions: Record<string, number>;
	samplingIntervalMicros: number;
}

interface ProfileNode {
	id: number;
	callFrame: { url: string; functionName: string; lineNumber: number };
}

interface Profile {
	nodes: ProfileNode[];
	startTime: number;
	endTime: number;
	samples?: number[];
	timeDeltas?: number[];
}

const sortedRecord = (
	entries: Map<string, number>,
	scale: number,
	limit = Number.POSITIVE_INFINITY,
) =>
	Object.fromEntries(
		[...entries.entries()]
			.sort((a, b) => b[1] - a[1])
			.slice(0, limit)
			.map(([key, self]) => [key, Math.round(self * scale)]),
	);

/** Runs `run` under the CPU profiler; returns its value and the node's own CPU time in it. */
export async function profileOwnCpu<T>(run: () => Promise<T>): Promise<{ value: T; cpu: OwnCpu }> {
	const session = new Session();
	session.connect();
	try {
		await session.post('Profiler.enable');
		await session.post('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_MICROS });
		await session.post('Profiler.start');
		let value: T;
		let processCpuMicros: number;
		let profile: Profile;
		const started = process.cpuUsage();
		try {
			value = await run();
		} finally {
			const used = process.cpuUsage(started);
			processCpuMicros = used.user + used.system;
			({ profile } = (await session.post('Profiler.stop')) as { profile: Profile });
		}
		const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
		const samples = profile.samples ?? [];
		const deltas = profile.timeDeltas ?? [];
		let busySelfMicros = 0;
		let ownSelfMicros = 0;
		let decodingSelfMicros = 0;
		const byFile = new Map<string, number>();
		const byFunction = new Map<string, number>();
		for (let index = 0; index < samples.length; index++) {
			const frame = frames.get(samples[index]);
			if (!frame || frame.functionName === '(idle)') continue;
			// A sample's self time runs to the next sample (the last one: to the end of the profile).
			const self = index + 1 < deltas.length ? deltas[index + 1] : SAMPLING_INTERVAL_MICROS;
			busySelfMicros += self;
			if (!OWN_SOURCES.some((prefix) => frame.url.startsWith(prefix))) continue;
			ownSelfMicros += self;
			const file = path.relative(REPO, new URL(frame.url).pathname);
			if (file === BODY_DECODING.file && frame.functionName === BODY_DECODING.name)
				decodingSelfMicros += self;
			byFile.set(file, (byFile.get(file) ?? 0) + self);
			const name = `${file}:${frame.functionName || '(anonymous)'}:${frame.lineNumber + 1}`;
			byFunction.set(name, (byFunction.get(name) ?? 0) + self);
		}
		const toCpu = processCpuMicros / Math.max(1, busySelfMicros);
		return {
			value,
			cpu: {
				processCpuMicros,
				ownCpuMicros: Math.round(ownSelfMicros * toCpu),
				ownShare: Math.round((ownSelfMicros / Math.max(1, busySelfMicros)) * 1000) / 1000,
				decodingCpuMicros: Math.round(decodingSelfMicros * toCpu),
				decodingShare: Math.round((decodingSelfMicros / Math.max(1, busySelfMicros)) * 1000) / 1000,
				ownSelfMicros,
				busySelfMicros,
				byFile: sortedRecord(byFile, toCpu),
				topFunctions: sortedRecord(byFunction, toCpu, 10),
				samplingIntervalMicros: SAMPLING_INTERVAL_MICROS,
			},
		};
	} finally {
		session.disconnect();
	}
}
