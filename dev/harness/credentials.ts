/**
 * Credentials for harness runs: a credential-types registry (the package's credential plus
 * a minimal `oAuth2Api` parent) and an n8n `ICredentialsHelper` that serves test data in
 * place of n8n's encrypted database, the way the n8n CLI's CredentialsHelper does
 * (defaults of the type and its parents applied, expressions such as `$self.tenantId`
 * resolved), and keeps what n8n asks to persist (e.g. a refreshed OAuth2 token).
 */
import type {
	ICredentialDataDecryptedObject,
	ICredentialsEncrypted,
	ICredentialsExpressionResolveValues,
	ICredentialType,
	ICredentialTypes,
	IDataObject,
	IExecuteData,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeParameters,
	INodeProperties,
	INodeTypes,
	IRequestOptionsSimplified,
	IWorkflowDataProxyAdditionalKeys,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import {
	ICredentials,
	ICredentialsHelper,
	jsonParse,
	NodeHelpers,
	UnexpectedError,
	Workflow,
} from 'n8n-workflow';

import { PartnerCenterOAuth2Api } from '../../credentials/PartnerCenterOAuth2Api.credentials';

/** The generic OAuth2 parent type that n8n ships in nodes-base, reduced to its core fields. */
export class OAuth2Api implements ICredentialType {
	name = 'oAuth2Api';

	displayName = 'OAuth2 API';

	properties: INodeProperties[] = [
		{
			displayName: 'Grant Type',
			name: 'grantType',
			type: 'options',
			options: [
				{ name: 'Authorization Code', value: 'authorizationCode' },
				{ name: 'Client Credentials', value: 'clientCredentials' },
				{ name: 'PKCE', value: 'pkce' },
			],
			default: 'authorizationCode',
		},
		{ displayName: 'Authorization URL', name: 'authUrl', type: 'string', default: '' },
		{ displayName: 'Access Token URL', name: 'accessTokenUrl', type: 'string', default: '' },
		{ displayName: 'Client ID', name: 'clientId', type: 'string', default: '' },
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
		},
		{ displayName: 'Scope', name: 'scope', type: 'string', default: '' },
		{
			displayName: 'Auth URI Query Parameters',
			name: 'authQueryParameters',
			type: 'string',
			default: '',
		},
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'options',
			options: [
				{ name: 'Body', value: 'body' },
				{ name: 'Header', value: 'header' },
			],
			default: 'header',
		},
	];
}

export class CredentialTypes implements ICredentialTypes {
	private readonly types = new Map<string, ICredentialType>();

	constructor(types: ICredentialType[] = [new OAuth2Api(), new PartnerCenterOAuth2Api()]) {
		for (const type of types) this.types.set(type.name, type);
	}

	recognizes(type: string): boolean {
		return this.types.has(type);
	}

	getByName(type: string): ICredentialType {
		const found = this.types.get(type);
		if (!found) throw new UnexpectedError(`Unknown credential type "${type}"`);
		return found;
	}

	getSupportedNodes(type: string): string[] {
		return this.getByName(type).supportedNodes ?? [];
	}

	/** All ancestors, nearest first: `partnerCenterOAuth2Api` → `['oAuth2Api']`. */
	getParentTypes(type: string): string[] {
		const parents = this.getByName(type).extends ?? [];
		return [...parents, ...parents.flatMap((parent) => this.getParentTypes(parent))];
	}
}

export interface CredentialUpdate {
	type: string;
	data: ICredentialDataDecryptedObject;
}

const copy = <T>(value: T): T => structuredClone(value);

/** `ICredentials` holding its data as plain JSON: nothing is encrypted in tests. */
class PlainCredentials extends ICredentials {
	async getData(): Promise<ICredentialDataDecryptedObject> {
		return jsonParse<ICredentialDataDecryptedObject>(this.data ?? '{}');
	}

	getDataToSave(): ICredentialsEncrypted {
		return { id: this.id, name: this.name, type: this.type, data: this.data };
	}

	async setData(data: ICredentialDataDecryptedObject): Promise<void> {
		this.data = JSON.stringify(data);
	}

	async updateData(
		toUpdate: ICredentialDataDecryptedObject,
		toDelete: string[] = [],
	): Promise<void> {
		const data = { ...(await this.getData()), ...toUpdate };
		for (const key of toDelete) delete data[key];
		await this.setData(data);
	}
}

