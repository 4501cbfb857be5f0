/**
 * examples/*.json: importable n8n workflows (checked for the export format), and each one
 * runs through the engine against the sandbox with the result its description promises.
 * dev/demo.ts runs the same files.
 */
import type {
	IDataObject,
	INode,
	INodeExecutionData,
	INodeProperties,
	INodeType,
} from 'n8n-workflow';

import { PartnerCenterReferral } from '../../nodes/PartnerCenterReferral/PartnerCenterReferral.node';
import { PartnerCenterReferralTrigger } from '../../nodes/PartnerCenterReferral/PartnerCenterReferralTrigger.node';
import { timing } from '../../nodes/PartnerCenterReferral/shared/timing';
import { runTool, runWorkflow, toolNodeType } from '../../dev/harness';
import type { Referral } from '../../dev/sandbox';
import type { SandboxSession } from './helpers';
import { EXAMPLE_ID, ids, incomingReferral, json, openSandbox, patches, sortedBy } from './helpers';
import type { ExampleWorkflow } from '../../dev/workflows';
import {
	EXAMPLE_FILES,
	findTrigger,
	isAiExample,
	LANGCHAIN_PACKAGE,
	listExampleFiles,
	loadExample,
	withFiredItems,
} from '../../dev/workflows';

const PACKAGE = 'n8n-nodes-partner-center';
const TYPE_VERSIONS: Record<string, number> = {
	'n8n-nodes-base.manualTrigger': 1,
	'n8n-nodes-base.if': 2.2,
	'n8n-nodes-base.set': 3.4,
	[`${PACKAGE}.partnerCenterReferral`]: 1,
	[`${PACKAGE}.partnerCenterReferralTrigger`]: 1,
};
const PACKAGE_NODES: Record<string, INodeType> = {
	[`${PACKAGE}.partnerCenterReferral`]: new PartnerCenterReferral(),
	[`${PACKAGE}.partnerCenterReferralTrigger`]: new PartnerCenterReferralTrigger(),
};
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const AI_FILES = listExampleFiles().filter((file) => isAiExample(loadExample(file)));
const ENGINE_FILES = listExampleFiles().filter((file) => !AI_FILES.includes(file));

it('the AI examples are the MCP server and the AI Agent ones', () => {
	expect(AI_FILES).toEqual([EXAMPLE_FILES.agent, EXAMPLE_FILES.mcp]);
});

describe.each(ENGINE_FILES)('examples/%s', (file) => {
	const workflow = loadExample(file);
	const names = workflow.nodes.map((node) => node.name);

	it('is an n8n workflow export: named nodes with ids, types, versions and positions, v1 execution order', () => {
		expect(workflow.name).toEqual(expect.any(String));
		expect(workflow.settings).toEqual({ executionOrder: 'v1' });
		expect(new Set(names).size).toBe(names.length);
		expect(new Set(workflow.nodes.map((node) => node.id)).size).toBe(names.length);
		for (const node of workflow.nodes) {
			expect(node.id).toMatch(UUID);
			expect(TYPE_VERSIONS[node.type]).toBe(node.typeVersion);
			expect(node.position).toEqual([expect.any(Number), expect.any(Number)]);
			expect(typeof node.parameters).toBe('object');
		}
	});

	it('connects only nodes it has, from a single start node', () => {
		const targets = new Set<string>();
		for (const [source, connection] of Object.entries(workflow.connections)) {
			expect(names).toContain(source);
			for (const outputs of connection.main ?? []) {
				for (const target of outputs ?? []) {
					expect(names).toContain(target.node);
					expect(target).toEqual({ node: target.node, type: 'main', index: 0 });
					targets.add(target.node);
				}
			}
		}
		expect(names.filter((name) => !targets.has(name))).toHaveLength(1);
	});

	it('references the Partner Center credential by id and name, and sets only parameters its nodes have', () => {
		const partnerNodes = workflow.nodes.filter((node) => node.type in PACKAGE_NODES);
		expect(partnerNodes.length).toBeGreaterThan(0);
		for (const node of partnerNodes) {
			expect(node.credentials).toEqual({
				partnerCenterOAuth2Api: { id: expect.any(String), name: 'Partner Center account' },
			});
			const known = knownParameters(PACKAGE_NODES[node.type].description.properties, node);
			const unknown = Object.keys(node.parameters).filter(
				(key) => !known.has(key) && key !== 'pollTimes',
			);
			expect(unknown).toEqual([]);
		}
	});
});

