/**
 * Preloaded into every n8n process of `npm run e2e:n8n` (NODE_OPTIONS=--require): TCP
 * connections may go to loopback addresses only (the sandbox, n8n itself). Any other connection
 * is refused as if the host were unreachable, and written to E2E_BLOCKED_LOG so the run can
 * report it.
 *
 * E2E_ROUTE (queue mode) sends named hosts to a loopback port instead, e.g.
 * `login.microsoftonline.com=127.0.0.1:43211`: n8n 2.x sends token refreshes to the credential
 * type's own (hidden) token URL, Microsoft's, whatever the stored credential says. The TLS name
 * n8n checks stays the real host's; the run serves it with a certificate it trusts via
 * NODE_EXTRA_CA_CERTS. Routed connections are appended to E2E_ROUTED_LOG.
 */
const fs = require('node:fs');
const net = require('node:net');

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|::1|::ffff:127(\.\d{1,3}){3})$/i;
const connect = net.Socket.prototype.connect;

/** host/port of a Socket#connect call: (options, cb), (port, host, cb), or net's normalized [options, cb]. */
function target(args) {
	const first = Array.isArray(args[0]) ? args[0][0] : args[0];
	if (first !== null && typeof first === 'object')
		return { host: first.host ?? first.hostname, port: first.port, path: first.path };
	return { host: typeof args[1] === 'string' ? args[1] : undefined, port: first };
}

/** host -> { host, port } from E2E_ROUTE ("name=127.0.0.1:port,..."); only loopback targets. */
const routes = new Map(
	(process.env.E2E_ROUTE ?? '')
		.split(',')
		.filter(Boolean)
		.map((entry) => {
			const [name, to] = entry.split('=');
			const [host, port] = to.split(':');
			if (!LOOPBACK.test(host)) throw new Error(`E2E_ROUTE may route to loopback only, not ${to}`);
			return [name.toLowerCase(), { host, port: Number(port) }];
		}),
);

/** The same connect arguments aimed at another host and port (net's normalized array keeps its marker). */
function retarget(args, to) {
	if (Array.isArray(args[0])) {
		const normalized = [{ ...args[0][0], host: to.host, port: to.port }, ...args[0].slice(1)];
		for (const key of Object.getOwnPropertySymbols(args[0])) normalized[key] = args[0][key];
		return [normalized, ...args.slice(1)];
	}
	if (args[0] !== null && typeof args[0] === 'object')
		return [{ ...args[0], host: to.host, port: to.port }, ...args.slice(1)];
	return [to.port, to.host, ...args.slice(typeof args[1] === 'string' ? 2 : 1)];
}

net.Socket.prototype.connect = function (...args) {
	const { host, port, path } = target(args);
	const route = typeof host === 'string' ? routes.get(host.toLowerCase()) : undefined;
	if (route && typeof path !== 'string') {
		if (process.env.E2E_ROUTED_LOG)
			fs.appendFileSync(process.env.E2E_ROUTED_LOG, `${process.pid} ${host}:${port}\n`);
		return connect.apply(this, retarget(args, route));
	}
	if (
		typeof path === 'string' ||
		host === undefined ||
		LOOPBACK.test(String(host).replace(/^\[|\]$/g, ''))
	) {
		return connect.apply(this, args);
	}
	if (process.env.E2E_BLOCKED_LOG)
		fs.appendFileSync(process.env.E2E_BLOCKED_LOG, `${host}:${port}\n`);
	const error = Object.assign(
		new Error(`connect ECONNREFUSED ${host}:${port} (e2e: loopback only)`),
		{ code: 'ECONNREFUSED' },
	);
	process.nextTick(() => this.destroy(error));
	return this;
};
