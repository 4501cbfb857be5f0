/**
 * Run after every test file (jest.config.js `setupFilesAfterEnv`): nock, once loaded, patches
 * node:http for the whole worker process, and jest runs many files one after another in each
 * worker. Left patched, a later file's requests go through every earlier file's interceptor
 * (stacked, one per file); the raw sockets of test/rawServer.ts then stop behaving like sockets
 * (an aborted answer that trickles is waited for, past jest's timeout). So a file that loaded
 * nock removes it when it is done, and the next file starts with node:http as it is.
 */
import http from 'node:http';

const unpatched = http.request;

afterAll(async () => {
	if (http.request === unpatched) return;
	// this file loaded nock (the same module as the file's own: one registry per test file)
	const { default: nock } = await import('nock');
	nock.restore();
});
