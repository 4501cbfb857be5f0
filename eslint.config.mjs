// n8n's community-package lint setup (as `@n8n/node-cli`'s eslint config composes it):
// @n8n/eslint-plugin-community-nodes `recommended` plus eslint-plugin-n8n-nodes-base's
// community, credentials and nodes rule sets. Dev-only code (test/, dev/) gets the
// TypeScript rules but not the community-node runtime restrictions.
import js from '@eslint/js';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import tseslint from 'typescript-eslint';

const communityNodesRecommended = n8nCommunityNodesPlugin.configs.recommended;

/** What the package (nodes/, credentials/) must not import: the dev tools and the tests. */
const DEV_AND_TESTS = ['**/dev', '**/dev/*', '**/test', '**/test/*'];

/**
 * `files` may not import what `group` matches (gitignore patterns, `!` allows). A later block
 * replaces an earlier one's list for the same file, so each folder's list repeats DEV_AND_TESTS.
 */
function restrictImports(files, group, message) {
	return { files, rules: { 'no-restricted-imports': ['error', { patterns: [{ group, message }] }] } };
}

export default tseslint.config(
	{ ignores: ['dist/**', 'node_modules/**', 'bench/results.json', 'coverage/**'] },
	{
		files: ['**/*.ts'],
		extends: [js.configs.recommended, tseslint.configs.recommended],
		rules: {
			'prefer-spread': 'off',
			'@typescript-eslint/no-unused-vars': [
				'error',
				{ argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
			],
		},
	},
	{
		files: ['nodes/**/*.ts', 'credentials/**/*.ts'],
		extends: [communityNodesRecommended],
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: {
			'no-console': 'error',
		},
	},
	// The layers (CONTRIBUTING.md, "Code layout"): each folder imports only the folders below it, and
	// the product never imports the dev tools or the tests.
	restrictImports(['nodes/**/*.ts', 'credentials/**/*.ts'], DEV_AND_TESTS, 'the package imports no dev tools or tests'),
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
		['nodes/*/*.node.ts', 'nodes/*/actions/**/*.ts', 'nodes/*/methods/**/*.ts'],
		[...DEV_AND_TESTS, '**/transport/*', '**/*.node', '**/*.node.js'],
		'above api/, the transport is used through its index only, and nothing imports a node class',
	),
	restrictImports(['dev/**/*.ts'], ['**/test', '**/test/*'], 'the dev tools import no tests'),
	{
		files: ['package.json'],
		extends: [communityNodesRecommended],
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: {
			...n8nNodesBase.configs.community.rules,
		},
		languageOptions: {
			parser: tseslint.parser,
			parserOptions: { extraFileExtensions: ['.json'] },
		},
	},
	{
		files: ['credentials/**/*.ts'],
		rules: {
			...n8nNodesBase.configs.credentials.rules,
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
			'n8n-nodes-base/cred-class-field-type-options-password-missing': 'off',
		},
	},
	{
		files: ['nodes/**/*.ts'],
		rules: {
			...n8nNodesBase.configs.nodes.rules,
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
			'n8n-nodes-base/node-param-type-options-max-value-present': 'off',
		},
	},
);
