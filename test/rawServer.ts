/**
 * Raw HTTP servers on 127.0.0.1 for the tests that need real sockets (what the HTTP client
 * reports of the wire, two origins, answers cut off or dripped): no nock in front of them (its
 * interceptors change what a socket reports). Each server reads a request in full before its
 * handler answers, as a real service does, and records what it received. Close them all after
 * each test with `closeRawServers`.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
	/** "METHOD path" */
	line: string;
	authorization?: string;
	body: string;
}

export interface RawServer {
	url: string;
	/** Every request received, in order. */
	requests: ReceivedRequest[];
	/** The "METHOD path" of every request received, in order. */
	lines(): string[];
	/** Answers still open (e.g. a trickle the client has not closed). */
	open: Set<ServerResponse>;
}

export type Handler = (
	request: IncomingMessage,
	response: ServerResponse,
	server: RawServer,
	/** The request's body, read in full. */
	body: string,
) => void;

const servers: Server[] = [];

export async function rawServer(handler: Handler): Promise<RawServer> {
	const server = createServer();
	servers.push(server);
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const raw: RawServer = {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		requests: [],
		lines: () => raw.requests.map(({ line }) => line),
		open: new Set(),
	};
	server.on('request', (request: IncomingMessage, response: ServerResponse) => {
		const received: ReceivedRequest = {
			line: `${request.method} ${request.url}`,
			authorization: request.headers.authorization,
			body: '',
		};
		raw.requests.push(received);
		raw.open.add(response);
		response.on('close', () => raw.open.delete(response));
		request
			.on('data', (chunk: Buffer) => (received.body += chunk.toString('utf8')))
			.on('end', () => handler(request, response, raw, received.body));
	});
	return raw;
}

/** Closes every raw server started so far, cutting the connections still open. */
export async function closeRawServers(): Promise<void> {
	await Promise.all(
		servers.splice(0).map(async (server) => {
			server.closeAllConnections();
			await new Promise((resolve) => server.close(resolve));
		}),
	);
}

/** Resolves once every answer the server began has been closed (the client let go of its socket). */
export async function allClosed(server: RawServer): Promise<void> {
	await Promise.all(
		[...server.open].map(
			async (response) => await new Promise((resolve) => response.once('close', resolve)),
		),
	);
}

/** A JSON answer, whole. */
export function json(
	response: ServerResponse,
	status: number,
	body: unknown,
	headers: Record<string, string> = {},
): void {
	response.writeHead(status, { 'Content-Type': 'application/json', ...headers });
	response.end(JSON.stringify(body));
}
