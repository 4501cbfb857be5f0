/**
 * npm run schemas: writes the generated output schemas (dev/schema/generate.ts) into __schema__/,
 * and the README's output-field table (dev/docs/fieldTable.ts), both from the simplify mapping.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

// With the .js suffix tsx picks the compiled node, not its codex file (*.node.json).
import { PartnerCenterReferral } from '../../nodes/PartnerCenterReferral/PartnerCenterReferral.node.js';
import { PartnerCenterReferralTrigger } from '../../nodes/PartnerCenterReferral/PartnerCenterReferralTrigger.node.js';
import { withFieldTable } from '../docs/fieldTable';
import { generateSchemas, SCHEMA_DIR, schemaText } from './generate';

const files = generateSchemas(
	new PartnerCenterReferral().description,
	new PartnerCenterReferralTrigger().description,
);
rmSync(SCHEMA_DIR, { recursive: true, force: true });
for (const [path, schema] of files) {
	const target = join(SCHEMA_DIR, path);
	mkdirSync(dirname(target), { recursive: true });
	writeFileSync(target, schemaText(schema));
}
console.log(`Wrote ${files.size} output schemas to ${SCHEMA_DIR}`);

const readme = join(__dirname, '..', '..', 'README.md');
writeFileSync(readme, withFieldTable(readFileSync(readme, 'utf8')));
console.log(`Wrote the output-field table (${readme})`);
