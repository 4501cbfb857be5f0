/**
 * Proof that dev/harness runs nodes through n8n's real engine: OAuth2 signing and token
 * refresh by n8n-core, per-item expressions, continueOnFail / error output, polling through
 * PollContext, and a whole workflow with the base nodes. Uses its own tiny node types.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import nock from 'nock';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
	JsonObject,
} from 'n8n-workflow';
import { Expression, NodeApiError, NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import type { RunOptions } from '../dev/harness';
import { runNode, runPoll, runWorkflow } from '../dev/harness';

const CREDENTIAL = 'partnerCenterOAuth2Api';
const API = 'https://api.example.test';
const TOKEN_HOST = 'https://login.example.test';
const TOKEN_PATH = '/tenant-1/oauth2/v2.0/token';

class TestApi implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Test API',
		name: 'testApi',
		group: ['transform'],
		version: 1,
		description: 'Calls the test API with the Partner Center credential',
		defaults: { name: 'Test API' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: CREDENTIAL, required: true }],
		properties: [
			{ displayName: 'ID', name: 'id', type: 'string', default: '' },
			{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: API },
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const returnData: INodeExecutionData[] = [];
		for (let i = 0; i < items.length; i++) {
			try {
				const id = this.getNodeParameter('id', i) as string;
				const baseUrl = this.getNodeParameter('baseUrl', i) as string;
				const response = (await this.helpers.httpRequestWithAuthentication.call(this, CREDENTIAL, {
					method: 'GET',
					url: `${baseUrl}/v1/x/${id}`,
					json: true,
				})) as IDataObject | IDataObject[];
				for (const json of Array.isArray(response) ? response : [response]) {
					returnData.push({ json, pairedItem: { item: i } });
				}
			} catch (error) {
				if (this.continueOnFail()) {
					returnData.push({ json: { error: (error as Error).message }, pairedItem: { item: i } });
					continue;
				}
				throw error instanceof NodeApiError
					? error
					: new NodeApiError(this.getNode(), error as JsonObject);
			}
		}
		return [returnData];
	}
}

class TestPoll implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Test Poll',
		name: 'testPoll',
		group: ['trigger'],
		version: 1,
		description: 'Counts its polls in the node static data',
		polling: true,
		defaults: { name: 'Test Poll' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		properties: [{ displayName: 'Fail', name: 'fail', type: 'boolean', default: false }],
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		if (this.getNodeParameter('fail') === true)
			throw new NodeOperationError(this.getNode(), 'poll failed');
		const state = this.getWorkflowStaticData('node');
		state.counter = ((state.counter as number | undefined) ?? 0) + 1;
		return [[{ json: { counter: state.counter, mode: this.getMode() } }]];
	}
}

const credentials = {
	clientId: 'client-id',
	clientSecret: 'client-secret',
	tenantId: 'tenant-1',
	baseUrl: API,
	accessTokenUrl: `${TOKEN_HOST}${TOKEN_PATH}`,
	oauthTokenData: { access_token: 'token-1', refresh_token: 'refresh-1', token_type: 'Bearer' },
};
const options: RunOptions = {
	nodeTypes: [new TestApi(), new TestPoll()],
	credentials: { [CREDENTIAL]: credentials },
};

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
	const pending = nock.pendingMocks();
	nock.cleanAll();
	expect(pending).toEqual([]);
});
afterAll(() => nock.enableNetConnect());

describe('test harness on the real n8n engine', () => {
	it('evaluates expressions with the legacy engine', async () => {
		nock(API).get('/v1/x/1').reply(200, { ok: true });
		await runNode({ type: 'testApi', parameters: { id: '={{ 0 + 1 }}' } }, options);
		expect(Expression.getActiveImplementation()).toBe('legacy');
	});

	it('signs requests with the Bearer token from oauthTokenData', async () => {
		nock(API)
			.get('/v1/x/42')
			.matchHeader('authorization', 'Bearer token-1')
			.reply(200, { id: '42' });

		const { items, error, credentialUpdates } = await runNode(
			{ type: 'testApi', parameters: { id: '42' } },
			options,
		);

		expect(error).toBeUndefined();
		expect(items.map((item) => item.json)).toEqual([{ id: '42' }]);
		expect(credentialUpdates).toEqual([]);
	});

	it('resolves an expression parameter per item', async () => {
		for (const id of ['a', 'b', 'c']) nock(API).get(`/v1/x/${id}`).reply(200, { got: id });

		const { items } = await runNode(
			{
				type: 'testApi',
				parameters: { id: '={{ $json.id }}' },
				items: [{ id: 'a' }, { id: 'b' }, { id: 'c' }],
			},
			options,
		);

		expect(items.map((item) => item.json.got)).toEqual(['a', 'b', 'c']);
	});

	it('refreshes the token on a 401, retries, and persists the new token', async () => {
		nock(API)
			.get('/v1/x/1')
			.matchHeader('authorization', 'Bearer token-1')
			.reply(401, { error: 'expired' });
		nock(TOKEN_HOST)
			.post(
				TOKEN_PATH,
				(body: Record<string, string>) =>
					body.grant_type === 'refresh_token' && body.refresh_token === 'refresh-1',
			)
			.reply(200, {
				access_token: 'token-2',
				refresh_token: 'refresh-2',
				token_type: 'Bearer',
				expires_in: 3600,
			});
		nock(API).get('/v1/x/1').matchHeader('authorization', 'Bearer token-2').reply(200, { id: '1' });
		// The next request of the same run already uses the refreshed token.
		nock(API).get('/v1/x/2').matchHeader('authorization', 'Bearer token-2').reply(200, { id: '2' });

		const { items, error, credentialUpdates } = await runNode(
			{ type: 'testApi', parameters: { id: '={{ $json.id }}' }, items: [{ id: '1' }, { id: '2' }] },
			options,
		);

		expect(error).toBeUndefined();
		expect(items.map((item) => item.json)).toEqual([{ id: '1' }, { id: '2' }]);
		expect(credentialUpdates).toHaveLength(1);
		expect(credentialUpdates[0].type).toBe(CREDENTIAL);
		expect(credentialUpdates[0].data.oauthTokenData).toMatchObject({
			access_token: 'token-2',
			refresh_token: 'refresh-2',
		});
		// The caller's data is not mutated by the run.
		expect(credentials.oauthTokenData.access_token).toBe('token-1');
	});

	it("resolves the credential's expression defaults when no accessTokenUrl is given", async () => {
		const withoutUrl: Partial<typeof credentials> = { ...credentials };
		delete withoutUrl.accessTokenUrl;
		nock(API).get('/v1/x/1').reply(401);
		nock('https://login.microsoftonline.com')
			.post('/tenant-1/oauth2/v2.0/token')
			.reply(200, { access_token: 'token-3' });
		nock(API).get('/v1/x/1').matchHeader('authorization', 'Bearer token-3').reply(200, { id: '1' });

		const { items, credentialUpdates } = await runNode(
			{ type: 'testApi', parameters: { id: '1' } },
			{ ...options, credentials: { [CREDENTIAL]: withoutUrl } },
		);

		expect(items.map((item) => item.json)).toEqual([{ id: '1' }]);
		expect(credentialUpdates[0].data.oauthTokenData).toMatchObject({
			access_token: 'token-3',
			refresh_token: 'refresh-1',
		});
	});

	it('fails the run without continueOnFail, and gives an error item with it', async () => {
		nock(API).get('/v1/x/missing').twice().reply(404, { message: 'not found' });

		const failed = await runNode({ type: 'testApi', parameters: { id: 'missing' } }, options);
		expect(failed.error).toMatchObject({
			httpCode: '404',
			message: expect.stringMatching(/could not be found/),
		});
		expect(failed.items).toEqual([]);
		expect(() => failed.output('Test API')).toThrow(/failed/);

		const continued = await runNode(
			{ type: 'testApi', parameters: { id: 'missing' }, continueOnFail: true },
			options,
		);
		expect(continued.error).toBeUndefined();
		expect(continued.items).toHaveLength(1);
		expect(continued.items[0].json.error).toEqual(expect.any(String));
	});

	it("routes failed items to the error output with onError 'continueErrorOutput'", async () => {
		nock(API).get('/v1/x/good').reply(200, { id: 'good' });
		nock(API).get('/v1/x/bad').reply(500, { message: 'boom' });

		const { items, errorItems, error } = await runNode(
			{
				type: 'testApi',
				parameters: { id: '={{ $json.id }}' },
				items: [{ id: 'good' }, { id: 'bad' }],
				onError: 'continueErrorOutput',
			},
			options,
		);

		expect(error).toBeUndefined();
		expect(items.map((item) => item.json)).toEqual([{ id: 'good' }]);
		expect(errorItems).toHaveLength(1);
		expect(errorItems[0].json).toMatchObject({ id: 'bad', error: expect.any(String) });
	});

	it('polls through PollContext with static data that persists between polls', async () => {
		const staticData = {};

		const first = await runPoll(
			{ type: 'testPoll', parameters: {}, mode: 'trigger', staticData },
			options,
		);
		const second = await runPoll(
			{ type: 'testPoll', parameters: {}, mode: 'trigger', staticData },
			options,
		);
		const manual = await runPoll({ type: 'testPoll', parameters: {}, mode: 'manual' }, options);

		expect(first.items?.[0].json).toEqual({ counter: 1, mode: 'trigger' });
		expect(second.items?.[0].json).toEqual({ counter: 2, mode: 'trigger' });
		expect(second.staticData).toBe(staticData);
		expect(staticData).toEqual({ 'node:Test Poll': { counter: 2 } });
		expect(manual.items?.[0].json).toEqual({ counter: 1, mode: 'manual' });
		await expect(
			runPoll({ type: 'testPoll', parameters: { fail: true } }, options),
		).rejects.toThrow('poll failed');
	});

	it('runs a workflow: Manual Trigger → node → Set → If', async () => {
		nock(API)
			.get('/v1/x/list')
			.reply(200, [
				{ id: 'r1', amount: 5, status: 'new' },
				{ id: 'r2', amount: 50, status: 'won' },
			]);
		const workflow = {
			name: 'Example',
			nodes: [
				{
					id: '1',
					name: 'When clicking ‘Execute workflow’',
					type: 'n8n-nodes-base.manualTrigger',
					typeVersion: 1,
					position: [0, 0] as [number, number],
					parameters: {},
				},
				{
					id: '2',
					name: 'List',
					type: 'n8n-nodes-partner-center.testApi',
					typeVersion: 1,
					position: [200, 0] as [number, number],
					parameters: { id: 'list' },
				},
				{
					id: '3',
					name: 'Edit Fields',
					type: 'n8n-nodes-base.set',
					typeVersion: 3.4,
					position: [400, 0] as [number, number],
					parameters: {
						assignments: {
							assignments: [
								{ id: 'a1', name: 'referralId', value: '={{ $json.id }}', type: 'string' },
								{ id: 'a2', name: 'amount', value: '={{ $json.amount }}', type: 'number' },
								{
									id: 'a3',
									name: 'label',
									value: '={{ $json.status.toUpperCase() }}',
									type: 'string',
								},
							],
						},
						options: {},
					},
				},
				{
					id: '4',
					name: 'Big?',
					type: 'n8n-nodes-base.if',
					typeVersion: 2.2,
					position: [600, 0] as [number, number],
					parameters: {
						conditions: {
							options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 2 },
							conditions: [
								{
									id: 'c1',
									leftValue: '={{ $json.amount }}',
									rightValue: 10,
									operator: { type: 'number', operation: 'gte' },
								},
							],
							combinator: 'and',
						},
						options: {},
					},
				},
			],
			connections: {
				'When clicking ‘Execute workflow’': {
					main: [[{ node: 'List', type: 'main' as const, index: 0 }]],
				},
				List: { main: [[{ node: 'Edit Fields', type: 'main' as const, index: 0 }]] },
				'Edit Fields': { main: [[{ node: 'Big?', type: 'main' as const, index: 0 }]] },
			},
		};

		const result = await runWorkflow(workflow, options);

		expect(result.error).toBeUndefined();
		expect(result.run.status).toBe('success');
		expect(result.output('Edit Fields').map((item) => item.json)).toEqual([
			{ referralId: 'r1', amount: 5, label: 'NEW' },
			{ referralId: 'r2', amount: 50, label: 'WON' },
		]);
		expect(result.output('Big?', 0).map((item) => item.json.referralId)).toEqual(['r2']);
		expect(result.output('Big?', 1).map((item) => item.json.referralId)).toEqual(['r1']);
		expect(() => result.output('Nope')).toThrow(/did not run/);
	});

	it('talks to a real local HTTP server when the test allows it', async () => {
		nock.enableNetConnect('127.0.0.1');
		const server = createServer((request, response) => {
			response.setHeader('content-type', 'application/json');
			response.end(
				JSON.stringify({ url: request.url, authorization: request.headers.authorization }),
			);
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		try {
			const { port } = server.address() as AddressInfo;
			const { items } = await runNode(
				{ type: 'testApi', parameters: { id: 'local', baseUrl: `http://127.0.0.1:${port}` } },
				options,
			);
			expect(items[0].json).toEqual({ url: '/v1/x/local', authorization: 'Bearer token-1' });
		} finally {
			await new Promise((resolve) => server.close(resolve));
			nock.disableNetConnect();
		}
	});
});
