/**
 * n8n's own HTTP Request node in `npm run bench`, beside Get Many: the same referrals paged by
 * `@odata.nextLink` ("Pagination: Response Contains Next URL"), through the same engine
 * (dev/harness) in the same process, with the same credential (Predefined Credential Type:
 * Partner Center OAuth2 API), so the two CPU figures per referral are comparable. Its items are
 * the pages (101 items of 100 referrals); with `splitOut`, n8n's Split Out node on `value` follows
 * it, which is what a user adds to get one item per referral, as the node outputs them.
 *
 * n8n-nodes-base is not a devDependency (it is large); the node is loaded from the real n8n
 * that `npm run e2e:n8n` installs into its cache, the release whose n8n-core the harness runs.
 * When that install is missing, `loadHttpRequestNode` says so and the bench leaves the row out.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { INodeType, IVersionedNodeType } from 'n8n-workflow';

import { version as n8nCoreVersion } from 'n8n-core/package.json';
import { CACHE_DIR } from '../e2e/install';
import { runWorkflow, type RunOptions, type WorkflowRun } from '../harness';

/** n8n's full-access node type name: only it may use any credential type (Predefined Credential Type). */
export const HTTP_REQUEST_TYPE = 'n8n-nodes-base.httpRequest';
const SPLIT_OUT_TYPE = 'n8n-nodes-base.splitOut';
const NODE_NAME = 'HTTP Request';
const SPLIT_OUT_NAME = 'Split Out';

export interface LoadedHttpRequestNode {
	nodeType: IVersionedNodeType;
	splitOut: INodeType;
	/** the n8n-nodes-base folder it was loaded from */
	from: string;
}

export type HttpRequestNode = LoadedHttpRequestNode | { missing: string };

/** The HTTP Request node of the cached n8n whose n8n-core the harness runs, or why it is not there. */
export async function loadHttpRequestNode(): Promise<HttpRequestNode> {
	const base = path.join(CACHE_DIR, `n8n-${n8nCoreVersion}`, 'node_modules', 'n8n-nodes-base');
	const file = path.join(base, 'dist', 'nodes', 'HttpRequest', 'HttpRequest.node.js');
	const splitOutFile = path.join(
		base,
		'dist',
		'nodes',
		'Transform',
		'SplitOut',
		'SplitOut.node.js',
	);
	if (!existsSync(file) || !existsSync(splitOutFile)) {
		return {
			missing: `n8n-nodes-base ${n8nCoreVersion} not found in ${base}: run \`npm run e2e:n8n\` once to install it`,
		};
	}
	const loaded = (await import(pathToFileURL(file).href)) as {
		HttpRequest: new () => IVersionedNodeType;
	};
	const splitOut = (await import(pathToFileURL(splitOutFile).href)) as {
		SplitOut: new () => INodeType;
	};
	return { nodeType: new loaded.HttpRequest(), splitOut: new splitOut.SplitOut(), from: base };
}

/**
 * One HTTP Request node, Return All of `firstUrl` by nextLink: the pages' bodies are its items
 * (one per page); with `splitOut`, followed by Split Out on `value` (one item per referral).
 */
export async function runHttpRequestPaging(
	{ nodeType, splitOut }: LoadedHttpRequestNode,
	firstUrl: string,
	options: RunOptions,
	{ split = false }: { split?: boolean } = {},
): Promise<WorkflowRun> {
	const credentialType = 'partnerCenterOAuth2Api';
	const splitNode = {
		id: 'split-out',
		name: SPLIT_OUT_NAME,
		type: SPLIT_OUT_TYPE,
		typeVersion: 1,
		position: [400, 0] as [number, number],
		parameters: { fieldToSplitOut: 'value', include: 'noOtherFields', options: {} },
	};
	return await runWorkflow(
		{
			nodes: [
				{
					id: 'trigger',
					name: 'Start',
					type: 'n8n-nodes-base.manualTrigger',
					typeVersion: 1,
					position: [0, 0],
					parameters: {},
				},
				{
					id: 'http-request',
					name: NODE_NAME,
					type: HTTP_REQUEST_TYPE,
					typeVersion: nodeType.currentVersion,
					position: [200, 0],
					credentials: { [credentialType]: { id: 'bench', name: 'Bench Partner Center' } },
					parameters: {
						method: 'GET',
						url: firstUrl,
						authentication: 'predefinedCredentialType',
						nodeCredentialType: credentialType,
						options: {
							pagination: {
								pagination: {
									paginationMode: 'responseContainsNextURL',
									nextURL: '={{ $response.body["@odata.nextLink"] }}',
									paginationCompleteWhen: 'other',
									completeExpression: '={{ !$response.body["@odata.nextLink"] }}',
									limitPagesFetched: false,
								},
							},
						},
					},
				},
				...(split ? [splitNode] : []),
			],
			connections: {
				Start: { main: [[{ node: NODE_NAME, type: 'main', index: 0 }]] },
				...(split && {
					[NODE_NAME]: { main: [[{ node: SPLIT_OUT_NAME, type: 'main', index: 0 }]] },
				}),
			},
		},
		{
			...options,
			nodeTypes: {
				[HTTP_REQUEST_TYPE]: nodeType as unknown as INodeType,
				[SPLIT_OUT_TYPE]: splitOut,
			},
		},
	);
}

/** Referrals in the HTTP Request node's output: the `value` arrays of its page items. */
export function referralsIn(run: WorkflowRun): number {
	return run
		.output(NODE_NAME)
		.reduce((sum, item) => sum + ((item.json.value as unknown[] | undefined)?.length ?? 0), 0);
}

/** Items out of Split Out (one per referral), or undefined when it did not run. */
export function splitOutItems(run: WorkflowRun): number | undefined {
	return run.run.data.resultData.runData[SPLIT_OUT_NAME]?.at(-1)?.data?.main?.[0]?.length;
}
