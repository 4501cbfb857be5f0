/**
 * The transport knows no resource (CONTRIBUTING.md): api/ hands it the noun, the id and the
 * advice only it can give. This fails when the word "referral" comes back into
 * transport/'s code (names, strings, messages); comments may say it, and so may Partner
 * Center's role names "Referrals Admin" and "Referrals User", which are the service's words.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

const TRANSPORT = join(__dirname, '../../nodes/PartnerCenterReferral/transport');
const ROLE_NAMES = /Referrals (Admin|User)/g;

/** The names, strings and template parts of a source file (its comments are none of these), with their lines. */
function codeTokens(text: string): Array<{ text: string; line: number }> {
	const source = ts.createSourceFile('file.ts', text, ts.ScriptTarget.Latest, true);
	const tokens: Array<{ text: string; line: number }> = [];
	const visit = (node: ts.Node): void => {
		if (
			ts.isIdentifier(node) ||
			ts.isPrivateIdentifier(node) ||
			ts.isStringLiteralLike(node) ||
			ts.isTemplateLiteralToken(node)
		) {
			const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
			tokens.push({ text: node.getText(source), line: line + 1 });
		}
		ts.forEachChild(node, visit);
	};
	visit(source);
	return tokens;
}

/** "file:line: token" for every code token of transport/ that names referrals. */
function referralWords(): string[] {
	const found: string[] = [];
	for (const file of readdirSync(TRANSPORT).filter((name) => name.endsWith('.ts'))) {
		for (const token of codeTokens(readFileSync(join(TRANSPORT, file), 'utf8'))) {
			if (/referral/i.test(token.text.replace(ROLE_NAMES, '')))
				found.push(`${file}:${token.line}: ${token.text.slice(0, 80)}`);
		}
	}
	return found;
}

it('transport/ has no word "referral" outside comments and the role names', () => {
	expect(referralWords()).toEqual([]);
});

it('the check sees the word in a name, a string and a template, and not in a comment', () => {
	const sample = [
		'// a referral in a comment',
		'/** and a Referral here */',
		'const referralId = 1;',
		"const a = 'Referral x';",
		'const b = `the ${a} referral`;',
		"const c = 'Referrals Admin or Referrals User';",
	].join('\n');
	const hits = codeTokens(sample)
		.filter((token) => /referral/i.test(token.text.replace(ROLE_NAMES, '')))
		.map((token) => token.line);
	expect(hits).toEqual([3, 4, 5]);
});
