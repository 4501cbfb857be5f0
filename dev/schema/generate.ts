/**
 * Generates the output schemas that n8n 2.x shows before a node has run (the schema preview in
 * the next node's mapping panel, and the AI workflow builder), from the one simplify mapping
 * (SIMPLIFIED_FIELDS) and the nodes' own descriptions, so they cannot drift from what the nodes
 * return. n8n looks them up beside the node's built file (n8n-core resolveOutputSchemaPath):
 *
 *   __schema__/v<x.y.z>/<resource>/<operation>.json   Partner Center Referral, one per operation
 *   __schema__/v<x.y.z>.json                          the trigger (it has no resource/operation)
 *
 * `npm run schemas` (dev/schema/cli.ts) writes them into nodes/PartnerCenterReferral/__schema__/
 * (checked in; the build copies them into dist/); test/unit/schemas.test.ts fails when the files
 * differ from what this generates.
 */
import { join } from 'node:path';

import type { INodeProperties, INodePropertyOptions, INodeTypeDescription } from 'n8n-workflow';

import { SIMPLIFIED_FIELDS } from '../../nodes/PartnerCenterReferral/shared/simplify';

export const SCHEMA_DIR = join(
	__dirname,
	'..',
	'..',
	'nodes',
	'PartnerCenterReferral',
	'__schema__',
);

export interface PropertySchema {
	type: string | string[];
	description: string;
}

export interface OutputSchema {
	$schema: string;
	type: 'object';
	description: string;
	properties: Record<string, PropertySchema>;
	required: string[];
	additionalProperties: false;
}

/** A JSON type that may also be null (a simplified key is null when Partner Center sent nothing). */
const nullable = (type: string): string[] => [type, 'null'];

function objectSchema(
	description: string,
	properties: Record<string, PropertySchema>,
): OutputSchema {
	return {
		$schema: 'http://json-schema.org/draft-07/schema#',
		type: 'object',
		description,
		properties,
		required: Object.keys(properties),
		additionalProperties: false,
	};
}

function referralProperties(): Record<string, PropertySchema> {
	return Object.fromEntries(
		SIMPLIFIED_FIELDS.map((field) => [
			field.key,
			{ type: field.always ? field.type : nullable(field.type), description: field.description },
		]),
	);
}

/** n8n's version folder: the node version padded to three parts (1 → v1.0.0). */
export function versionFolder(version: number): string {
	return `v${String(version).split('.').concat(['0', '0']).slice(0, 3).join('.')}`;
}

const versionsOf = (description: INodeTypeDescription): number[] =>
	Array.isArray(description.version) ? description.version : [description.version];

function property(description: INodeTypeDescription, name: string): INodeProperties[] {
	return description.properties.filter((candidate) => candidate.name === name);
}

const optionsOf = (candidate: INodeProperties): INodePropertyOptions[] =>
	(candidate.options ?? []) as INodePropertyOptions[];

/** Every resource/operation pair the node offers, read from its Resource and Operation parameters. */
function operationsOf(
	description: INodeTypeDescription,
): Array<{ resource: string; operation: INodePropertyOptions }> {
	return property(description, 'resource')
		.flatMap(optionsOf)
		.flatMap((resource) =>
			property(description, 'operation')
				.filter((operation) => operation.displayOptions?.show?.resource?.includes(resource.value))
				.flatMap(optionsOf)
				.map((operation) => ({ resource: String(resource.value), operation })),
		);
}

/**
 * The schema files of the action node and the trigger (their descriptions, passed in so that
 * both tsx and jest resolve the node files), keyed by their path under __schema__/, sorted.
 */
export function generateSchemas(
	action: INodeTypeDescription,
	trigger: INodeTypeDescription,
): Map<string, OutputSchema> {
	const files = new Map<string, OutputSchema>();
	for (const version of versionsOf(action)) {
		for (const { resource, operation } of operationsOf(action)) {
			files.set(
				`${versionFolder(version)}/${resource}/${operation.value}.json`,
				objectSchema(
					`${action.displayName} → ${operation.name} (Simplify on): one item per referral`,
					referralProperties(),
				),
			);
		}
	}

	const events = property(trigger, 'event').flatMap(optionsOf);
	for (const version of versionsOf(trigger)) {
		const schema = objectSchema(
			`${trigger.displayName} (Simplify on): one item per referral that fired`,
			{
				...referralProperties(),
				event: {
					type: 'string',
					description: `What fired: ${events.map((event) => event.value).join(', ')}`,
				},
				previousStatus: {
					type: nullable('string'),
					description:
						'Status before the change (null when the trigger had not seen the referral before)',
				},
				previousSubstatus: {
					type: nullable('string'),
					description:
						'Substatus before the change (null when the trigger had not seen the referral before)',
				},
				expiresInHours: {
					type: 'number',
					description:
						'About to Expire only: whole hours until the referral expires, rounded down, never negative',
				},
				expiresAt: {
					type: 'string',
					description:
						'About to Expire only: when the referral expires (its expirationDateTime as ISO UTC, e.g. 2026-12-09T10:00:00.000Z)',
				},
				triggerNotice: {
					type: 'string',
					description:
						'Only on the items of the first poll that fires after the trigger had to start over (its saved state could not be read, or was made for another trigger node, event or filters): why, and what may not have fired',
				},
			},
		);
		// only after a start-over (docs/trigger-memory.md); only on About to Expire's items
		const sometimes = ['triggerNotice', 'expiresInHours', 'expiresAt'];
		schema.required = schema.required.filter((key) => !sometimes.includes(key));
		files.set(`${versionFolder(version)}.json`, schema);
	}
	return new Map([...files].sort(([a], [b]) => a.localeCompare(b)));
}

/** A schema file's text: two-space JSON with a final newline. */
export const schemaText = (schema: OutputSchema): string => `${JSON.stringify(schema, null, 2)}\n`;
