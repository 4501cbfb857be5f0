import type { ICredentialTestRequest, ICredentialType, Icon, INodeProperties } from 'n8n-workflow';

/**
 * Delegated (App+User) OAuth2 for the Partner Center Referrals API.
 * The API accepts user tokens only, so this is always the authorization-code grant
 * on the Microsoft identity platform v2 endpoints of the chosen tenant.
 */
export class PartnerCenterOAuth2Api implements ICredentialType {
	name = 'partnerCenterOAuth2Api';

	extends = ['oAuth2Api'];

	displayName = 'Partner Center OAuth2 API';

	icon: Icon = {
		light: 'file:../nodes/PartnerCenterReferral/partnerCenter.svg',
		dark: 'file:../nodes/PartnerCenterReferral/partnerCenter.dark.svg',
	};

	documentationUrl =
		'https://learn.microsoft.com/en-us/partner-center/developer/partner-center-authentication';

	// Lets the HTTP Request node (and "Custom API Call") use this credential for other endpoints.
	httpRequestNode = {
		name: 'Microsoft Partner Center',
		docsUrl: 'https://learn.microsoft.com/en-us/partner-center/developer/',
		apiBaseUrl: 'https://api.partner.microsoft.com/',
	};

	properties: INodeProperties[] = [
		{
			// n8n's own hint under the redirect URL says "In Partner Center, use the URL above": the app registration is in Entra ID
			displayName:
				'The OAuth Redirect URL goes in Microsoft Entra ID, not in Partner Center: App registrations → your app → Authentication → Add a platform → Web → Redirect URIs. Under API permissions, add the delegated permission Microsoft Partner Center → user_impersonation (in "APIs my organization uses") and grant admin consent. Client Secret is the secret\'s Value, not its Secret ID.',
			name: 'entraSetupNotice',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'Grant Type',
			name: 'grantType',
			type: 'hidden',
			default: 'authorizationCode',
		},
		{
			displayName: 'Tenant ID',
			name: 'tenantId',
			type: 'string',
			default: 'organizations',
			required: true,
			description:
				'Your Microsoft Entra tenant: a tenant GUID, a domain such as contoso.onmicrosoft.com, or "organizations" for a multi-tenant app registration',
		},
		{
			displayName: 'API Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.partner.microsoft.com',
			required: true,
			description:
				'Root of the Partner Center REST API. Change it only to reach a corporate proxy or a local sandbox of the service.',
		},
		{
			displayName: 'Authorization URL',
			name: 'authUrl',
			type: 'hidden',
			default:
				'=https://login.microsoftonline.com/{{$self["tenantId"] || "organizations"}}/oauth2/v2.0/authorize',
		},
		{
			displayName: 'Access Token URL',
			name: 'accessTokenUrl',
			type: 'hidden',
			default:
				'=https://login.microsoftonline.com/{{$self["tenantId"] || "organizations"}}/oauth2/v2.0/token',
		},
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'hidden',
			default: 'https://api.partner.microsoft.com/.default offline_access',
		},
		{
			displayName: 'Auth URI Query Parameters',
			name: 'authQueryParameters',
			type: 'hidden',
			default: 'prompt=select_account',
		},
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'hidden',
			default: 'body',
		},
	];

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/v1.0/engagements/referrals',
			qs: { $top: 1 },
		},
	};
}
