/**
 * "From list" search of the Referral parameter: the node's listSearch method called the way
 * n8n's editor calls it, through n8n-core's LoadOptionsContext with the test credentials.
 */
import { LoadOptionsContext } from 'n8n-core';
import nock from 'nock';
import type {
	IDataObject,
	INode,
	INodeParameters,
	INodeType,
	INodeTypes,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';
import { NodeHelpers, Workflow } from 'n8n-workflow';

import { PartnerCenterReferral } from '../../nodes/PartnerCenterReferral/PartnerCenterReferral.node';
import {
	ACCESS_TOKEN,
	API,
	credentials,
	EXAMPLE_ID,
	exampleReferral,
	guid,
	REFERRALS,
	referral,
} from '../fixtures';
import { TestCredentialsHelper } from '../../dev/harness';
import { setUpContainer } from '../../dev/harness/container';
import { interceptExact, interceptList, listPage, useNock } from './helpers';

useNock();

const nodeType = new PartnerCenterReferral();

const nodeTypes: INodeTypes = {
	getByName: () => nodeType,
	getByNameAndVersion: (_type: string, version?: number) =>
		NodeHelpers.getVersionedNodeType(nodeType, version) as INodeType,
	getKnownTypes: () => ({}),
};

/** The context n8n builds for a resource locator's list search of this node (see n8n's DynamicNodeParametersService). */
function loadOptionsContext(
	parameters: INodeParameters = { resource: 'referral', operation: 'get' },
): LoadOptionsContext {
	setUpContainer();
	const node: INode = {
		id: 'node-under-test',
		name: 'Partner Center Referral',
		type: 'partnerCenterReferral',
		typeVersion: 1,
		position: [0, 0],
		parameters,
		credentials: {
			partnerCenterOAuth2Api: { id: 'test-partnerCenterOAuth2Api', name: 'Test credential' },
		},
	};
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
	const additionalData = {
		credentialsHelper: new TestCredentialsHelper(credentials() ?? {}, nodeTypes),
		currentNodeParameters: parameters,
		variables: {},
		restApiUrl: 'http://localhost:5678/rest',
		instanceBaseUrl: 'http://localhost:5678/',
		formWaitingBaseUrl: 'http://localhost:5678/form-waiting',
		webhookBaseUrl: 'http://localhost:5678/webhook',
		webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://localhost:5678/webhook-test',
		userId: 'test-user',
	} as unknown as IWorkflowExecuteAdditionalData;
	return new LoadOptionsContext(workflow, node, additionalData, 'parameters.referralId');
}

async function search(filter?: string, paginationToken?: string) {
	return await nodeType.methods.listSearch.searchReferrals.call(
		loadOptionsContext(),
		filter,
		paginationToken,
	);
}

const named = (n: number, fields: IDataObject) => referral(guid(n), fields);

/** Partner Center's Referrals workspace: Microsoft documents no link to one referral. */
const WORKSPACE = 'https://partner.microsoft.com/dashboard/referrals/v2/leads';

describe('From-list search of referrals', () => {
	it('lists the most recently updated referrals as "customer — name (status/substatus)", with the nextLink as token', async () => {
		const queries: IDataObject[] = [];
		const nextLink = `${API}${REFERRALS}?$orderby=updatedDateTime%20desc&$top=100&$skiptoken=p2`;
		nock(API, { reqheaders: { authorization: `Bearer ${ACCESS_TOKEN}` } })
			.get(REFERRALS)
			.query((query) => {
				queries.push({ ...query });
				return true;
			})
			.reply(
				200,
				listPage(
					[
						named(1, { name: 'M365 rollout' }),
						named(2, { name: 'Azure migration', status: 'Active', substatus: 'Accepted' }),
						named(3, { name: undefined }),
						named(4, {
							name: 'No customer',
							customerProfile: undefined,
							status: 'Closed',
							substatus: undefined,
						}),
						named(5, { name: 'No state', status: undefined, substatus: undefined }),
					],
					nextLink,
				),
			);
		const result = await search();
		expect(queries).toEqual([{ $orderby: 'updatedDateTime desc' }]);
		expect(result).toEqual({
			results: [
				{
					name: 'Fabrikam Customer Inc — M365 rollout (New/Pending)',
					value: guid(1),
					url: WORKSPACE,
				},
				{
					name: 'Fabrikam Customer Inc — Azure migration (Active/Accepted)',
					value: guid(2),
					url: WORKSPACE,
				},
				{
					name: `Fabrikam Customer Inc — ${guid(3)} (New/Pending)`,
					value: guid(3),
					url: WORKSPACE,
				},
				{ name: 'Unknown customer — No customer (Closed)', value: guid(4), url: WORKSPACE },
				{ name: 'Fabrikam Customer Inc — No state', value: guid(5), url: WORKSPACE },
			],
			paginationToken: nextLink,
		});
	});

	it('has no pagination token on the last page', async () => {
		const queries: IDataObject[] = [];
		interceptList(queries, 200, listPage([named(1, { name: 'Only' })]));
		const result = await search('');
		expect(result).toEqual({
			results: [
				{ name: 'Fabrikam Customer Inc — Only (New/Pending)', value: guid(1), url: WORKSPACE },
			],
			paginationToken: undefined,
		});
	});

	it('filters the page by the search term in the name or the customer, ignoring case and spaces', async () => {
		const queries: IDataObject[] = [];
		const nextLink = `${API}${REFERRALS}?$skiptoken=p2`;
		interceptList(
			queries,
			200,
			listPage(
				[
					named(1, { name: 'M365 rollout' }),
					named(2, { name: 'Azure migration', customerProfile: { name: 'Contoso Bank' } }),
					named(3, { name: 'Teams ROLLOUT', customerProfile: { name: 'Northwind' } }),
				],
				nextLink,
			),
		);
		const byName = await search('  Rollout ');
		expect(queries).toEqual([{ $orderby: 'updatedDateTime desc' }]);
		expect(byName).toEqual({
			results: [
				{
					name: 'Fabrikam Customer Inc — M365 rollout (New/Pending)',
					value: guid(1),
					url: WORKSPACE,
				},
				{ name: 'Northwind — Teams ROLLOUT (New/Pending)', value: guid(3), url: WORKSPACE },
			],
			paginationToken: nextLink,
		});

		interceptList(
			queries,
			200,
			listPage([
				named(1, { name: 'M365 rollout' }),
				named(2, { customerProfile: { name: 'Contoso Bank' } }),
			]),
		);
		expect((await search('contoso')).results).toEqual([
			{ name: `Contoso Bank — ${guid(2)} (New/Pending)`, value: guid(2), url: WORKSPACE },
		]);

		interceptList(queries, 200, listPage([named(1, { name: 'M365 rollout' })], nextLink));
		expect(await search('nothing like it')).toEqual({ results: [], paginationToken: nextLink });
	});

	it('loads the next page from the token verbatim, the term still applied', async () => {
		const requested: string[] = [];
		const page2 = `${REFERRALS}?$orderby=updatedDateTime%20desc&$top=100&$skiptoken=cDI%3D`;
		const page3 = `${API}${REFERRALS}?$skiptoken=cDM%3D`;
		interceptExact(
			requested,
			page2,
			listPage([named(7, { name: 'Seven' }), named(8, { name: 'Eight' })], page3),
		);
		const result = await search('seven', `${API}${page2}`);
		expect(requested).toEqual([page2]);
		expect(result).toEqual({
			results: [
				{ name: 'Fabrikam Customer Inc — Seven (New/Pending)', value: guid(7), url: WORKSPACE },
			],
			paginationToken: page3,
		});
	});

	it('fails instead of offering a page again when its nextLink is the token it was loaded with', async () => {
		const page2 = `${REFERRALS}?$skiptoken=cDI%3D`;
		const requested: string[] = [];
		interceptExact(requested, page2, listPage([named(7, { name: 'Seven' })], `${API}${page2}`));
		await expect(search(undefined, `${API}${page2}`)).rejects.toThrow(
			'Partner Center returned the same page again (a next-page link it had already given)',
		);
		expect(requested).toEqual([page2]);
	});

	it('reads past an empty page to the next one with referrals, and hands out a relative nextLink as an absolute token', async () => {
		const queries: IDataObject[] = [];
		const requested: string[] = [];
		interceptList(queries, 200, listPage([], `${REFERRALS}?$skiptoken=p2`));
		interceptExact(
			requested,
			`${REFERRALS}?$skiptoken=p2`,
			listPage([named(2, { name: 'Two' })], `${REFERRALS}?$skiptoken=p3`),
		);
		expect(await search()).toEqual({
			results: [
				{ name: 'Fabrikam Customer Inc — Two (New/Pending)', value: guid(2), url: WORKSPACE },
			],
			paginationToken: `${API}${REFERRALS}?$skiptoken=p3`,
		});
		expect(requested).toEqual([`${REFERRALS}?$skiptoken=p2`]);
	});

	it('refuses a pagination token on another host and sends nothing there', async () => {
		const evil = nock('https://evil.example.com').get(/.*/).reply(200, listPage([]));
		await expect(
			search(undefined, 'https://evil.example.com/v1.0/engagements/referrals?$skiptoken=x'),
		).rejects.toThrow('Partner Center returned a next-page link to another host');
		expect(evil.isDone()).toBe(false);
		nock.cleanAll();
	});

	it('looks a GUID term up directly instead of listing', async () => {
		const list = nock(API).get(REFERRALS).query(true).reply(200, listPage([]));
		nock(API).get(`${REFERRALS}/${EXAMPLE_ID}`).reply(200, exampleReferral());
		const result = await search(` ${EXAMPLE_ID} `);
		expect(result).toEqual({
			results: [
				{
					name: `Fabrikam Customer Inc — ${EXAMPLE_ID} (New/Pending)`,
					value: EXAMPLE_ID,
					url: WORKSPACE,
				},
			],
		});
		expect(list.isDone()).toBe(false);
		nock.cleanAll();
	});

	it('looks an upper-case GUID up too (GUIDs ignore case)', async () => {
		nock(API).get(`${REFERRALS}/${EXAMPLE_ID}`).reply(200, exampleReferral());
		const result = await search(EXAMPLE_ID.toUpperCase());
		expect(result.results.map((entry) => entry.value)).toEqual([EXAMPLE_ID]);
	});

	it('shows no result for a GUID that does not exist', async () => {
		nock(API)
			.get(`${REFERRALS}/${guid(404)}`)
			.reply(404, { error: { code: 'itemNotFound', message: 'nope' } });
		expect(await search(guid(404))).toEqual({ results: [] });
	});

	it('reports a failing list (e.g. 403) instead of showing an empty list', async () => {
		nock(API)
			.get(REFERRALS)
			.query(true)
			.reply(403, { error: { code: 'accessDenied', message: 'Forbidden' } });
		await expect(search('x')).rejects.toThrow('Partner Center denied access to referrals (403)');
	});

	it('reports a failing GUID look-up (e.g. 403) instead of showing an empty list', async () => {
		nock(API)
			.get(`${REFERRALS}/${guid(9)}`)
			.reply(403, { error: { code: 'accessDenied', message: 'Forbidden' } });
		await expect(search(guid(9))).rejects.toThrow(
			'Partner Center denied access to referrals (403)',
		);
	});
});
