/**
 * The credential as the transport uses it: the API Base URL and the secrets to mask, read
 * once per execution context; and the rule that the token goes only to the API Base URL's
 * origin.
 */
import type { IDataObject } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { CREDENTIAL_TYPE, DEFAULT_BASE_URL } from '../shared/constants';
import { serviceFault } from '../shared/nodeError';
import type { PartnerCenterContext } from './types';
import { isNeverConnected } from './signIn';

/** What the transport keeps of the credential: where to send requests, and what must never be shown. */
export interface CredentialFacts {
	baseUrl: string;
	/**
	 * The client secret, access token and refresh token, and the Basic value of
	 * `client_id:client_secret` (base64), masked by value in every error (redact.ts).
	 */
	secrets: string[];
	/** Saved but never connected (no access token): nothing can be sent. */
	neverConnected: boolean;
	/** The host of the token endpoint (login.microsoftonline.com), named when it cannot be reached. */
	tokenHost?: string;
}

/** A shorter secret would mask ordinary words in messages; real secrets and tokens are far longer. */
const MIN_SECRET_LENGTH = 8;

const credentialFacts = new WeakMap<object, Promise<CredentialFacts>>();

/** The credential, read once per execution context (reading credentials is not free). */
export async function getCredentialFacts(this: PartnerCenterContext): Promise<CredentialFacts> {
	let facts = credentialFacts.get(this);
	if (!facts) {
		facts = readCredentialFacts.call(this);
		credentialFacts.set(this, facts);
		facts.catch(() => credentialFacts.delete(this));
	}
	return await facts;
}

async function readCredentialFacts(this: PartnerCenterContext): Promise<CredentialFacts> {
	const credentials = await this.getCredentials(CREDENTIAL_TYPE);
	const configured = typeof credentials.baseUrl === 'string' ? credentials.baseUrl.trim() : '';
	let tokenHost: string | undefined;
	try {
		tokenHost = new URL(String(credentials.accessTokenUrl)).host;
	} catch {
		tokenHost = undefined;
	}
	return {
		baseUrl: (configured || DEFAULT_BASE_URL).replace(/\/+$/, ''),
		secrets: secretsOf(credentials),
		neverConnected: isNeverConnected(credentials),
		tokenHost,
	};
}

function secretsOf(credentials: IDataObject): string[] {
	const tokens = (credentials.oauthTokenData ?? {}) as IDataObject;
	const secrets = [credentials.clientSecret, tokens.access_token, tokens.refresh_token].filter(
		(value): value is string => typeof value === 'string' && value.length >= MIN_SECRET_LENGTH,
	);
	const { clientId, clientSecret } = credentials;
	if (typeof clientSecret === 'string' && secrets.includes(clientSecret)) {
		// HTTP Basic sign-in sends both in one base64 value, as they are or form-encoded (RFC 6749 2.3.1)
		const id = typeof clientId === 'string' ? clientId : '';
		for (const pair of [`${id}:${clientSecret}`, `${formEncoded(id)}:${formEncoded(clientSecret)}`])
			secrets.push(Buffer.from(pair, 'utf8').toString('base64'));
	}
	return [...new Set(secrets)];
}

/** A value as application/x-www-form-urlencoded writes it (a space as +, ~ as %7E). */
function formEncoded(value: string): string {
	return new URLSearchParams({ value }).toString().slice('value='.length);
}

/**
 * The secrets to mask in an error, read at the moment of the error: n8n may have refreshed
 * the token during this execution (and saved it to the credential), and a refreshed token
 * need not look like a token (an opaque one is not a JWT). Also those read at the start.
 */
export async function currentSecrets(this: PartnerCenterContext): Promise<string[]> {
	const known = (await credentialFacts.get(this)?.catch(() => undefined))?.secrets ?? [];
	let now: string[] = [];
	try {
		now = secretsOf(await this.getCredentials(CREDENTIAL_TYPE));
	} catch {
		// the credential cannot be read now: mask what was read before
	}
	return [...new Set([...known, ...now])];
}

/** The credential's API Base URL, without a trailing slash. */
export async function getBaseUrl(this: PartnerCenterContext): Promise<string> {
	return (await getCredentialFacts.call(this)).baseUrl;
}

/**
 * Refuses a link whose origin is not the API Base URL's: the token must not be sent there.
 * A link with a user name or password in it (https://user:pass@host/…) is refused too: the
 * HTTP client would send them as Basic credentials.
 */
export function assertSameOrigin(
	this: PartnerCenterContext,
	link: string,
	baseUrl: string,
	itemIndex?: number,
) {
	const parsed = parseUrl(link);
	const linkOrigin = parsed?.origin;
	if (parsed && (parsed.username !== '' || parsed.password !== '')) {
		throw serviceFault(
			new NodeOperationError(
				this.getNode(),
				'Partner Center returned a next-page link with a user name or password in it',
				{
					description: `The link points at ${linkOrigin} with sign-in details in the address, so it was not followed: no credentials may be sent with it. Check the API Base URL in the credential, or any proxy in front of Partner Center.`,
					itemIndex,
				},
			),
		);
	}
	if (linkOrigin !== new URL(baseUrl).origin) {
		throw serviceFault(
			new NodeOperationError(
				this.getNode(),
				'Partner Center returned a next-page link to another host',
				{
					description: `The link points at ${linkOrigin ?? 'an invalid URL'}, not at the credential's API Base URL (${new URL(baseUrl).origin}), so it was not followed: your access token must not be sent there. Check the API Base URL in the credential, or any proxy in front of Partner Center.`,
					itemIndex,
				},
			),
		);
	}
}

function parseUrl(link: string): URL | undefined {
	try {
		return new URL(link);
	} catch {
		return undefined;
	}
}
