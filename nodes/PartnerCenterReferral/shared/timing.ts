import { sleep } from 'n8n-workflow';

/**
 * Waiting, randomness and n8n's clock, the node's only ones: the transport waits between
 * retries and bounds each attempt, the trigger reads the time. One object, so tests and the
 * bench can replace them (retries checked without waiting, a trigger run on a simulated clock).
 */
export const timing = {
	sleep: async (ms: number): Promise<void> => await sleep(ms),
	/**
	 * A signal that aborts after `ms`: an attempt's time limit. Unlike a sleep it holds
	 * nothing once its attempt is over (Node's timer is unreferenced and goes with the signal).
	 */
	signalAfter: (ms: number): AbortSignal => AbortSignal.timeout(ms),
	random: (): number => Math.random(),
	now: (): number => Date.now(),
};
