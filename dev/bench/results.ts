/**
 * The shapes of the bench's results, shared by run.ts and the group files (batch.ts,
 * baselines.ts, pool.ts, rate.ts, …), which run.ts imports: the imports go one way.
 */

/** One run of many Get requests (the pool and rate rows). */
export interface BatchResult {
	scenario: string;
	ids: number;
	concurrency: number | 'unbounded';
	wallMs: number;
	/** for a capped sequential run: the wall time scaled to all ids */
	extrapolatedWallMs?: number;
	requests: number;
	throttled: number;
	failedItems: number;
	/** most requests in flight at once, as the sandbox saw them */
	peakInFlight: number;
	/** the service answers 429 above this many in flight */
	serviceMaxConcurrent: number;
	/** the service answers 429 above this many requests in one second (the rate rows) */
	servicePerSecond?: number;
	/** the service's own limit: ids / its limit in flight × latency (rate rows: ids / its requests per second) */
	serviceLimitMs: number;
	ratioToServiceLimit: number;
	/** the limit of this client: ids / min(its concurrency, 10) × latency */
	ownLimitMs?: number;
	ratioToOwnLimit?: number;
	/** sandbox time per request, arrival to response end (the 50 ms latency included) */
	serverMsPerRequest: number;
	cpuMicros: number;
	cpuMicrosPerRequest: number;
	sandboxCpuMicros: number;
	note?: string;
}

/** One goal of the report: what is aimed at, what was measured, and whether it holds. */
export interface Target {
	name: string;
	target: string;
	actual: string;
	pass: boolean;
}
