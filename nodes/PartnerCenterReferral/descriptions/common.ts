/** Field descriptions shared by several operations (and the trigger). */
import type { INodeProperties } from 'n8n-workflow';

import {
	DEFAULT_MAX_CONCURRENT,
	EXAMPLE_REFERRAL_ID,
	GUID_PATTERN,
	MAX_CONCURRENT,
	START_CONCURRENT,
} from '../shared/constants';
import { REFERRAL_URL_EXTRACT, REFERRAL_URL_VALIDATION } from '../shared/referralId';
import { DEFAULT_TIMEOUT_SECONDS, MAX_TIMEOUT_SECONDS } from '../shared/timeout';

export const referralIdLocator: INodeProperties = {
	displayName: 'Referral',
	name: 'referralId',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: 'The referral to use',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			placeholder: 'Select a referral...',
			typeOptions: {
				searchListMethod: 'searchReferrals',
				searchable: true,
			},
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: `e.g. ${EXAMPLE_REFERRAL_ID}`,
			validation: [
				{
					type: 'regex',
					properties: {
						regex: `^\\s*${GUID_PATTERN}\\s*$`,
						errorMessage: 'Not a valid referral ID: expected a GUID such as ' + EXAMPLE_REFERRAL_ID,
					},
				},
			],
		},
		{
			displayName: 'By URL',
			name: 'url',
			type: 'string',
			placeholder: `e.g. https://partner.microsoft.com/dashboard/referrals/v2/leads/${EXAMPLE_REFERRAL_ID}`,
			validation: [
				{
					type: 'regex',
					properties: {
						regex: REFERRAL_URL_VALIDATION,
						errorMessage:
							'Not a link to a referral: expected a Partner Center lead or co-sell link, or an API link, with the referral GUID right after /leads/, /opportunities/ or /referrals/',
					},
				},
			],
			extractValue: { type: 'regex', regex: REFERRAL_URL_EXTRACT },
		},
	],
};

export const simplifyField: INodeProperties = {
	displayName: 'Simplify',
	name: 'simplify',
	type: 'boolean',
	default: true,
	description:
		'Whether to return a flat version of each referral (status, dealValue, customerName, ...) instead of the raw data as Partner Center sends it',
};

export const returnAllField: INodeProperties = {
	displayName: 'Return All',
	name: 'returnAll',
	type: 'boolean',
	default: false,
	description: 'Whether to return all results or only up to a given limit',
};

export const limitField: INodeProperties = {
	displayName: 'Limit',
	name: 'limit',
	type: 'number',
	typeOptions: { minValue: 1, numberPrecision: 0 },
	default: 50,
	description: 'Max number of results to return',
	displayOptions: { show: { returnAll: [false] } },
};

export const concurrencyOption: INodeProperties = {
	displayName: 'Max Concurrent Requests',
	name: 'concurrency',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: MAX_CONCURRENT },
	default: DEFAULT_MAX_CONCURRENT,
	description: `The most requests sent to Partner Center at once: the node starts at ${START_CONCURRENT} and adds more while Partner Center keeps up, backing off whenever it answers 429 (Too Many Requests)`,
};

/** "Timeout (Seconds)": the node's and the trigger's (read with shared/timeout.timeoutMsForOption). */
export const timeoutOption: INodeProperties = {
	displayName: 'Timeout (Seconds)',
	name: 'timeout',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: MAX_TIMEOUT_SECONDS },
	default: DEFAULT_TIMEOUT_SECONDS,
	description:
		'How long to wait for Partner Center to answer one request before giving up. One request with its retries and the waits between them stops after three times this long.',
};

export const eTagOption: INodeProperties = {
	displayName: 'Only Update If Unchanged (ETag)',
	name: 'eTag',
	type: 'string',
	default: '',
	placeholder: 'e.g. {{ $json.eTag }}',
	description:
		'The eTag of the referral as you last read it, usually mapped from the eTag field of a previous Get. If someone changed the referral since, nothing is updated and the item fails, so no change is overwritten. If this option is added but empty (e.g. an expression naming a missing field), the item fails instead of updating unguarded.',
};

/** A list of people (the partner team, or the customer's contacts). Read with shared/body.readMembers. */
export function membersField(
	name: string,
	displayName: string,
	description: string,
): INodeProperties {
	return {
		displayName,
		name,
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		default: {},
		placeholder: 'Add Person',
		description,
		options: [
			{
				name: 'member',
				displayName: 'Person',
				values: [
					{
						displayName: 'Email',
						name: 'email',
						type: 'string',
						placeholder: 'name@email.com',
						default: '',
					},
					{ displayName: 'First Name', name: 'firstName', type: 'string', default: '' },
					{ displayName: 'Last Name', name: 'lastName', type: 'string', default: '' },
					{ displayName: 'Phone Number', name: 'phoneNumber', type: 'string', default: '' },
					{ displayName: 'Title', name: 'title', type: 'string', default: '' },
				],
			},
		],
	};
}

/** The "Options" collection of an operation. */
export function optionsCollection(...options: INodeProperties[]): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options,
	};
}
