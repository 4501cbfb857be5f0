/**
 * Preloaded into every n8n process of `npm run e2e:n8n` (NODE_OPTIONS=--require): TCP
 * connections may go to loopback addresses only (the sandbox, n8n itself). Any other connection
 * is refused as if the host were unreachable, and written to E2E_BLOCKED_LOG so the run can
 * report it.
 */
const fs = require('node:fs');
const net = require('node:net');

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|::1|::ffff:127(\.\d{1,3}){3})$/i;
const connect = net.Socket.prototype.connect;

/** host/port of a Socket#connect call: (options, cb), (port, host, cb), or net's normalized [options, cb]. */
function target(args) {
	const first = Array.isArray(args[0]) ? args[0][0] : args[0];
	if (first !== null && typeof first === 'object') return { host: first.host ?? first.hostname, port: first.port, path: first.path };
	return { host: typeof args[1] === 'string' ? args[1] : undefined, port: first };
}

net.Socket.prototype.connect = function (...args) {
	const { host, port, path } = target(args);
	if (typeof path === 'string' || host === undefined || LOOPBACK.test(String(host).replace(/^\[|\]$/g, ''))) {
		return connect.apply(this, args);
	}
	if (process.env.E2E_BLOCKED_LOG) fs.appendFileSync(process.env.E2E_BLOCKED_LOG, `${host}:${port}\n`);
	const error = Object.assign(new Error(`connect ECONNREFUSED ${host}:${port} (e2e: loopback only)`), { code: 'ECONNREFUSED' });
	process.nextTick(() => this.destroy(error));
	return this;
};
