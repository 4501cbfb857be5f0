/** shared/tool.ts: how the node knows it runs as a tool, and the names of the model's arguments. */
import {
	argumentName,
	argumentNameOf,
	runsAsTool,
} from '../../nodes/PartnerCenterReferral/shared/tool';

describe('runsAsTool', () => {
	it.each([
		['n8n-nodes-partner-center.partnerCenterReferralTool', true],
		['n8n-nodes-partner-center.partnerCenterReferral', false],
		['n8n-nodes-partner-center.partnerCenterReferralTrigger', false],
		[undefined, false],
	])('%s → %s', (type, expected) => {
		expect(runsAsTool({ type })).toBe(expected);
	});
});

describe('the $fromAI key behind a parameter', () => {
	const parameters = {
		referralId: {
			__rl: true,
			mode: 'id',
			value: "={{ $fromAI('referralId', 'The id', 'string') }}",
		},
		limit: '={{ $fromAI("howMany", "How many", "number") }}',
		filters: {
			customerCountry:
				'={{ /*n8n-auto-generated-fromAI-override*/ $fromAI(`Country`, ``, `string`) }}',
			status: 'New',
		},
		options: { reason: '={{ $json.reason }}' },
	};

	it.each<[string[], string | undefined]>([
		[['referralId'], 'referralId'],
		[['limit'], 'howMany'],
		[['filters', 'customerCountry'], 'Country'],
		[['filters', 'status'], undefined],
		[['options', 'reason'], undefined],
		[['missing'], undefined],
	])('at %j: %s', (path, expected) => {
		expect(argumentName({ parameters }, path)).toBe(expected);
	});

	it.each<[string, string | undefined]>([
		['Limit', 'howMany'],
		['Customer Country', 'Country'],
		['Custom Filter (OData)', undefined],
		['Status', undefined],
		['Reason', undefined],
	])('named "%s" in an error: %s', (displayName, expected) => {
		expect(argumentNameOf({ parameters }, displayName)).toBe(expected);
	});
});
