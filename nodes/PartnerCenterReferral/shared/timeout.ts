/**
 * The per-request timeout ("Timeout (Seconds)" of the node's and the trigger's options): its
 * bounds, and reading it from what an expression may give.
 */
import type { IExecuteFunctions, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { runsAsTool } from './tool';
import { amount, isBlank, readsAs, ValueReader } from './values';

/** How long one request waits for Partner Center's answer when the option is not set. */
export const DEFAULT_TIMEOUT_SECONDS = 60;

/** The longest timeout the option accepts (n8n's own default for a request is 300 s). */
export const MAX_TIMEOUT_SECONDS = 600;

/**
 * "Timeout (Seconds)" in ms: blank (not set, or an expression that gives nothing) is the
 * default; anything but a number of seconds from 1 to MAX_TIMEOUT_SECONDS fails naming the
 * option, before anything is sent.
 */
export function timeoutMsForOption(
	context: Pick<IExecuteFunctions | IPollFunctions, 'getNode' | 'getTimezone'>,
	raw: unknown,
	itemIndex?: number,
): number {
	if (isBlank(raw)) return DEFAULT_TIMEOUT_SECONDS * 1000;
	const value = readsAs(context, amount, raw);
	if (value !== undefined && value >= 1 && value <= MAX_TIMEOUT_SECONDS)
		return Math.round(value * 1000);
	const node = context.getNode();
	if (runsAsTool(node)) {
		// for a model: the value rules' words (its argument, or the tool's own setting)
		new ValueReader(context, itemIndex).fail('Timeout (Seconds)', raw, {
			expected: '',
			forModel: `a number of seconds from 1 to ${MAX_TIMEOUT_SECONDS} (empty for ${DEFAULT_TIMEOUT_SECONDS})`,
		});
	}
	throw new NodeOperationError(
		node,
		`Timeout (Seconds) must be a number of seconds from 1 to ${MAX_TIMEOUT_SECONDS}`,
		{
			description: `It is ${JSON.stringify(raw)}. Enter a number such as ${DEFAULT_TIMEOUT_SECONDS} (or an expression that gives one), or remove the option to use ${DEFAULT_TIMEOUT_SECONDS} seconds.`,
			itemIndex,
		},
	);
}
