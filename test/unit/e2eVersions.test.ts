import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { RegistryInfo } from '../../dev/e2e/versions';
import {
	DEFAULT_VERSIONS,
	nodeMajorFor,
	parseE2eArgs,
	resolveVersions,
	satisfiesEngines,
} from '../../dev/e2e/versions';

const registry: RegistryInfo = {
	versions: [
		'0.236.3',
		'1.0.0',
		'1.9.0',
		'1.123.81',
		'1.124.0-rc.1',
		'2.0.0',
		'2.41.1',
		'2.41.3',
		'2.42.0-beta.0',
	],
	'dist-tags': { latest: '2.41.3', next: '2.42.0-beta.0' },
};

describe('e2e:n8n arguments', () => {
	it('defaults to the versions the README names, one process', () => {
		expect(parseE2eArgs([])).toEqual({
			versions: DEFAULT_VERSIONS,
			queue: false,
			keep: false,
			maxConcurrent: 4,
			burst: 100,
			latencyMs: 200,
			help: false,
		});
	});

	it('reads --versions (inline or next argument), --queue and the burst options after npm’s --', () => {
		expect(
			parseE2eArgs([
				'--',
				'--versions=1.123.81, latest,2,next',
				'--queue',
				'--max-concurrent',
				'8',
				'--burst=20',
				'--latency=0',
				'--keep',
			]),
		).toEqual({
			versions: ['1.123.81', 'latest', '2', 'next'],
			queue: true,
			keep: true,
			maxConcurrent: 8,
			burst: 20,
			latencyMs: 0,
			help: false,
		});
		expect(parseE2eArgs(['--versions', '2,2']).versions).toEqual(['2']);
	});

	it('keeps --only as a pick among the default versions', () => {
		expect(parseE2eArgs(['--only=2']).versions).toEqual(['2.41.1']);
		expect(() => parseE2eArgs(['--only=3'])).toThrow(
			'--only=3 matches none of n8n 1.123.81, 2.41.1',
		);
		expect(() => parseE2eArgs(['--only=2', '--versions=1'])).toThrow('either --only or --versions');
	});

	it('refuses what it cannot read, naming the option and the expected form', () => {
		expect(() => parseE2eArgs(['--versions='])).toThrow('--versions needs a value');
		expect(() => parseE2eArgs(['--versions=1.2.x'])).toThrow(
			"--versions needs n8n versions separated by commas (1.123.81, latest, next, 2), got '1.2.x'",
		);
		expect(() => parseE2eArgs(['--versions=,'])).toThrow('--versions needs n8n versions');
		expect(() => parseE2eArgs(['--burst=0'])).toThrow("--burst needs an integer >= 1, got '0'");
		expect(() => parseE2eArgs(['--max-concurrent=-1'])).toThrow(
			"--max-concurrent needs an integer >= 0, got '-1'",
		);
		expect(() => parseE2eArgs(['--qeue'])).toThrow("Unknown option '--qeue'");
	});
});

describe('e2e:n8n versions from the registry', () => {
	it('resolves exact versions, dist-tags and majors (newest stable of the major), without repeats', () => {
		expect(resolveVersions(['1.123.81', 'latest', 'next', '1', '2'], registry)).toEqual([
			'1.123.81',
			'2.41.3',
			'2.42.0-beta.0',
		]);
		expect(resolveVersions(['2.41.3', 'latest'], registry)).toEqual(['2.41.3']);
		expect(resolveVersions(['0'], registry)).toEqual(['0.236.3']);
	});

	it('says which version, tag or major the registry does not have', () => {
		expect(() => resolveVersions(['1.123.99'], registry)).toThrow(
			'n8n 1.123.99 is not published on the registry',
		);
		expect(() => resolveVersions(['beta'], registry)).toThrow(
			"n8n has no dist-tag 'beta' on the registry (it has: latest, next)",
		);
		expect(() => resolveVersions(['3'], registry)).toThrow(
			'n8n has no stable 3.x release on the registry',
		);
	});
});

