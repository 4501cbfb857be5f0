/**
 * The shipped output schemas (nodes/PartnerCenterReferral/__schema__, what n8n 2.x shows before
 * a node has run) against what the nodes really return: every operation and the trigger run
 * through n8n's engine against the sandbox, and every output item must validate against the
 * schema file n8n-core would serve for that node, version, resource and operation.
 */
import { join } from 'node:path';
import { readFileSync } from 'node:fs';

import Ajv from 'ajv';
import { resolveOutputSchemaPath } from 'n8n-core';
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { operations as routerOperations } from '../../nodes/PartnerCenterReferral/actions/router';
import { timing } from '../../nodes/PartnerCenterReferral/shared/timing';
import type { SandboxSession } from './helpers';
import { byId, EXAMPLE_ID, incomingReferral, openSandbox } from './helpers';

const NODE_DIR = join(__dirname, '..', '..', 'nodes', 'PartnerCenterReferral');
const MINUTE = 60_000;

let clock = Date.parse('2026-05-04T09:00:00.000Z');
let session: SandboxSession;

beforeAll(async () => {
	session = await openSandbox({
		pageSize: 10,
		referralCount: 40,
		now: () => new Date(clock),
		tokenLifetimeSeconds: 86_400,
	});
});
afterAll(async () => {
	await session.close();
});
beforeEach(() => {
	jest.spyOn(timing, 'now').mockImplementation(() => clock);
	jest.spyOn(timing, 'sleep').mockResolvedValue();
});
afterEach(() => {
	jest.restoreAllMocks();
});

const ajv = new Ajv({ allErrors: true });

/** The schema file n8n-core resolves for the node (trigger: no resource/operation), parsed. */
function shippedSchema(resource?: string, operation?: string): object {
	const path = resolveOutputSchemaPath({ nodeDir: NODE_DIR, version: 1, resource, operation });
	if (!path) throw new Error(`n8n-core resolves no schema path for ${resource}/${operation}`);
	return JSON.parse(readFileSync(path, 'utf8')) as object;
}

function expectValid(schema: object, items: INodeExecutionData[] | null): void {
	expect(items?.length).toBeGreaterThan(0);
	const validate = ajv.compile(schema);
	for (const item of items ?? []) {
		const valid = validate(item.json);
		expect({ item: item.json, errors: validate.errors ?? [] }).toEqual({
			item: item.json,
			errors: [],
		});
		expect(valid).toBe(true);
	}
}

const fresh = (overrides: IDataObject = {}) =>
	session.sandbox.referrals.create(incomingReferral(overrides));

const operations: Array<[string, () => INodeParameters]> = [
	['get', () => ({ referralId: byId(EXAMPLE_ID) })],
	['getMany', () => ({ returnAll: false, limit: 15 })],
	['getRelated', () => ({ referralId: byId(EXAMPLE_ID), returnAll: true })],
	[
		'create',
		() => ({
			type: 'Independent',
			customerName: 'Contoso Pharmaceuticals',
			customerCountry: 'GB',
			additionalFields: { dealValue: 25000, currency: 'EUR', notes: 'Wants a pilot.' },
		}),
	],
	[
		'update',
		() => ({
			referralId: byId(fresh().id),
			updateFields: { dealValue: '52000', notes: 'Budget approved.' },
		}),
	],
	['accept', () => ({ referralId: byId(fresh().id) })],
	['decline', () => ({ referralId: byId(fresh().id), options: { reason: 'Not our region' } })],
	['markWon', () => ({ referralId: byId(fresh({ status: 'Active', substatus: 'Accepted' }).id) })],
	['markLost', () => ({ referralId: byId(fresh({ status: 'Active', substatus: 'Accepted' }).id) })],
];

