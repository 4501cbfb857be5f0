/**
 * Process-wide set-up of what n8n-core 2.x resolves from its `@n8n/di` Container while a
 * node runs, plus the expression engine choice. Everything else n8n-core needs
 * (OutboundHttp, LockService, ErrorReporter, TriggersAndPollers, ...) is built by the
 * Container itself, exactly as in n8n.
 */
import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import { InstanceSettings } from 'n8n-core';
import { Expression, LoggerProxy } from 'n8n-workflow';

const noop = () => {};

/** A logger that drops everything: n8n-core logs debug/info/warn lines on every run. */
const silentLogger = {
	error: noop,
	warn: noop,
	info: noop,
	debug: noop,
	scoped: () => silentLogger,
	getInternalLogger: noop,
} as unknown as Logger;

/**
 * The real InstanceSettings reads (or creates) `~/.n8n/config` in its constructor;
 * nodes only need identifiers and folders from it.
 */
const instanceSettings = {
	n8nFolder: '/tmp/n8n-test-harness',
	staticCacheDir: '/tmp/n8n-test-harness/cache',
	customExtensionDir: '/tmp/n8n-test-harness/custom',
	nodesDownloadDir: '/tmp/n8n-test-harness/nodes',
	instanceId: 'test-instance-id',
	hmacSignatureSecret: 'test-hmac-signature-secret',
	encryptionKey: 'test-encryption-key',
	instanceType: 'main',
	instanceRole: 'leader',
	isLeader: true,
	isWorker: false,
	isMultiMain: false,
	isSingleMain: true,
} as unknown as InstanceSettings;

let ready = false;

export function setUpContainer(): void {
	if (ready) return;
	Container.set(Logger, silentLogger);
	Container.set(InstanceSettings, instanceSettings);
	LoggerProxy.init(silentLogger);
	// n8n-workflow 2.x evaluates expressions with the legacy (in-process Tournament) engine
	// unless `Expression.initExpressionEngine({ engine: 'vm' | 'quickjs' })` started another one;
	// the n8n CLI does that at start-up from N8N_EXPRESSION_ENGINE (default 'vm', which needs
	// the native isolated-vm module). Pin 'legacy' so that nothing selected elsewhere makes
	// evaluation throw "The vm expression engine has not been initialized".
	Expression.setExpressionEngine('legacy');
	ready = true;
}