describe('e2e:n8n Node.js major from n8n’s engines field', () => {
	it.each([
		['20.20.2', '>=20.19 <= 24.x', true],
		['24.0.0', '>=20.19 <= 24.x', true],
		['25.0.0', '>=20.19 <= 24.x', false],
		['20.18.9', '>=20.19 <= 24.x', false],
		['22.1.0', '>=24.0.0', false],
		['18.17.0', '>=18.17 <= 22', true],
		['22.99.0', '>=18.17 <= 22', true],
		['23.0.0', '>=18.17 <= 22', false],
		['16.9.0', '>=16.9', true],
		['20.1.0', '^18.10 || ^20', true],
		['19.0.0', '^18.10 || ^20', false],
		['22.5.0', '~22.4', false],
		['20.0.0', '18 - 20', true],
		['21.0.0', '18 - 20', false],
		['24.1.0', '> 22', true],
		['22.9.0', '>22', false],
		['20.0.0', '*', true],
	])('Node %s satisfies "%s": %s', (node, range, expected) => {
		expect(satisfiesEngines(node, range)).toBe(expected);
	});

	it('runs on this machine’s Node when it fits, else on the newest LTS major that does', () => {
		expect(nodeMajorFor('>=20.19 <= 24.x', '20.20.2')).toBe(20);
		expect(nodeMajorFor('>=20.19 <= 24.x', '20.18.0')).toBe(24);
		expect(nodeMajorFor('>=24.0.0', 'v20.20.2')).toBe(24);
		expect(nodeMajorFor('>=18.17 <= 22', '24.1.0')).toBe(22);
		expect(nodeMajorFor(undefined, '22.3.0')).toBe(22);
		expect(() => nodeMajorFor('>=26', '20.20.2')).toThrow(
			"no Node.js major of 18, 20, 22, 24 satisfies n8n's engines range '>=26'",
		);
		expect(() => satisfiesEngines('20.0.0', '>=26 || latest')).toThrow(
			"cannot read the engines comparator 'latest'",
		);
	});
});

describe('e2e:n8n connection guard (dev/e2e/loopback-only.cjs)', () => {
	it('routes a named host to its loopback port, refuses other hosts, and logs both', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'e2e-guard-'));
		const server = createServer((socket) => socket.end('routed\n'));
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const port = (server.address() as { port: number }).port;
		const script = `
			const net = require('node:net');
			const attempt = (host) => new Promise((resolve) => {
				const socket = net.connect({ host, port: 443 });
				let text = '';
				socket.on('data', (chunk) => (text += chunk));
				socket.on('end', () => resolve(host + ': ' + text.trim()));
				socket.on('error', (error) => resolve(host + ': ' + error.code));
			});
			(async () => {
				for (const host of ['Login.Example.Test', 'elsewhere.example.test']) console.log(await attempt(host));
			})();`;
		try {
			const stdout = await new Promise<string>((resolve, reject) =>
				execFile(
					process.execPath,
					[
						'--require',
						join(__dirname, '..', '..', 'dev', 'e2e', 'loopback-only.cjs'),
						'-e',
						script,
					],
					{
						env: {
							PATH: process.env.PATH,
							E2E_ROUTE: `login.example.test=127.0.0.1:${port}`,
							E2E_ROUTED_LOG: join(dir, 'routed.log'),
							E2E_BLOCKED_LOG: join(dir, 'blocked.log'),
						},
					},
					(error, out) => (error ? reject(error) : resolve(out)),
				),
			);
			expect(stdout.trim().split('\n')).toEqual([
				'Login.Example.Test: routed',
				'elsewhere.example.test: ECONNREFUSED',
			]);
			expect(readFileSync(join(dir, 'routed.log'), 'utf8')).toMatch(
				/^\d+ Login\.Example\.Test:443\n$/,
			);
			expect(readFileSync(join(dir, 'blocked.log'), 'utf8')).toBe('elsewhere.example.test:443\n');
		} finally {
			server.close();
			rmSync(dir, { recursive: true, force: true });
		}
	});
});