/** Names of the node's parameters that are displayed with its resource and operation. */
function knownParameters(properties: INodeProperties[], node: INode): Set<string> {
	const known = new Set<string>();
	for (const property of properties) {
		const show = property.displayOptions?.show ?? {};
		const visible = Object.entries(show).every(([key, values]) =>
			(values as unknown[]).includes((node.parameters as IDataObject)[key] ?? property.default),
		);
		if (visible) known.add(property.name);
	}
	return known;
}

describe('the examples against the sandbox', () => {
	let session: SandboxSession;

	beforeAll(async () => {
		session = await openSandbox({ referralCount: 120 });
	});
	afterAll(async () => {
		await session.close();
	});
	beforeEach(() => {
		session.sandbox.resetFaults();
		session.sandbox.resetCounters();
		jest.spyOn(timing, 'sleep').mockResolvedValue();
	});
	afterEach(() => {
		jest.restoreAllMocks();
	});

	const run = async (workflow: ExampleWorkflow) => {
		const result = await runWorkflow(workflow, session.options());
		session.keep(result.credentialUpdates);
		expect(result.error).toBeUndefined();
		expect(result.run.status).toBe('success');
		return result;
	};

	it('"Alert on a high-value new referral" builds the alert text for the documented example', async () => {
		const result = await run(loadExample(EXAMPLE_FILES.alert));
		expect(json(result.output('Build alert text'))).toEqual([
			{
				text: `New referral from Fabrikam Customer Inc worth 10000 USD, closing 2020-12-01 (Incoming, New/Pending). Find it in Partner Center's Referrals workspace: https://partner.microsoft.com/dashboard/referrals/v2/leads (referral ${EXAMPLE_ID})`,
				referralId: EXAMPLE_ID,
			},
		]);
	});

	it('"Alert on a high-value new referral" stays silent below 5000', async () => {
		const original = session.sandbox.referrals.get(EXAMPLE_ID);
		session.sandbox.referrals.update(EXAMPLE_ID, { details: { dealValue: 4999 } });
		try {
			const result = await run(loadExample(EXAMPLE_FILES.alert));
			expect(result.output('New and worth 5000+?', 0)).toEqual([]);
			expect(result.output('New and worth 5000+?', 1)).toHaveLength(1);
			expect(() => result.output('Build alert text')).toThrow(/did not run/);
		} finally {
			session.sandbox.referrals.update(EXAMPLE_ID, {
				details: original?.details,
				eTag: original?.eTag,
			});
		}
	});

	it('"Referral to CRM record" maps the 10 newest new referrals onto CRM fields', async () => {
		const expected = sortedBy(
			session.sandbox.referrals.all().filter((referral) => referral.status === 'New'),
			'createdDateTime',
			true,
		).slice(0, 10);

		const result = await run(loadExample(EXAMPLE_FILES.crm));

		const records = json(result.output('Map to CRM fields'));
		expect(records.map((record) => record.partner_center_id)).toEqual(
			expected.map((referral) => referral.id),
		);
		expected.forEach((referral, index) => {
			expect(records[index]).toEqual({
				dealname: referral.name,
				amount: Number(referral.details?.dealValue),
				currency: referral.details?.currency,
				closedate: referral.details?.closingDateTime?.slice(0, 10),
				company: referral.customerProfile?.name,
				country: referral.customerProfile?.address?.country,
				pipeline_stage: 'appointmentscheduled',
				partner_center_id: referral.id,
				etag: referral.eTag,
			});
		});
	});

	it('"Slack alert on a new incoming referral" fires for a new incoming referral and builds the message', async () => {
		// this sandbox and the trigger both use the wall clock
		const workflow = loadExample(EXAMPLE_FILES.slack);
		const trigger = findTrigger(workflow);
		const staticData: IDataObject = {};
		const poll = async () => (await session.poll(trigger.parameters, staticData)).items;
		expect(await poll()).toBeNull();

		// dates from the same clock: a referral whose expiry has passed is Closed / Expired at once
		const day = 86_400_000;
		const expiry = new Date(Date.now() + 14 * day).toISOString();
		const closing = `${new Date(Date.now() + 90 * day).toISOString().slice(0, 10)}T00:00:00Z`;
		const referral = session.sandbox.referrals.create(
			incomingReferral({
				expirationDateTime: expiry,
				details: { dealValue: 48000, currency: 'EUR', closingDateTime: closing },
			}),
		);
		session.sandbox.referrals.create(incomingReferral({ direction: 'Outgoing' }));
		const fired = (await poll()) ?? [];
		expect(fired.map((item) => item.json.id)).toEqual([referral.id]);

		const result = await run(withFiredItems(workflow, fired));
		expect(json(result.output('Build Slack message'))).toEqual([
			{
				text: `:incoming_envelope: New incoming referral from *Tailwind Traders* (DE): Microsoft 365 rollout, worth 48000 EUR, closing ${closing.slice(0, 10)}. Accept or decline it before ${expiry.slice(0, 10)} in Partner Center's Referrals workspace: https://partner.microsoft.com/dashboard/referrals/v2/leads (referral ${referral.id})`,
				referralId: referral.id,
			},
		]);
		expect(await poll()).toBeNull();
	});

	it('"Accept new referrals and log the new status" accepts the 3 newest new incoming referrals', async () => {
		const expected = sortedBy(
			session.sandbox.referrals
				.all()
				.filter((referral) => referral.status === 'New' && referral.direction === 'Incoming'),
			'createdDateTime',
			true,
		).slice(0, 3);

		const result = await run(loadExample(EXAMPLE_FILES.accept));

		expect(json(result.output('Log new status'))).toEqual(
			expected.map((referral) => ({
				referralId: referral.id,
				customer: referral.customerProfile?.name,
				newStatus: 'Active/Accepted',
				reason: 'Good fit for our Microsoft 365 practice',
				updatedAt: expect.any(String),
			})),
		);
		expect(patches(session.sandbox)).toBe(3);
		for (const { id } of expected) {
			expect(session.sandbox.referrals.get(id)).toMatchObject({
				status: 'Active',
				substatus: 'Accepted',
				statusReason: 'Good fit for our Microsoft 365 practice',
			});
		}
	});
});

