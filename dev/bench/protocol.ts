/**
 * The messages between the bench (parent) and the sandbox it runs in a child process, so
 * that the parent's CPU time is only the node and n8n's engine, never the sandbox.
 */

export interface StartOptions {
	referralCount: number;
	pageSize: number;
	seed: number;
	/** Added to Date.now() for the sandbox clock (the bench uses the same offset for the node). */
	clockOffsetMs: number;
}

export interface SandboxInfo {
	url: string;
	tokenUrl: string;
	clientId: string;
	clientSecret: string;
	accessToken: string;
	refreshToken: string;
	/** Referrals stored (the generated ones plus the documented example). */
	referralCount: number;
}

export interface FaultSettings {
	latencyMs: number;
	maxConcurrent: number;
	retryAfterSeconds: number;
	/** 0 or left out = off; else 429 above this many API requests in any one second */
	maxPerSecond?: number;
}

export interface CounterSnapshot {
	requests: number;
	throttled: number;
	peakConcurrency: number;
	inFlight: number;
	byMethod: Record<string, number>;
	tokenRequests: number;
	unauthorized: number;
	/** CPU time (user + system) of the sandbox process so far, in microseconds. */
	cpuMicros: number;
	/** API requests the sandbox finished since the last reset, and the sum of their durations (arrival to response end, latency included). */
	finishedApiRequests: number;
	apiRequestMs: number;
}

export interface Commands {
	start: { args: StartOptions; result: SandboxInfo };
	faults: { args: FaultSettings; result: null };
	resetCounters: { args: null; result: null };
	counters: { args: null; result: CounterSnapshot };
	/** Ids of the first `count` generated referrals (the documented example excluded). */
	ids: { args: { count: number }; result: string[] };
	/** Updates these referrals (bumps updatedDateTime and eTag); returns their new updatedDateTime. */
	touch: { args: { ids: string[] }; result: string[] };
	close: { args: null; result: null };
}

export type CommandName = keyof Commands;

export interface RequestMessage<K extends CommandName = CommandName> {
	id: number;
	command: K;
	args: Commands[K]['args'];
}

export interface ReplyMessage {
	id: number;
	ok: boolean;
	result?: unknown;
	error?: string;
}
