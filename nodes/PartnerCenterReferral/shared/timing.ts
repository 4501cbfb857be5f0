import { sleep } from 'n8n-workflow';

/**
 * Waiting, randomness and n8n's clock, the node's only ones: the transport waits between
 * retries, the trigger reads the time. One object, so tests and the bench can replace them
 * (retries checked without waiting, a trigger run on a simulated clock).
 */
export const timing = {
	sleep: async (ms: number): Promise<void> => await sleep(ms),
	random: (): number => Math.random(),
	now: (): number => Date.now(),
};