const TOOL_TYPE = `${PACKAGE}.partnerCenterReferralTool`;
const AI_TYPE_VERSIONS: Record<string, number> = {
	[`${LANGCHAIN_PACKAGE}.mcpTrigger`]: 2,
	[`${LANGCHAIN_PACKAGE}.chatTrigger`]: 1.4,
	[`${LANGCHAIN_PACKAGE}.agent`]: 3,
	[`${LANGCHAIN_PACKAGE}.lmChatOpenAi`]: 1.2,
	[TOOL_TYPE]: 1,
};

/**
 * The AI examples need a model (AI Agent) or an MCP client (MCP Server Trigger), which the
 * engine runner has not: their Partner Center tools run here as a model would call them, and
 * `npm run e2e:n8n` calls the MCP one in real n8n with an MCP client (dev/e2e/mcp.ts).
 */
describe.each(AI_FILES)('examples/%s (AI)', (file) => {
	const workflow = loadExample(file);
	const tools = workflow.nodes.filter((node) => node.type === TOOL_TYPE);
	const toolType = toolNodeType(new PartnerCenterReferral());

	it('is an n8n workflow export of known node versions, its Partner Center nodes tools of one AI node', () => {
		expect(workflow.settings).toEqual({ executionOrder: 'v1' });
		for (const node of workflow.nodes) {
			expect(node.id).toMatch(UUID);
			expect(AI_TYPE_VERSIONS[node.type]).toBe(node.typeVersion);
		}
		expect(tools.map((node) => node.parameters.operation)).toEqual(['getMany', 'get']);
		const [root] = workflow.nodes.filter((node) =>
			['mcpTrigger', 'agent'].some((name) => node.type === `${LANGCHAIN_PACKAGE}.${name}`),
		);
		for (const tool of tools) {
			expect(workflow.connections[tool.name]).toEqual({
				ai_tool: [[{ node: root.name, type: 'ai_tool', index: 0 }]],
			});
			expect(tool.credentials).toEqual({
				partnerCenterOAuth2Api: { id: 'pcReferralsCred1', name: 'Partner Center account' },
			});
			const known = knownParameters(toolType.description.properties, tool);
			expect(Object.keys(tool.parameters).filter((key) => !known.has(key))).toEqual([]);
		}
	});

	describe('its tools against the sandbox, called as a model would', () => {
		let session: SandboxSession;
		beforeAll(async () => {
			session = await openSandbox({ referralCount: 40 });
		});
		afterAll(async () => {
			await session.close();
		});

		const call = async (name: string, calls: IDataObject[]) => {
			const node = tools.find((candidate) => candidate.name === name);
			if (!node) throw new Error(`no tool node "${name}"`);
			const { tool } = await runTool(
				{ type: 'partnerCenterReferral', name, parameters: node.parameters, calls },
				session.options(),
			);
			return tool;
		};

		it('List referrals: 3 of a status, or any status with an empty one; then Get referral reads one', async () => {
			const list = await call('List referrals', [
				{ limit: 3, status: 'new' },
				{ limit: 2, status: '' },
			]);
			expect(list.name).toBe('List_referrals');
			expect(list.inputSchema).toMatchObject({
				properties: { limit: { type: 'number' }, status: { type: 'string' } },
				required: ['limit', 'status'],
			});
			const [news, any] = list.answers.map((answer) => JSON.parse(answer.text) as IDataObject[]);
			expect(news.map((entry) => entry.status)).toEqual(['New', 'New', 'New']);
			expect(any).toHaveLength(2);
			expect(Object.keys(news[0])).toEqual(expect.arrayContaining(['id', 'status', 'dealValue']));

			const get = await call('Get referral', [{ referralId: news[0].id }]);
			expect(get.name).toBe('Get_referral');
			const [referral] = JSON.parse(get.answers[0].text) as IDataObject[];
			expect(referral).toMatchObject({ id: news[0].id, status: 'New' });
			expect(referral.eTag).toEqual(expect.any(String));
		});
	});
});

