/**
 * `npm run n8n` (dev/n8n), its pure parts: the command line, the credential and workflow files it
 * hands to `n8n import:*`, the package folder n8n loads, the owner login, and the preload that
 * sends Microsoft's token requests to the sandbox. The real run (n8n itself) stays out of npm test.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import type { Sandbox } from '../../dev/sandbox';
import { startSandbox } from '../../dev/sandbox';
import { RELEASES } from '../../dev/e2e/install';
import {
	copyAssets,
	credentialRecord,
	EXAMPLES_DIR,
	exampleWorkflows,
	isAsset,
	ownerLogin,
	PACKAGE,
	packageDir,
	preparePackage,
	sandboxLogLine,
	writeCredentialFile,
	writeWorkflowFiles,
} from '../../dev/n8n/files';
import { DEFAULTS, parseArgs, releaseFor, USAGE } from '../../dev/n8n/options';

const run = promisify(execFile);
const PRELOAD = join(__dirname, '..', '..', 'dev', 'n8n', 'login-to-sandbox.cjs');

let work: string;
beforeEach(() => {
	work = mkdtempSync(join(tmpdir(), 'n8n-dev-test-'));
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

describe('npm run n8n: the command line', () => {
	it('defaults to n8n 2 on port 5678', () => {
		expect(parseArgs([])).toEqual({
			major: 2,
			port: 5678,
			tokenLifetimeSeconds: 3600,
			help: false,
		});
		expect(DEFAULTS.major).toBe(2);
	});

	it.each<[string[], Partial<ReturnType<typeof parseArgs>>]>([
		[['--n8n', '1'], { major: 1 }],
		[['--n8n=2'], { major: 2 }],
		[['--port', '5800'], { port: 5800 }],
		[['--port=5801', '--n8n', '1'], { port: 5801, major: 1 }],
		[['--', '--n8n', '1'], { major: 1 }],
		[['--token-lifetime', '30'], { tokenLifetimeSeconds: 30 }],
		[['--help'], { help: true }],
	])('reads %j', (argv, expected) => {
		expect(parseArgs(argv)).toMatchObject(expected);
	});

	it.each<[string[], string]>([
		[['--n8n', '3'], "--n8n needs 1 or 2, got '3'"],
		[['--n8n'], '--n8n needs 1 or 2, got nothing'],
		[['--port', '0'], "--port needs a whole number from 1 to 65535, got '0'"],
		[['--port', 'http'], "--port needs a whole number from 1 to 65535, got 'http'"],
		[['--port', '70000'], "--port needs a whole number from 1 to 65535, got '70000'"],
		[['--verbose'], "unknown option '--verbose' (--help lists them)"],
	])('refuses %j, naming the option', (argv, message) => {
		expect(() => parseArgs(argv)).toThrow(message);
	});

	it('runs the n8n releases of the real-n8n check, and says which in --help', () => {
		expect(releaseFor(1)).toBe(RELEASES[0]);
		expect(releaseFor(2)).toBe(RELEASES[1]);
		for (const release of RELEASES) expect(USAGE).toContain(release.version);
	});
});

describe('npm run n8n: what it hands to n8n', () => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0, referralCount: 3 });
	});
	afterAll(async () => await sandbox.close());

	it('a credential connected to the sandbox, under the id and name the examples use', () => {
		const token = sandbox.issueToken(60);
		const file = writeCredentialFile(work, sandbox, token);
		const [record] = JSON.parse(readFileSync(file, 'utf8')) as Array<Record<string, unknown>>;
		expect(record).toEqual(credentialRecord(sandbox, token));
		expect(record).toEqual({
			id: 'pcReferralsCred1',
			name: 'Partner Center account',
			type: 'partnerCenterOAuth2Api',
			data: {
				baseUrl: sandbox.url,
				tenantId: 'organizations',
				clientId: sandbox.clientId,
				clientSecret: sandbox.clientSecret,
				authUrl: sandbox.authorizeUrl,
				accessTokenUrl: sandbox.tokenUrl,
				oauthTokenData: {
					access_token: token.accessToken,
					refresh_token: token.refreshToken,
					token_type: 'Bearer',
					expires_in: 60,
				},
			},
		});
		const examples = exampleWorkflows();
		const named = examples.flatMap((example) =>
			example.workflow.nodes.map(
				(node) =>
					(node.credentials as Record<string, { id: string; name: string }> | undefined)
						?.partnerCenterOAuth2Api,
			),
		);
		expect(named.filter(Boolean)).not.toHaveLength(0);
		for (const credential of named.filter(Boolean))
			expect(credential).toEqual({ id: record.id, name: record.name });
	});

	it('every example as one inactive workflow file with a stable id, nodes unchanged', () => {
		const examples = exampleWorkflows();
		const files = readdirSync(EXAMPLES_DIR)
			.filter((file) => file.endsWith('.json'))
			.sort();
		expect(examples.map((example) => example.file)).toEqual(files);
		const folder = writeWorkflowFiles(work, examples);
		expect(readdirSync(folder).sort()).toEqual(files);
		files.forEach((file, index) => {
			const written = JSON.parse(readFileSync(join(folder, file), 'utf8')) as Record<
				string,
				unknown
			>;
			const original = JSON.parse(readFileSync(join(EXAMPLES_DIR, file), 'utf8')) as Record<
				string,
				unknown
			>;
			expect(written).toEqual({
				...original,
				id: `pcDevExample${String(index + 1).padStart(4, '0')}`,
				active: false,
			});
		});
	});

	it('the package folder where n8n loads community packages, with its package.json', () => {
		const userFolder = join(work, 'user');
		const dir = preparePackage(userFolder);
		expect(dir).toBe(join(userFolder, '.n8n', 'nodes', 'node_modules', PACKAGE.name));
		expect(packageDir(userFolder)).toBe(dir);
		const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
			name: string;
			n8n: { nodes: string[]; credentials: string[] };
		};
		expect(manifest.name).toBe(PACKAGE.name);
		expect(manifest.n8n.nodes.every((path) => path.startsWith('dist/'))).toBe(true);
		expect(existsSync(join(dir, 'dist'))).toBe(true);
	});

	it('the assets tsc does not emit, copied beside the compiled nodes as the build does', () => {
		const copied = copyAssets(join(work, 'dist'));
		expect(copied).toEqual(
			expect.arrayContaining([
				'nodes/PartnerCenterReferral/partnerCenter.svg',
				'nodes/PartnerCenterReferral/PartnerCenterReferral.node.json',
				'nodes/PartnerCenterReferral/__schema__/v1.0.0.json',
				'nodes/PartnerCenterReferral/__schema__/v1.0.0/referral/get.json',
			]),
		);
		expect(copied.every((path) => !path.endsWith('.ts'))).toBe(true);
		expect(
			readFileSync(
				join(work, 'dist', 'nodes/PartnerCenterReferral/__schema__/v1.0.0.json'),
				'utf8',
			),
		).toBe(
			readFileSync(
				join(__dirname, '..', '..', 'nodes/PartnerCenterReferral/__schema__/v1.0.0.json'),
				'utf8',
			),
		);
		expect(isAsset('nodes/PartnerCenterReferral/shared/simplify.ts')).toBe(false);
		expect(isAsset('nodes/PartnerCenterReferral/descriptions/fields.json')).toBe(false);
		expect(
			copyAssets(
				join(work, 'dist'),
				undefined,
				join(__dirname, '..', '..', 'nodes', 'PartnerCenterReferral', 'partnerCenter.svg'),
			),
		).toEqual(['nodes/PartnerCenterReferral/partnerCenter.svg']);
	});

	it('an owner login n8n accepts: an e-mail, and a password of 8+ characters with a digit and an upper-case letter', () => {
		const login = ownerLogin(() => Buffer.from('abcdef'));
		expect(login).toEqual({
			email: 'owner@example.com',
			firstName: 'Dev',
			lastName: 'Owner',
			password: 'Pc-616263646566-N8n',
		});
		const password = ownerLogin().password;
		expect(password).toMatch(/^(?=.*\d)(?=.*[A-Z]).{8,64}$/);
		expect(ownerLogin().password).not.toBe(password);
	});

	it('logs the sandbox’s sign-in requests and failed answers, not every success', () => {
		expect(
			sandboxLogLine({
				method: 'POST',
				url: '/organizations/oauth2/v2.0/token',
				status: 200,
				durationMs: 3,
			}),
		).toBe('POST /organizations/oauth2/v2.0/token → 200 (n8n got a token: a refresh, offline)');
		expect(
			sandboxLogLine({
				method: 'GET',
				url: '/v1.0/engagements/referrals?$top=1',
				status: 401,
				durationMs: 1,
			}),
		).toContain('token expired');
		expect(
			sandboxLogLine({
				method: 'GET',
				url: '/v1.0/engagements/referrals?$top=1',
				status: 200,
				durationMs: 1,
			}),
		).toBeUndefined();
	});

	describe('the preload for n8n (login-to-sandbox.cjs)', () => {
		/** Runs a script in a fresh node with the preload, as n8n runs; returns what it printed. */
		async function withPreload(script: string, target = sandbox.url): Promise<string> {
			const { stdout } = await run(process.execPath, ['--require', PRELOAD, '-e', script], {
				env: { ...process.env, DEV_LOGIN_SANDBOX: target, NODE_OPTIONS: '' },
				cwd: join(__dirname, '..', '..'),
				timeout: 20_000,
			});
			return stdout.trim();
		}

		const refresh = (refreshToken: string) =>
			new URLSearchParams({
				grant_type: 'refresh_token',
				refresh_token: refreshToken,
				client_id: sandbox.clientId,
				client_secret: sandbox.clientSecret,
			}).toString();

		it('sends a token refresh for Microsoft’s host to the sandbox (https.request, as n8n 1.x and 2.x build it)', async () => {
			const before = sandbox.counters.tokenRequests;
			const body = refresh(sandbox.issueToken(60).refreshToken);
			const output = await withPreload(`
				const https = require('node:https');
				const req = https.request('https://login.microsoftonline.com/organizations/oauth2/v2.0/token', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, (res) => {
					let text = '';
					res.on('data', (chunk) => (text += chunk));
					res.on('end', () => console.log(res.statusCode, Object.keys(JSON.parse(text)).sort().join(',')));
				});
				req.end(${JSON.stringify(body)});`);
			expect(output).toBe(
				'200 access_token,expires_in,ext_expires_in,refresh_token,scope,token_type',
			);
			expect(sandbox.counters.tokenRequests).toBe(before + 1);
		});

		it('works through axios and follow-redirects, the client n8n’s OAuth2 refresh uses', async () => {
			const body = refresh(sandbox.issueToken(60).refreshToken);
			const output = await withPreload(`
				const axios = require('axios');
				axios.post('https://LOGIN.microsoftonline.com/common/oauth2/v2.0/token', ${JSON.stringify(body)}, { headers: { 'content-type': 'application/x-www-form-urlencoded' } })
					.then((res) => console.log(res.status, typeof res.data.access_token), (error) => console.log('failed', error.message));`);
			expect(output).toBe('200 string');
		});

		it('works for n8n 2.x’s own refresh: @n8n/client-oauth2 at the credential type’s Microsoft token URL', async () => {
			const before = sandbox.counters.tokenRequests;
			const { accessToken, refreshToken } = sandbox.issueToken(60);
			const options = {
				clientId: sandbox.clientId,
				clientSecret: sandbox.clientSecret,
				accessTokenUri: 'https://login.microsoftonline.com/organizations/oauth2/v2.0/token',
				authentication: 'body',
			};
			const output = await withPreload(`
				const { ClientOAuth2 } = require('@n8n/client-oauth2');
				const client = new ClientOAuth2(${JSON.stringify(options)});
				client.createToken({ access_token: ${JSON.stringify(accessToken)}, refresh_token: ${JSON.stringify(refreshToken)}, token_type: 'Bearer' })
					.refresh()
					.then((token) => console.log(token.accessToken !== ${JSON.stringify(accessToken)} && token.accessToken.length > 0), (error) => console.log('failed', error.message));`);
			expect(output).toBe('true');
			expect(sandbox.counters.tokenRequests).toBe(before + 1);
		});

		it('leaves every other host alone', async () => {
			const output = await withPreload(`
				const https = require('node:https');
				https.get('https://127.0.0.1:1/', () => console.log('answered')).on('error', (error) => console.log(error.code));`);
			expect(output).toBe('ECONNREFUSED');
		});
	});
});
