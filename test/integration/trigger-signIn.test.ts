/**
 * The trigger when signing in fails: each poll says so once (one token request, no retries),
 * its state stays where it was, and the first poll after the user reconnects delivers what
 * changed meanwhile.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { ids, incomingReferral, useSimulatedClockSandbox } from './helpers';

const START = Date.parse('2026-05-04T09:00:00.000Z');
const MINUTE = 60_000;

const env = useSimulatedClockSandbox(START, { referralCount: 20, pageSize: 10 });
const { clock } = env;
const PARAMETERS: INodeParameters = {
	event: 'referralCreated',
	filters: { direction: 'Incoming' },
};

afterEach(() => env.session.signIn());

async function activate() {
	const staticData: IDataObject = {};
	const poll = async (minutes = 1) => {
		clock.ms += minutes * MINUTE;
		const { items } = await env.session.poll(PARAMETERS, staticData);
		return items;
	};
	expect(await poll(0)).toBeNull();
	return { staticData, poll };
}

const snapshot = (data: IDataObject): unknown => JSON.parse(JSON.stringify(data));

it('a poll whose sign-in fails says so once, keeps its state, and the first poll after reconnecting delivers the change', async () => {
	const trigger = await activate();
	const state = snapshot(trigger.staticData);
	const referral = env.session.sandbox.referrals.create(incomingReferral());
	env.session.sandbox.resetCounters();

	for (let poll = 1; poll <= 2; poll++) {
		env.session.sandbox.expireAccessTokens();
		env.session.sandbox.faults.failSignInNext(1, 'secretExpired');
		await expect(trigger.poll()).rejects.toMatchObject({
			message: 'The client secret in the Partner Center credential has expired',
			description: expect.stringContaining('AADSTS7000222'),
		});
		// once per poll: one listing refused, one refresh, nothing retried
		expect(env.session.sandbox.counters.tokenRequests).toBe(poll);
		expect(env.session.sandbox.counters.byMethod.GET).toBe(poll);
		expect(snapshot(trigger.staticData)).toEqual(state);
	}

	env.session.signIn(); // the user pasted a new secret and clicked Reconnect
	expect(ids((await trigger.poll()) ?? [])).toEqual([referral.id]);
	expect(await trigger.poll()).toBeNull();
});

it('activation with the token host out of reach names the host, not the API Base URL', async () => {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	await new Promise((resolve) => server.close(resolve));
	env.session.credentials = {
		...env.session.credentials,
		accessTokenUrl: `http://127.0.0.1:${port}/organizations/oauth2/v2.0/token`,
	};
	env.session.sandbox.expireAccessTokens();
	await expect(env.session.poll(PARAMETERS, {})).rejects.toMatchObject({
		message: `Could not reach the Microsoft sign-in service at 127.0.0.1:${port}: the connection was refused`,
		description: expect.stringContaining('the main instance and, in queue mode, every worker'),
	});
	expect(env.session.sandbox.counters.byMethod.GET).toBe(1);
});

it('activation with a credential never connected: says to connect it, and sends nothing', async () => {
	const { oauthTokenData: _tokens, ...saved } = env.session.credentials;
	env.session.credentials = saved;
	await expect(env.session.poll(PARAMETERS, {})).rejects.toThrow(
		'The Partner Center credential is not connected yet',
	);
	expect(env.session.sandbox.counters.requests).toBe(0);
});
