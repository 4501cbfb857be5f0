/**
 * One attempt's time limit, kept on the wire: "Timeout (Seconds)" bounds an attempt from its
 * first byte sent to the last byte of the answer, whatever the server does between bytes (the
 * HTTP client's own `timeout` only notices a socket that stays idle that long).
 *
 * An Attempt is the abort signal of the attempt's requests (`abortSignal` of n8n's request
 * options; n8n 1.x and 2.x hand it to axios as its `signal`). When the time is up it aborts,
 * and axios closes the socket and fails the request. It also tells what was under way then:
 * axios listens to the signal from the moment it starts a request until that request's answer
 * is complete or has failed. So at the limit:
 * - a listener: a request of this attempt was on the wire (sent, or being answered);
 * - none, but one of its requests was answered while n8n has not returned: n8n is renewing the
 *   access token after Partner Center's 401 (the only thing n8n does between a complete
 *   answer and returning it), and has not sent the request again: nothing was written. Once
 *   aborted, the signal also stops that request from being sent when the renewal ends;
 * - none at all: nothing is known of the wire.
 *
 * n8n sets `abortSignal` to the execution's cancel signal when the context has one (both
 * majors, `httpRequestWithAuthentication`); the options the attempt hands out follow that
 * signal instead of being replaced by it, so cancelling the execution still aborts.
 */
import type { IHttpRequestOptions } from 'n8n-workflow';

import { timing } from '../shared/timing';

type Listener = (event: { type: string }) => void;

/** What n8n may set as `abortSignal`: the execution's cancel signal. */
type CancelSignal = {
	aborted: boolean;
	addEventListener?: (type: 'abort', listener: () => void) => void;
	removeEventListener?: (type: 'abort', listener: () => void) => void;
};

/** Thrown by `Attempt.run` when the attempt's time ran out. */
export class AttemptTimedOut extends Error {
	constructor(
		/** What was under way at the limit (see the file's comment). */
		readonly underWay: 'request' | 'renewing' | 'unknown',
		/** The HTTP client's error once aborted, when a request was on the wire: it tells what was sent and received. */
		readonly clientError: unknown,
		readonly afterMs: number,
	) {
		super(`The attempt timed out after ${afterMs} ms`);
	}
}

export class Attempt {
	aborted = false;

	onabort: ((event: { type: string }) => void) | null = null;

	private readonly listeners = new Set<Listener>();

	/** Requests of this attempt whose answer the HTTP client finished with (complete or failed). */
	private finished = 0;

	private wasOnTheWire = false;

	private over = false;

	/** Resolves when the attempt's time is up. */
	private readonly expiry: Promise<typeof EXPIRED>;

	private readonly stopTimer: () => void;

	private readonly followed: Array<() => void> = [];

	constructor(readonly timeoutMs: number) {
		let expire!: (value: typeof EXPIRED) => void;
		this.expiry = new Promise((resolve) => {
			expire = resolve;
		});
		const timer = timing.signalAfter(timeoutMs);
		const onTimer = () => {
			if (this.over) return;
			this.wasOnTheWire = this.listeners.size > 0;
			this.abort();
			expire(EXPIRED);
		};
		timer.addEventListener('abort', onTimer, { once: true });
		this.stopTimer = () => timer.removeEventListener('abort', onTimer);
	}

	addEventListener(type: string, listener: Listener): void {
		if (type === 'abort') this.listeners.add(listener);
	}

	removeEventListener(type: string, listener: Listener): void {
		if (type === 'abort' && this.listeners.delete(listener)) this.finished++;
	}

	/** `options` with this attempt as its abort signal (following any signal n8n sets in its place). */
	options(options: IHttpRequestOptions): IHttpRequestOptions {
		const bounded: IHttpRequestOptions = { ...options };
		Object.defineProperty(bounded, 'abortSignal', {
			enumerable: true,
			configurable: true,
			get: () => this,
			set: (signal: CancelSignal | undefined) => this.follow(signal),
		});
		return bounded;
	}

	/**
	 * Runs one request of the attempt (n8n's helper, with `options(…)`), waiting at most until
	 * the attempt's time is up; then throws AttemptTimedOut.
	 */
	async run<T>(send: () => Promise<T>): Promise<T> {
		const finishedBefore = this.finished;
		const sending = send();
		const settled = sending.then(
			() => SETTLED,
			// a request given up on may still fail later: nobody waits for it then
			() => SETTLED,
		);
		if ((await Promise.race([settled, this.expiry])) === SETTLED) return await sending;
		if (this.wasOnTheWire) {
			// the abort made the HTTP client fail at once; its error tells what had been sent and received
			let clientError: unknown;
			try {
				return await sending;
			} catch (failed) {
				clientError = failed;
			}
			throw new AttemptTimedOut('request', clientError, this.timeoutMs);
		}
		const underWay = this.finished > finishedBefore ? 'renewing' : 'unknown';
		throw new AttemptTimedOut(underWay, undefined, this.timeoutMs);
	}

	/** Ends the attempt: its timer and the signal it followed are let go. */
	end(): void {
		this.over = true;
		this.stopTimer();
		for (const unfollow of this.followed.splice(0)) unfollow();
	}

	private abort(): void {
		if (this.aborted) return;
		this.aborted = true;
		const event = { type: 'abort' };
		for (const listener of [...this.listeners]) listener(event);
		this.onabort?.(event);
	}

	/** Aborts with `signal` (the execution's cancel signal) too. */
	private follow(signal: CancelSignal | undefined): void {
		if (!signal || signal === (this as unknown)) return;
		if (signal.aborted) {
			this.abort();
			return;
		}
		const onCancel = () => this.abort();
		signal.addEventListener?.('abort', onCancel);
		this.followed.push(() => signal.removeEventListener?.('abort', onCancel));
	}
}

const EXPIRED = Symbol('expired');
const SETTLED = Symbol('settled');
