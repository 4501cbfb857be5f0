/**
 * The checked-in output schemas (nodes/PartnerCenterReferral/__schema__) are exactly what
 * dev/schema/generate.ts makes from the simplify mapping now, and they sit where n8n-core's
 * resolveOutputSchemaPath looks for them. (test/integration/schemas.test.ts checks them
 * against the items the nodes really return.)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

import { resolveOutputSchemaPath } from 'n8n-core';

import { generateSchemas, SCHEMA_DIR, schemaText } from '../../dev/schema/generate';
import { PartnerCenterReferral } from '../../nodes/PartnerCenterReferral/PartnerCenterReferral.node';
import { PartnerCenterReferralTrigger } from '../../nodes/PartnerCenterReferral/PartnerCenterReferralTrigger.node';
import { operations } from '../../nodes/PartnerCenterReferral/actions/router';
import { SIMPLIFIED_FIELDS } from '../../nodes/PartnerCenterReferral/shared/simplify';

const NODE_DIR = join(SCHEMA_DIR, '..');
const generated = generateSchemas(
	new PartnerCenterReferral().description,
	new PartnerCenterReferralTrigger().description,
);

function filesUnder(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true, recursive: true })
		.filter((entry) => entry.isFile())
		.map((entry) => relative(dir, join(entry.parentPath, entry.name)).split('\\').join('/'))
		.sort();
}

describe('output schemas', () => {
	it('the checked-in files are exactly what the generator makes now (run `npm run schemas` after changing the mapping)', () => {
		expect(filesUnder(SCHEMA_DIR)).toEqual([...generated.keys()]);
		for (const [path, schema] of generated) {
			expect({ path, text: readFileSync(join(SCHEMA_DIR, path), 'utf8') }).toEqual({
				path,
				text: schemaText(schema),
			});
		}
	});

	it('has one schema per operation, where n8n-core looks for it (v1.0.0/<resource>/<operation>.json)', () => {
		for (const operation of Object.keys(operations)) {
			const path = resolveOutputSchemaPath({
				nodeDir: NODE_DIR,
				version: 1,
				resource: 'referral',
				operation,
			});
			expect(path && relative(SCHEMA_DIR, path)).toBe(`v1.0.0/referral/${operation}.json`);
			expect(generated.has(`v1.0.0/referral/${operation}.json`)).toBe(true);
		}
	});

	it('has the trigger’s schema where n8n-core looks for a node without resource and operation (v1.0.0.json)', () => {
		// the /schemas/<node>/1.0.0.json route (exact version) ...
		const path = resolveOutputSchemaPath({ nodeDir: NODE_DIR, version: 1 });
		expect(path && relative(SCHEMA_DIR, path)).toBe('v1.0.0.json');
		expect(generated.has('v1.0.0.json')).toBe(true);
		// ... and the AI builder's lookup, which falls back across versions and only to files that exist
		const found = resolveOutputSchemaPath({ nodeDir: NODE_DIR, version: 1, versionFallback: true });
		expect(found && relative(SCHEMA_DIR, found)).toBe('v1.0.0.json');
	});

	it('lists every simplified key with its type, nullable, and the trigger’s three keys on top', () => {
		const referralKeys = SIMPLIFIED_FIELDS.map((field) => field.key);
		const get = generated.get('v1.0.0/referral/get.json');
		expect(get?.required).toEqual(referralKeys);
		expect(get?.additionalProperties).toBe(false);
		expect(get?.properties.status.type).toEqual(['string', 'null']);
		expect(get?.properties.dealValue.type).toEqual(['number', 'null']);
		for (const key of [
			'salesStage',
			'referralSource',
			'callToAction',
			'customerMarketplaceIntent',
			'registrationStatus',
			'campaignId',
			'closedDateTime',
		]) {
			expect({ key, type: get?.properties[key]?.type }).toEqual({ key, type: ['string', 'null'] });
		}

		const trigger = generated.get('v1.0.0.json');
		expect(trigger?.required).toEqual([
			...referralKeys,
			'event',
			'previousStatus',
			'previousSubstatus',
		]);
		expect(trigger?.properties.event.type).toBe('string');
		expect(trigger?.properties.previousStatus.type).toEqual(['string', 'null']);
	});
});
