/**
 * Preloaded into the n8n of `npm run n8n` only (NODE_OPTIONS=--require), never shipped.
 *
 * n8n 2.x refreshes an OAuth2 token at the credential type's own token URL, a hidden field
 * (https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token), whatever the stored credential
 * says. Offline that fails once the sandbox's access token expires. This sends every HTTPS
 * request for login.microsoftonline.com to the sandbox instead (DEV_LOGIN_SANDBOX, e.g.
 * http://127.0.0.1:43123), same method, path, headers and body: the sandbox answers
 * /{tenant}/oauth2/v2.0/token like Microsoft. The package and what it sends are unchanged.
 */
const http = require('node:http');
const https = require('node:https');

const LOGIN_HOST = 'login.microsoftonline.com';
const target = process.env.DEV_LOGIN_SANDBOX ? new URL(process.env.DEV_LOGIN_SANDBOX) : undefined;

/** https.request's arguments, ([url], [options], [callback]), as one options object and the callback. */
function normalize(args) {
	const [first, second, third] = args;
	let options = {};
	if (typeof first === 'string' || first instanceof URL) {
		const url = new URL(first);
		options = {
			protocol: url.protocol,
			hostname: url.hostname,
			port: url.port,
			path: `${url.pathname}${url.search}`,
		};
	} else if (first !== null && typeof first === 'object') {
		options = { ...first };
	}
	if (typeof second === 'function') return { options, callback: second };
	if (second !== null && typeof second === 'object') options = { ...options, ...second };
	return { options, callback: typeof third === 'function' ? third : undefined };
}

function hostOf(options) {
	const host =
		options.hostname ??
		(typeof options.host === 'string' ? options.host.replace(/:\d+$/, '') : undefined);
	return typeof host === 'string' ? host.toLowerCase().replace(/\.$/, '') : undefined;
}

function redirected(original) {
	return function request(...args) {
		const { options, callback } = normalize(args);
		if (!target || hostOf(options) !== LOGIN_HOST) return original.apply(this, args);
		const headers = { ...(options.headers ?? {}) };
		for (const name of Object.keys(headers))
			if (name.toLowerCase() === 'host') delete headers[name];
		const local = {
			method: options.method,
			path: options.path,
			headers: { ...headers, host: target.host },
			protocol: 'http:',
			hostname: target.hostname,
			port: target.port,
			timeout: options.timeout,
			signal: options.signal,
		};
		return callback ? http.request(local, callback) : http.request(local);
	};
}

https.request = redirected(https.request);
https.get = function get(...args) {
	const req = https.request(...args);
	req.end();
	return req;
};

module.exports = { LOGIN_HOST, normalize, hostOf };