/** A node the helper evaluates credential expressions against when no workflow run is given. */
const expressionNode: INode = {
	id: 'credential-expressions',
	name: 'Credential expressions',
	type: 'n8n-nodes-base.noOp',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

export class TestCredentialsHelper extends ICredentialsHelper {
	/** Every write n8n made through `updateCredentials*`, in order. */
	readonly updates: CredentialUpdate[] = [];

	private readonly store: Record<string, ICredentialDataDecryptedObject>;

	constructor(
		credentials: Record<string, ICredentialDataDecryptedObject>,
		private readonly nodeTypes: INodeTypes,
		private readonly credentialTypes: CredentialTypes = new CredentialTypes(),
	) {
		super();
		this.store = copy(credentials);
	}

	getParentTypes(type: string): string[] {
		return this.credentialTypes.recognizes(type) ? this.credentialTypes.getParentTypes(type) : [];
	}

	isCredentialUsableByNode(type: string, nodeType: string): boolean {
		if (!this.credentialTypes.recognizes(type)) return true;
		const credentialType = this.credentialTypes.getByName(type);
		return (
			!credentialType.restrictToSupportedNodes ||
			this.credentialTypes.getSupportedNodes(type).includes(nodeType)
		);
	}

	/** Properties of the type merged over those of its parents (the type's own win), as in n8n. */
	getCredentialsProperties(type: string): INodeProperties[] {
		const credentialType = this.credentialTypes.getByName(type);
		if (credentialType.extends === undefined) {
			if (['oAuth1Api', 'oAuth2Api'].includes(type)) {
				return [
					...credentialType.properties,
					{
						displayName: 'oauthTokenData',
						name: 'oauthTokenData',
						type: 'json',
						required: false,
						default: {},
					},
				];
			}
			return credentialType.properties;
		}
		const combined: INodeProperties[] = [];
		for (const parent of credentialType.extends) {
			NodeHelpers.mergeNodeProperties(combined, this.getCredentialsProperties(parent));
		}
		NodeHelpers.mergeNodeProperties(combined, credentialType.properties);
		return combined;
	}

	async getCredentials(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<ICredentials> {
		return new PlainCredentials(nodeCredentials, type, JSON.stringify(this.stored(type)));
	}

	async getDecrypted(
		additionalData: IWorkflowExecuteAdditionalData,
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
		mode: WorkflowExecuteMode,
		executeData?: IExecuteData,
		raw?: boolean,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		const original = this.stored(type);
		if (raw === true) return original;

		let data = NodeHelpers.getNodeParameters(
			this.getCredentialsProperties(type),
			original as INodeParameters,
			true,
			false,
			null,
			null,
		) as ICredentialDataDecryptedObject;
		if (original.oauthTokenData !== undefined) data.oauthTokenData = original.oauthTokenData;

		const additionalKeys: IWorkflowDataProxyAdditionalKeys = { $vars: additionalData.variables };
		if (expressionResolveValues) {
			const { workflow, runExecutionData, runIndex, itemIndex, node, connectionInputData } =
				expressionResolveValues;
			data = workflow.expression.getParameterValue(
				data as INodeParameters,
				runExecutionData,
				runIndex,
				itemIndex,
				node.name,
				connectionInputData,
				mode,
				additionalKeys,
				executeData,
				false,
				data,
			) as ICredentialDataDecryptedObject;
		} else {
			data = this.expressionWorkflow().expression.getComplexParameterValue(
				expressionNode,
				data as INodeParameters,
				mode,
				additionalKeys,
				undefined,
				undefined,
				data,
			) as ICredentialDataDecryptedObject;
		}
		return data;
	}

	async updateCredentials(
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		this.store[type] = copy(data);
		this.updates.push({ type, data: copy(data) });
	}

	/** n8n-core calls this after an OAuth2 refresh; n8n persists only `oauthTokenData`. */
	async updateCredentialsOauthTokenData(
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		this.store[type] = { ...this.stored(type), oauthTokenData: copy(data.oauthTokenData) };
		this.updates.push({ type, data: copy(data) });
	}

	/** Applies a type's `authenticate` (a function, or a generic definition with `$credentials` expressions). */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const { authenticate } = this.credentialTypes.getByName(typeName);
		if (typeof authenticate === 'function') {
			return await authenticate(credentials, requestOptions as IHttpRequestOptions);
		}
		if (authenticate?.type === 'generic') {
			const target = requestOptions as unknown as Record<string, IDataObject | undefined>;
			const resolve = (value: string) => {
				if (!value.startsWith('=')) return value;
				const resolved = (workflow ?? this.expressionWorkflow()).expression.getSimpleParameterValue(
					node ?? expressionNode,
					value,
					'internal',
					{ $credentials: credentials } as IWorkflowDataProxyAdditionalKeys,
					undefined,
					'',
				);
				return resolved ? String(resolved) : '';
			};
			requestOptions.headers ??= {};
			for (const [section, values] of Object.entries(authenticate.properties)) {
				const resolvedSection: IDataObject = target[section] ?? {};
				for (const [key, value] of Object.entries(values as Record<string, string>)) {
					resolvedSection[resolve(key)] = resolve(value);
				}
				target[section] = resolvedSection;
			}
		}
		return requestOptions as IHttpRequestOptions;
	}

	/** Runs a type's `preAuthentication` when its expirable field is empty or the server said it expired. */
	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const credentialType = this.credentialTypes.getByName(typeName);
		if (typeof credentialType.preAuthentication !== 'function') return undefined;
		const expirable = credentialType.properties.find(
			(property) => property.typeOptions?.expirable === true,
		);
		if (expirable === undefined) return undefined;
		if (
			!credentialsExpired &&
			credentials[expirable.name] !== '' &&
			credentials[expirable.name] !== undefined
		) {
			return undefined;
		}
		const output = await credentialType.preAuthentication.call(helpers, credentials);
		const updated = Object.assign(credentials, output);
		const nodeCredentials = node.credentials?.[typeName];
		if (nodeCredentials) await this.updateCredentials(nodeCredentials, typeName, updated);
		return updated;
	}

	async runPreAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const credentialType = this.credentialTypes.getByName(typeName);
		if (typeof credentialType.preAuthentication !== 'function') return undefined;
		const expirable = credentialType.properties.find(
			(property) => property.typeOptions?.expirable === true,
		);
		if (expirable === undefined || (credentials[expirable.name] ?? '') !== '') return undefined;
		return Object.assign(
			credentials,
			await credentialType.preAuthentication.call(helpers, credentials),
		);
	}

	private stored(type: string): ICredentialDataDecryptedObject {
		const data = this.store[type];
		if (data === undefined) {
			throw new UnexpectedError(
				`No test credentials of type "${type}": pass them in options.credentials`,
			);
		}
		return copy(data);
	}

	private expressionWorkflow(): Workflow {
		return new Workflow({
			nodes: [{ ...expressionNode }],
			connections: {},
			active: false,
			nodeTypes: this.nodeTypes,
		});
	}
}
