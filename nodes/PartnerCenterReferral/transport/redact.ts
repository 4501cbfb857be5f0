/**
 * Tokens and secrets must never reach a message, a description or an output item: masks
 * `secrets` (the credential's own, see CredentialFacts) by value, and anything shaped like
 * a token.
 */
export function redact(text: string, secrets: readonly string[] = []): string {
	let masked = text;
	for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
		for (const form of new Set([secret, encodeURIComponent(secret)]))
			masked = masked.split(form).join('[redacted]');
	}
	return masked
		.replace(/Bearer\s+[A-Za-z0-9\-._~+/]+=*/gi, 'Bearer [redacted]')
		.replace(/eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g, '[redacted token]')
		.replace(
			/(access_token|refresh_token|client_secret)(["'=:\s]+)[^"'&\s,}]+/gi,
			'$1$2[redacted]',
		);
}
