/**
 * Tokens and secrets must never reach a message, a description or an output item: masks
 * `secrets` (the credential's own, see CredentialFacts) by value in every form a service or a
 * proxy may echo them in, and anything shaped like a token.
 *
 * The forms, character by character (so that any mix is found): as typed; percent-encoded
 * (`~` as `%7E` or `%7e`, a space as `%20` or `+`, as encodeURIComponent and form encoding
 * write them); JSON-escaped (`\"`, `\\`, `\/`, `\u00XX`). A Basic `client_id:client_secret`
 * value is one of the secrets itself (in base64, see credential.ts), so it is found in the
 * same forms.
 */
export function redact(text: string, secrets: readonly string[] = []): string {
	let masked = text;
	for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
		if (secret !== '') masked = masked.replace(anyFormOf(secret), '[redacted]');
	}
	return masked
		.replace(/Bearer\s+[A-Za-z0-9\-._~+/]+=*/gi, 'Bearer [redacted]')
		.replace(/Basic\s+[A-Za-z0-9+/]{16,}={0,2}/g, 'Basic [redacted]')
		.replace(/eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g, '[redacted token]')
		.replace(
			/(access_token|refresh_token|client_secret)(["'=:\s]+)[^"'&\s,}]+/gi,
			'$1$2[redacted]',
		);
}

/** The patterns of the secrets seen lately (an execution masks the same few secrets in every error). */
const patterns = new Map<string, RegExp>();
const MAX_PATTERNS = 32;

/** A pattern that finds `secret` in any of the forms above, or a mix of them. */
function anyFormOf(secret: string): RegExp {
	let pattern = patterns.get(secret);
	if (pattern === undefined) {
		pattern = new RegExp(Array.from(secret, formsOfCharacter).join(''), 'g');
		if (patterns.size >= MAX_PATTERNS) patterns.clear();
		patterns.set(secret, pattern);
	}
	pattern.lastIndex = 0;
	return pattern;
}

/** The forms of one character (a code point) as a pattern: as typed, percent-encoded, JSON-escaped. */
function formsOfCharacter(char: string): string {
	const forms = new Set<string>([escapeForPattern(char)]);
	// percent-encoded UTF-8 bytes, hex digits in either case
	forms.add(
		Array.from(new TextEncoder().encode(char), (byte) => `%${anyCaseHex(byte, 2)}`).join(''),
	);
	if (char === ' ') forms.add('\\+');
	// JSON: the short escapes (\" \\ \n …), an escaped slash, and \uXXXX of each UTF-16 unit
	const json = JSON.stringify(char).slice(1, -1);
	if (json !== char) forms.add(escapeForPattern(json));
	if (char === '/') forms.add('\\\\/');
	forms.add(
		Array.from({ length: char.length }, (_, unit) =>
			escapeForPattern('\\u').concat(anyCaseHex(char.charCodeAt(unit), 4)),
		).join(''),
	);
	return `(?:${[...forms].join('|')})`;
}

/** `value` in `digits` hex digits, each letter matching either case, as a pattern. */
function anyCaseHex(value: number, digits: number): string {
	return value
		.toString(16)
		.padStart(digits, '0')
		.replace(/[a-f]/g, (letter) => `[${letter}${letter.toUpperCase()}]`);
}

function escapeForPattern(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
