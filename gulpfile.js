const path = require('path');
const { task, src, dest, parallel } = require('gulp');

// What tsc does not emit goes next to the compiled nodes and credential: icons, the nodes'
// codex files (*.node.json) and their output schemas (__schema__/, see dev/schema/generate.ts).
task('build:assets', parallel(copyNodeAssets, copyCredentialIcons));

function copyNodeAssets() {
	const sources = [
		path.resolve('nodes', '**', '*.{png,svg,node.json}'),
		path.resolve('nodes', '**', '__schema__', '**', '*.json'),
	];
	return src(sources, { encoding: false }).pipe(dest(path.resolve('dist', 'nodes')));
}

function copyCredentialIcons() {
	return src(path.resolve('credentials', '**', '*.{png,svg}'), { encoding: false }).pipe(
		dest(path.resolve('dist', 'credentials')),
	);
}