describe('"Slack reminder before a referral expires" on the simulated clock', () => {
	const START = Date.parse('2026-12-07T08:00:00.000Z');
	const MINUTE = 60_000;
	const HOUR = 60 * MINUTE;
	const DAY = 24 * HOUR;
	const WORKSPACE = 'https://partner.microsoft.com/dashboard/referrals/v2/leads';
	const clock = { ms: START };
	let session: SandboxSession;

	beforeAll(async () => {
		// three of its New incoming referrals expire 10, 20 and 30 hours after START
		session = await openSandbox({
			referralCount: 60,
			expiringSoon: 3,
			now: () => new Date(clock.ms),
			tokenLifetimeSeconds: 30 * 86_400,
		});
	});
	afterAll(async () => {
		await session.close();
	});
	beforeEach(() => {
		jest.spyOn(timing, 'now').mockImplementation(() => clock.ms);
		jest.spyOn(timing, 'sleep').mockResolvedValue();
	});
	afterEach(() => {
		jest.restoreAllMocks();
	});

	const iso = (ms: number) => new Date(ms).toISOString();
	const expiresMs = (referral: Referral) => Date.parse(String(referral.expirationDateTime));
	/** The New incoming referrals that expire within the next 2 days (Notify Before), soonest first. */
	const insideWindow = () =>
		session.sandbox.referrals
			.all()
			.filter(
				(referral) =>
					referral.status === 'New' &&
					referral.direction === 'Incoming' &&
					referral.expirationDateTime !== undefined &&
					expiresMs(referral) > clock.ms &&
					expiresMs(referral) <= clock.ms + 2 * DAY,
			)
			.sort((a, b) => expiresMs(a) - expiresMs(b));
	/** The message the example builds, from the sandbox's data (a referral with all its fields). */
	const message = (referral: Referral) => {
		const hours = Math.floor((expiresMs(referral) - clock.ms) / HOUR);
		const value = `${Number(referral.details?.dealValue).toLocaleString('en-US')} ${referral.details?.currency}`;
		return `:hourglass_flowing_sand: *${referral.customerProfile?.name}* (${referral.customerProfile?.address?.country}), ${value}, expires in ${hours} hours (${iso(expiresMs(referral)).slice(0, 16).replace('T', ' ')} UTC): accept or decline it in Partner Center's Referrals workspace: ${WORKSPACE} (referral ${referral.id})`;
	};

	it('reminds once per referral: those inside 2 days at activation, then each one as it enters the window', async () => {
		const workflow = loadExample(EXAMPLE_FILES.expiry);
		const trigger = findTrigger(workflow);
		expect(trigger.parameters).toMatchObject({
			event: 'aboutToExpire',
			notifyBefore: 2,
			notifyBeforeUnit: 'days',
			filters: { direction: 'Incoming' },
		});
		const staticData: IDataObject = {};
		const firedIds: string[] = [];
		const poll = async (afterMs: number) => {
			clock.ms += afterMs;
			const items = (await session.poll(trigger.parameters, staticData)).items ?? [];
			firedIds.push(...items.map((item) => String(item.json.id)));
			return items;
		};
		const build = async (fired: INodeExecutionData[]) => {
			const result = await runWorkflow(withFiredItems(workflow, fired), session.options());
			expect(result.error).toBeUndefined();
			return json(result.output('Build Slack reminder'));
		};

		// activation: the sandbox's three expiring soon (and any other New incoming one inside
		// the 2 days) fire at the first poll, soonest first
		const inside = insideWindow();
		expect(inside.length).toBeGreaterThanOrEqual(3);
		const first = await poll(0);
		expect(first.map((item) => item.json.id)).toEqual(inside.map((referral) => referral.id));
		expect(await build(first)).toEqual(
			inside.map((referral) => ({
				text: message(referral),
				referralId: referral.id,
				expiresAt: iso(expiresMs(referral)),
			})),
		);

		// a referral 2 days and 1 hour from its expiry: not yet; 19 hours later it is 30 hours away
		const tailwind = session.sandbox.referrals.create(
			incomingReferral({ expirationDateTime: iso(clock.ms + 2 * DAY + HOUR) }),
		);
		expect(await poll(30 * MINUTE)).toEqual([]);
		const firedBefore = [...firedIds];
		const later = await poll(18 * HOUR + 30 * MINUTE);
		// it, and any other New incoming referral that came within the 2 days meanwhile
		const entered = insideWindow().filter((referral) => !firedBefore.includes(referral.id));
		expect(ids(later)).toContain(tailwind.id);
		expect(ids(later).sort()).toEqual(entered.map((referral) => referral.id).sort());
		const texts = await build(later);
		expect(texts).toContainEqual({
			text: `:hourglass_flowing_sand: *Tailwind Traders* (DE), 48,000 EUR, expires in 30 hours (${iso(expiresMs(tailwind)).slice(0, 16).replace('T', ' ')} UTC): accept or decline it in Partner Center's Referrals workspace: ${WORKSPACE} (referral ${tailwind.id})`,
			referralId: tailwind.id,
			expiresAt: iso(expiresMs(tailwind)),
		});

		// no deal value and no country, and less than an hour left: said so, not "undefined"
		const bare = session.sandbox.referrals.create(
			incomingReferral({
				customerProfile: { name: 'Wingtip Toys' },
				details: { closingDateTime: '2027-01-31T00:00:00Z' },
				expirationDateTime: iso(clock.ms + HOUR + 50 * MINUTE),
			}),
		);
		const bareFired = await poll(HOUR);
		expect(bareFired.map((item) => item.json.id)).toContain(bare.id);
		expect((await build(bareFired)).find((item) => item.referralId === bare.id)?.text).toBe(
			`:hourglass_flowing_sand: *Wingtip Toys* (country not set), deal value not set, expires within the hour (${iso(expiresMs(bare)).slice(0, 16).replace('T', ' ')} UTC): accept or decline it in Partner Center's Referrals workspace: ${WORKSPACE} (referral ${bare.id})`,
		);

		// more polls: every referral fired exactly once, and none inside the window was missed
		for (const ms of [MINUTE, 10 * MINUTE, HOUR, 6 * HOUR]) await poll(ms);
		expect(new Set(firedIds).size).toBe(firedIds.length);
		expect(insideWindow().filter((referral) => !firedIds.includes(referral.id))).toEqual([]);
	});
});
