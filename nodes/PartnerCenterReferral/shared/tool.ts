/**
 * The node as a tool of an AI model (n8n's AI Agent, its MCP Server Trigger): how the node
 * knows it runs as one, the names the model gave its arguments, and how big one answer may be.
 *
 * n8n turns a `usableAsTool` node into a second node type named `<name>Tool` (in 1.x and 2.x
 * alike), and runs that one when a model calls it: the node runs as a tool exactly when its
 * type ends with "Tool". A value the model chose reaches a parameter through an expression
 * `$fromAI('<key>', ...)`; the model knows only the key.
 */
import type { INode, NodeParameterValueType } from 'n8n-workflow';

/** Whether the node runs as an AI tool (its type is n8n's `<name>Tool` wrapper). */
export function runsAsTool(node: Partial<Pick<INode, 'type'>>): boolean {
	return typeof node.type === 'string' && node.type.endsWith('Tool');
}

/** `$fromAI('key'`, `$fromAI("key"` or `` $fromAI(`key` ``: the key, as n8n reads it. */
const FROM_AI_KEY = /\$fromAI\(\s*(['"`])([^'"`]*)\1/;

/**
 * The key of the model's argument behind a parameter: its `$fromAI` key when the parameter's
 * value (a resource locator's value, an entry of a collection) calls `$fromAI`, else undefined.
 * `path` is the parameter's name, or a collection's name and the field's (["filters", "status"]).
 */
export function argumentName(
	node: Pick<INode, 'parameters'>,
	path: readonly string[],
): string | undefined {
	let value: NodeParameterValueType | undefined = node.parameters;
	for (const key of path) {
		if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
		value = (value as Record<string, NodeParameterValueType>)[key];
	}
	return fromAIKey(value);
}

/**
 * The key of the model's argument behind the parameter an error names by its display name
 * ("Limit", "Customer Country"): the `$fromAI` key of the first parameter, at any depth,
 * whose name is that display name in camel case ("limit", "customerCountry"), else undefined.
 */
export function argumentNameOf(
	node: Pick<INode, 'parameters'>,
	displayName: string,
): string | undefined {
	// "Only Update If Unchanged (ETag)": the name in parentheses too ("eTag")
	const [outside, inside = ''] = displayName.split(/[()]/);
	for (const part of [outside, inside]) {
		const words = part.trim().split(/\s+/).filter(Boolean);
		if (words.length === 0) continue;
		const name = words.map((word) => word[0].toUpperCase() + word.slice(1)).join('');
		const found = findKey(node.parameters, name.toLowerCase());
		if (found !== undefined) return found;
	}
	return undefined;
}

/** The $fromAI key of the parameter named `name` (any case): its own, or the first inside it (a list of people). */
function findKey(parameters: unknown, name: string): string | undefined {
	if (parameters === null || typeof parameters !== 'object') return undefined;
	for (const [key, value] of Object.entries(parameters as Record<string, unknown>)) {
		const found =
			key.toLowerCase() === name ? (fromAIKey(value) ?? anyKeyIn(value)) : findKey(value, name);
		if (found !== undefined) return found;
	}
	return undefined;
}

/** The first $fromAI key anywhere in `value`. */
function anyKeyIn(value: unknown): string | undefined {
	if (typeof value === 'string') return fromAIKey(value);
	if (value === null || typeof value !== 'object') return undefined;
	for (const inner of Object.values(value as Record<string, unknown>)) {
		const found = anyKeyIn(inner);
		if (found !== undefined) return found;
	}
	return undefined;
}

function fromAIKey(value: unknown): string | undefined {
	if (typeof value === 'string') return FROM_AI_KEY.exec(value)?.[2] || undefined;
	if (value !== null && typeof value === 'object' && !Array.isArray(value))
		return fromAIKey((value as Record<string, unknown>).value);
	return undefined;
}

/**
 * What a referral id is and where a model gets one: in every tool description that takes one and
 * in the error for a wrong one; never with an example id, which a model could take for real.
 */
export const REFERRAL_ID_FOR_MODEL =
	'A referral id is a GUID: 32 hexadecimal digits in groups of 8, 4, 4, 4 and 12, separated by dashes. Use the "id" of a referral that a Partner Center Referral tool returned (Get Many lists referrals with their ids); never make one up.';

/**
 * The most referrals one tool call answers with (Get Many, Get Related). A simplified referral
 * is about 870 characters of tool text and a compact one about 330, so 25 are about 22,000 or
 * 8,000 characters (some 5,500 or 2,000 tokens): a model can read and compare them, and ten
 * such calls still leave most of a 128k-token context free. More would crowd out the
 * conversation; the answer then says that more exist and how to narrow the question.
 */
export const TOOL_MAX_REFERRALS = 25;

/** The keys of a compact referral for a model: who, what, how much, where it stands, when. */
export const COMPACT_KEYS = [
	'id',
	'name',
	'status',
	'substatus',
	'customerName',
	'customerCountry',
	'dealValue',
	'currency',
	'closingDateTime',
	'createdDateTime',
	'updatedDateTime',
] as const;

/** The last entry of a capped answer, for the model: more referrals exist than it holds. */
export function moreReferralsNote(shown: number): { note: string } {
	return {
		note: `More referrals match than this answer holds: it lists the first ${shown}, and one call answers with at most ${TOOL_MAX_REFERRALS} (a higher limit gives no more). To find the others, narrow the request with this tool's filters, such as status, dates or customer country.`,
	};
}

/** After a wrong value a model did not choose (no `$fromAI` behind it): the model cannot change it. */
export const FIXED_IN_TOOL =
	'It is fixed in this tool, not one of its arguments, so calling again fails the same way until the tool is set up again.';

/** For a model whose change was refused because the referral changed since it read it (its eTag moved on). */
export const ETAG_CHANGED_FOR_MODEL =
	'Read the referral again (Get) for its current state and eTag, check that the change is still wanted, and only then call again, with the new eTag if this tool takes one.';
