/**
 * No import cycle anywhere in the tree: nodes/, credentials/, dev/ and test/. A cycle makes a
 * module see another half-initialized (an import that is `undefined` at load time, depending on
 * which file was loaded first) and says that two files have no clear order: one of them should
 * hold what both need, below both. Type-only imports count too: they are the same design knot,
 * and they become real imports as soon as a value follows the type.
 *
 * The graph comes from TypeScript's own scanner (`ts.preProcessFile`: `import`, `export ... from`,
 * `import type`, `import()` and `require()`), resolved like tsconfig.json resolves (`node`).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import * as ts from 'typescript';

const ROOT = resolve(__dirname, '..');
const FOLDERS = ['nodes', 'credentials', 'dev', 'test'];

function sourceFiles(folder: string): string[] {
	const files: string[] = [];
	for (const name of readdirSync(folder)) {
		if (name === 'node_modules') continue;
		const path = join(folder, name);
		if (statSync(path).isDirectory()) files.push(...sourceFiles(path));
		else if (/\.ts$/.test(name) && !/\.d\.ts$/.test(name)) files.push(path);
	}
	return files;
}

/** The file a relative specifier names (`./x`, `./x.js`, `./dir` → index.ts), or undefined. */
function resolveSpecifier(from: string, specifier: string): string | undefined {
	if (!specifier.startsWith('.')) return undefined;
	const base = resolve(dirname(from), specifier);
	const stem = base.replace(/\.(js|ts)$/, '');
	for (const candidate of [`${stem}.ts`, join(base, 'index.ts')])
		if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
	return undefined;
}

/** file → the files of the tree it imports */
export function importGraph(files: readonly string[]): Map<string, string[]> {
	const graph = new Map<string, string[]>();
	for (const file of files) {
		const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
		const targets = importedFiles
			.map((entry) => resolveSpecifier(file, entry.fileName))
			.filter((target): target is string => target !== undefined);
		graph.set(file, [...new Set(targets)]);
	}
	return graph;
}

/** The strongly connected components with more than one file, or a file importing itself (Tarjan). */
export function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
	let counter = 0;
	const index = new Map<string, number>();
	const low = new Map<string, number>();
	const stack: string[] = [];
	const onStack = new Set<string>();
	const found: string[][] = [];
	const visit = (node: string): void => {
		index.set(node, counter);
		low.set(node, counter);
		counter++;
		stack.push(node);
		onStack.add(node);
		for (const next of graph.get(node) ?? []) {
			if (!index.has(next)) {
				visit(next);
				low.set(node, Math.min(low.get(node)!, low.get(next)!));
			} else if (onStack.has(next)) {
				low.set(node, Math.min(low.get(node)!, index.get(next)!));
			}
		}
		if (low.get(node) === index.get(node)) {
			const component: string[] = [];
			let member: string;
			do {
				member = stack.pop()!;
				onStack.delete(member);
				component.push(member);
			} while (member !== node);
			if (component.length > 1 || (graph.get(node) ?? []).includes(node))
				found.push(component.sort());
		}
	};
	for (const node of graph.keys()) if (!index.has(node)) visit(node);
	return found;
}

describe('imports', () => {
	const files = FOLDERS.flatMap((folder) => sourceFiles(join(ROOT, folder)));
	const graph = importGraph(files);

	it('reads the whole tree', () => {
		for (const folder of FOLDERS)
			expect(files.some((file) => relative(ROOT, file).startsWith(`${folder}/`))).toBe(true);
		// the resolver finds what the files import (a broken resolver would find no cycle either)
		const server = join(ROOT, 'dev/sandbox/server.ts');
		expect(graph.get(server)).toEqual(
			expect.arrayContaining([
				join(ROOT, 'dev/sandbox/auth.ts'),
				join(ROOT, 'dev/sandbox/types.ts'),
			]),
		);
	});

	it('finds a cycle where there is one, type-only imports included', () => {
		const a = join(ROOT, 'a.ts');
		const b = join(ROOT, 'b.ts');
		const c = join(ROOT, 'c.ts');
		expect(
			cycles(
				new Map([
					[a, [b]],
					[b, [c]],
					[c, [a]],
				]),
			),
		).toEqual([[a, b, c]]);
		expect(cycles(new Map([[a, [a]]]))).toEqual([[a]]);
		expect(
			cycles(
				new Map([
					[a, [b, c]],
					[b, [c]],
					[c, []],
				]),
			),
		).toEqual([]);
		const typeOnly = ts.preProcessFile("import type { T } from './types';\n", true, true);
		expect(typeOnly.importedFiles.map((entry) => entry.fileName)).toEqual(['./types']);
	});

	it('has no cycle in nodes/, credentials/, dev/ or test/', () => {
		const found = cycles(graph).map((component) =>
			component.map((file) => relative(ROOT, file)).join(' ↔ '),
		);
		expect(found).toEqual([]);
	});
});