describe('Partner Center Referral: every operation’s items match its shipped schema', () => {
	it('ships a schema for exactly the operations the node offers', () => {
		expect(operations.map(([operation]) => operation).sort()).toEqual(
			Object.keys(routerOperations).sort(),
		);
	});

	it.each(operations)('%s', async (operation, parameters) => {
		const { items, error } = await session.run({ operation, ...parameters() });
		expect(error).toBeUndefined();
		expectValid(shippedSchema('referral', operation), items);
	});

	it('a referral with fields Partner Center left out and a string dealValue still matches (nulls, a number)', async () => {
		const sparse = session.sandbox.referrals.create({
			type: 'Independent',
			direction: 'Incoming',
			status: 'New',
			substatus: 'Pending',
			customerProfile: { name: 'Northwind' },
			details: { dealValue: '7500' },
		});
		const { items } = await session.run({ operation: 'get', referralId: byId(sparse.id) });
		expect(items[0].json).toMatchObject({
			dealValue: 7500,
			customerCity: null,
			currency: null,
			acceptedDateTime: null,
		});
		expect(items[0].json).toMatchObject({
			salesStage: null,
			referralSource: null,
			closedDateTime: null,
		});
		expectValid(shippedSchema('referral', 'get'), items);
	});

	it('a referral with the newer API versions’ fields matches, with each field in the item and untouched in raw output', async () => {
		const newer = {
			salesStage: 'Propose',
			referralSource: 'AppSource',
			callToAction: 'FreeTrial',
			customerMarketplaceIntent: 'Yes',
			registrationStatus: 'Pending',
			campaignId: 'CMP-40404',
			closedDateTime: '2026-05-01T08:00:00.0000000Z',
		};
		const referral = fresh({ status: 'Closed', substatus: 'Won', ...newer });
		const { items } = await session.run({ operation: 'get', referralId: byId(referral.id) });
		expect(items[0].json).toMatchObject(newer);
		expectValid(shippedSchema('referral', 'get'), items);
		const raw = await session.run({
			operation: 'get',
			referralId: byId(referral.id),
			simplify: false,
		});
		expect(raw.items[0].json).toMatchObject(newer);
	});

	it('Get Many over the sandbox’s data: referrals with and without the newer fields all match', async () => {
		const { items } = await session.run({ operation: 'getMany', returnAll: true });
		for (const key of [
			'referralSource',
			'callToAction',
			'customerMarketplaceIntent',
			'registrationStatus',
			'campaignId',
			'closedDateTime',
		]) {
			const values = items.map((item) => item.json[key]);
			expect({
				key,
				some: values.some((value) => typeof value === 'string'),
				someNull: values.includes(null),
			}).toEqual({ key, some: true, someNull: true });
		}
		expectValid(shippedSchema('referral', 'getMany'), items);
	});
});

describe('Partner Center Referral Trigger: fired items match its shipped schema', () => {
	const activate = async (parameters: INodeParameters) => {
		const staticData: IDataObject = {};
		await session.poll(parameters, staticData);
		return async () => {
			clock += MINUTE;
			return (await session.poll(parameters, staticData)).items;
		};
	};

	it('New Referral', async () => {
		const poll = await activate({ event: 'referralCreated', filters: { direction: 'Incoming' } });
		clock += MINUTE;
		fresh();
		expectValid(shippedSchema(), await poll());
	});

	it('Status Changed, with the previous status', async () => {
		const poll = await activate({ event: 'statusChanged', filters: {} });
		clock += MINUTE;
		const referral = fresh();
		await poll(); // not a status change; now the trigger knows it as New/Pending
		clock += MINUTE;
		session.sandbox.referrals.update(referral.id, { status: 'Active', substatus: 'Accepted' });
		const fired = await poll();
		expect(fired?.[0].json).toMatchObject({
			previousStatus: 'New',
			previousSubstatus: 'Pending',
			status: 'Active',
		});
		expectValid(shippedSchema(), fired);
	});

	it('About to Expire, with expiresInHours and expiresAt', async () => {
		session.sandbox.referrals.create(
			incomingReferral({ expirationDateTime: new Date(clock + 30 * 60 * MINUTE).toISOString() }),
		);
		const { items } = await session.poll({ event: 'aboutToExpire', filters: {} }, {});
		expect(items?.[0].json).toMatchObject({ event: 'aboutToExpire', expiresInHours: 30 });
		expectValid(shippedSchema(), items);
		const testEvent = await session.poll(
			{ event: 'aboutToExpire', filters: {} },
			{},
			{ mode: 'manual' },
		);
		expectValid(shippedSchema(), testEvent.items);
	});

	it('Fetch Test Event', async () => {
		const { items } = await session.poll(
			{ event: 'referralUpdated', filters: {} },
			{},
			{ mode: 'manual' },
		);
		expectValid(shippedSchema(), items);
	});
});
