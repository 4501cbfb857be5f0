// n8n's shipped lint setup for community packages (`@n8n/node-cli/eslint`, as n8n-nodes-starter
// uses it), plus this project's own rules: the one-way imports between the layers, and the
// community-node runtime restrictions lifted for the dev tools and the tests, which are not
// part of the package.
import { config } from '@n8n/node-cli/eslint';

/** The community-node rules the shipped config turns on (`@n8n/community-nodes/...`). */
const COMMUNITY_NODE_RULES = [
	...new Set(
		config.flatMap((block) =>
			Object.keys(block.rules ?? {}).filter((rule) => rule.startsWith('@n8n/community-nodes/')),
		),
	),
];

function offRules(rules) {
	return Object.fromEntries(rules.map((rule) => [rule, 'off']));
}

/** What the package (nodes/, credentials/) must not import: the dev tools and the tests. */
const DEV_AND_TESTS = ['**/dev', '**/dev/*', '**/test', '**/test/*'];

/**
 * `files` may not import what `group` matches (gitignore patterns, `!` allows). A later block
 * replaces an earlier one's list for the same file, so each folder's list repeats DEV_AND_TESTS.
 */
function restrictImports(files, group, message) {
	return {
		files,
		rules: { 'no-restricted-imports': ['error', { patterns: [{ group, message }] }] },
	};
}

export default [
	{ ignores: ['coverage/**'] },
	...config,
	{
		files: ['**/*.ts'],
		rules: {
			'@typescript-eslint/no-unused-vars': [
				'error',
				{ argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
			],
		},
	},
	// The dev tools and the tests run in Node.js, not inside n8n, and are not published: the
	// community-node rules (what a node may do at run time) do not apply to them.
	{
		files: ['dev/**/*.ts', 'test/**/*.ts'],
		rules: { ...offRules(COMMUNITY_NODE_RULES), 'no-console': 'off' },
	},
	// The layers (CONTRIBUTING.md, "Code layout"): each folder imports only the folders below it, and
	// the product never imports the dev tools or the tests.
	restrictImports(
		['nodes/**/*.ts', 'credentials/**/*.ts'],
		DEV_AND_TESTS,
		'the package imports no dev tools or tests',
	),
	restrictImports(
		['nodes/*/shared/**/*.ts'],
		[...DEV_AND_TESTS, '../*'],
		'shared/ imports only n8n-workflow, luxon and shared/',
	),
	restrictImports(
		['nodes/*/transport/**/*.ts', 'nodes/*/descriptions/**/*.ts'],
		[...DEV_AND_TESTS, '../*', '!../shared', '!../shared/*'],
		'transport/ and descriptions/ import only shared/',
	),
	restrictImports(
		['nodes/*/api/**/*.ts'],
		[...DEV_AND_TESTS, '../*', '!../shared', '!../shared/*', '!../transport', '../transport/*'],
		'api/ imports only shared/ and the transport (its index)',
	),
	restrictImports(
		['nodes/*/trigger/**/*.ts'],
		[
			...DEV_AND_TESTS,
			'../*',
			'!../shared',
			'!../shared/*',
			'!../transport',
			'../transport/*',
			'!../api',
			'!../api/*',
			'!../descriptions',
			'!../descriptions/*',
		],
		'trigger/ imports only shared/, the transport (its index), api/ and descriptions/',
	),
	restrictImports(
		['nodes/*/*.node.ts', 'nodes/*/actions/**/*.ts', 'nodes/*/methods/**/*.ts'],
		[...DEV_AND_TESTS, '**/transport/*', '**/*.node', '**/*.node.js', '**/trigger', '**/trigger/*'],
		'above api/, the transport is used through its index only, nothing imports a node class, and only the trigger node imports trigger/',
	),
	restrictImports(
		['nodes/*/*Trigger.node.ts'],
		[...DEV_AND_TESTS, '**/transport/*', '**/*.node', '**/*.node.js'],
		'above api/, the transport is used through its index only, and nothing imports a node class',
	),
	// Node parameters are read only in actions/, trigger/ and the .node.ts files; the layers
	// below get plain values.
	{
		files: [
			'nodes/*/shared/**/*.ts',
			'nodes/*/transport/**/*.ts',
			'nodes/*/api/**/*.ts',
			'nodes/*/descriptions/**/*.ts',
			'nodes/*/methods/**/*.ts',
		],
		rules: {
			'no-restricted-syntax': [
				'error',
				{
					selector: "CallExpression[callee.property.name='getNodeParameter']",
					message:
						'node parameters are read only in actions/, trigger/ and the .node.ts files: hand plain values down',
				},
			],
		},
	},
	restrictImports(['dev/**/*.ts'], ['**/test', '**/test/*'], 'the dev tools import no tests'),
	// The MCP SDK names its client transports only through a wildcard in package.json "exports",
	// which the TypeScript resolver does not read under "moduleResolution": "node" (tsc and tsx
	// resolve them).
	{
		files: ['dev/e2e/**/*.ts'],
		rules: {
			'import-x/no-unresolved': ['error', { ignore: ['^@modelcontextprotocol/sdk/'] }],
		},
	},
];
