import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

import { parseCliArgs } from '../../dev/sandbox';

describe('sandbox CLI', () => {
	it('parses its options', () => {
		const options = parseCliArgs([
			'--',
			'--port',
			'9090',
			'--referrals=1000',
			'--latency',
			'200',
			'--max-concurrent',
			'4',
			'--max-per-second',
			'20',
			'--seed',
			'3',
			'--page-size',
			'25',
			'--no-auth',
			'--quiet',
		]);
		expect(options.sandbox).toEqual({
			port: 9090,
			referralCount: 1000,
			seed: 3,
			pageSize: 25,
			requireAuth: false,
		});
		expect(options).toMatchObject({
			latencyMs: 200,
			maxConcurrent: 4,
			maxPerSecond: 20,
			quiet: true,
		});
		expect(parseCliArgs(['--zoneless-timestamps', '--no-status-stamps']).sandbox.responses).toEqual(
			{
				zonelessTimestamps: true,
				omitStatusStamps: true,
			},
		);
		expect(parseCliArgs([]).sandbox.port).toBe(8080);
		expect(() => parseCliArgs(['--port', 'abc'])).toThrow(/--port/);
		// the fixed-window --rate-limit (it read the wall clock, not the sandbox's) is gone: --max-per-second
		expect(() => parseCliArgs(['--rate-limit', '100/60000'])).toThrow(
			/Unknown option '--rate-limit'/,
		);
		expect(parseCliArgs([]).maxPerSecond).toBe(0);
		expect(() => parseCliArgs(['--max-per-second', '1.5'])).toThrow(/--max-per-second/);
		expect(() => parseCliArgs(['--bogus'])).toThrow(/Unknown option/);
	});

	it('starts, prints the base URL and a usable token, and stops cleanly on SIGTERM', async () => {
		const child = spawn(
			process.execPath,
			['--import', 'tsx', 'dev/sandbox/cli.ts', '--port', '0', '--referrals', '3'],
			{
				cwd: resolve(__dirname, '../..'),
				stdio: ['ignore', 'pipe', 'pipe'],
			},
		);
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
		child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		const exited = new Promise<number | null>((resolveExit) =>
			child.once('exit', (code) => resolveExit(code)),
		);
		try {
			await new Promise<void>((ready, failed) => {
				child.stdout.on('data', () => {
					if (stdout.includes('Stop with Ctrl+C')) ready();
				});
				void exited.then((code) =>
					failed(new Error(`CLI exited early (${code}): ${stdout}${stderr}`)),
				);
			});
			const baseUrl = /API Base URL\s+(\S+)/.exec(stdout)?.[1] as string;
			expect(baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
			const lines = stdout.split('\n');
			const accessToken =
				lines[lines.findIndex((line) => line.startsWith('Access token')) + 1].trim();
			const refreshToken =
				lines[lines.findIndex((line) => line.startsWith('Refresh token')) + 1].trim();
			expect(refreshToken).toBeTruthy();
			const response = await fetch(`${baseUrl}/v1.0/engagements/referrals?$top=2`, {
				headers: { Authorization: `Bearer ${accessToken}` },
			});
			expect(response.status).toBe(200);
			expect(((await response.json()) as { '@odata.count': number })['@odata.count']).toBe(4);
			child.kill('SIGTERM');
			expect(await exited).toBe(0);
			expect(stdout).toContain('Sandbox stopped.');
			expect(stdout).toMatch(/GET \/v1\.0\/engagements\/referrals\?\$top=2 -> 200/);
		} finally {
			if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
		}
	});
});
