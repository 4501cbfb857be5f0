import { compileFilter, FilterSyntaxError, parseFilter, parseInstant } from '../../dev/sandbox';

const referral = {
	id: 'C5FBB3B6-be74-4795-9fb5-4324c73fed37',
	engagementId: '65edc0b5-3485-41b7-a17e-dfa9ef4706e2',
	status: 'Active',
	substatus: 'Accepted',
	direction: 'Incoming',
	createdDateTime: '2020-10-30T21:03:00.0000000Z',
	updatedDateTime: '2020-11-02T08:00:00.1234567Z',
	customerProfile: { name: "O'Brien Consulting", address: { country: 'US' } },
	details: { dealValue: '25000', currency: 'USD', closingDateTime: '2020-12-01T00:00:00Z' },
	team: [
		{ email: 'megan.bowen@contoso.com', firstName: 'Megan' },
		{ email: 'alex.wilber@contoso.com', firstName: 'Alex' },
	],
	tags: ['priority', 'co-sell'],
	isSpam: false,
	salesStage: null,
};

function matches(filter: string, target: unknown = referral): boolean {
	return compileFilter(filter)(target);
}

describe('$filter parser and evaluator', () => {
	it.each([
		["status eq 'Active'", true],
		["status eq 'active'", true],
		["status ne 'Active'", false],
		["status ne 'New'", true],
		['details/dealValue gt 24999', true],
		['details/dealValue gt 25000', false],
		['details/dealValue ge 25000', true],
		['details/dealValue lt 25000.5', true],
		['details/dealValue le 24999', false],
		["details/dealValue eq '25000'", true],
		["customerProfile/address/country eq 'US'", true],
		["customerProfile/address/country eq 'GB'", false],
		["customerProfile/name eq 'O''Brien Consulting'", true],
		["customerProfile/name eq 'OBrien Consulting'", false],
		["team/any(t:t/email eq 'megan.bowen@contoso.com')", true],
		["team/any(t: t/email eq 'nobody@contoso.com')", false],
		["team/all(t: endswith(t/email, '@contoso.com'))", true],
		['team/any()', true],
		["tags/any(x: x eq 'priority')", true],
		["tags/any(x: x eq 'renewal')", false],
		['engagementId eq 65edc0b5-3485-41b7-a17e-dfa9ef4706e2', true],
		["engagementId eq '65EDC0B5-3485-41B7-A17E-DFA9EF4706E2'", true],
		['id eq c5fbb3b6-be74-4795-9fb5-4324c73fed37', true],
		["engagementId eq guid'65edc0b5-3485-41b7-a17e-dfa9ef4706e2'", true],
		['updatedDateTime ge 2020-10-30T00:00:00Z', true],
		['updatedDateTime ge 2020-11-02T08:00:00.1234567Z', true],
		['updatedDateTime gt 2020-11-02T08:00:00.124Z', false],
		["updatedDateTime ge '2020-11-01T00:00:00Z' and updatedDateTime lt '2020-11-03'", true],
		['createdDateTime lt 2020-10-30T23:10:00+02:00', true],
		['createdDateTime lt 2020-10-30T23:00:00+02:00', false],
		['createdDateTime lt 2020-10-30T23:10:00 02:00', true],
		['createdDateTime eq 2020-10-30T21:03:00Z', true],
		['details/closingDateTime le 2020-12-01', true],
		["createdDateTime ge datetime'2020-10-30T21:03:00'", true],
		["status eq 'New' or status eq 'Active' and direction eq 'Outgoing'", false],
		["status eq 'Active' or status eq 'New' and direction eq 'Outgoing'", true],
		["(status eq 'New' or status eq 'Active') and direction eq 'Incoming'", true],
		["(status eq 'New' or status eq 'Active') and direction eq 'Outgoing'", false],
		["not status eq 'Closed'", true],
		["not (status eq 'Active' and substatus eq 'Accepted')", false],
		["STATUS EQ 'Active' AND Direction Eq 'incoming'", true],
		['isSpam eq false', true],
		['isSpam', false],
		['salesStage eq null', true],
		['missingField eq null', true],
		["missingField ne 'x'", true],
		['salesStage ne null', false],
		["status in ('New', 'Active')", true],
		["contains(customerProfile/name, 'brien')", true],
		["startswith(tolower(customerProfile/name), 'o''b')", true],
		['length(team) eq 2', true],
	])('%s -> %s', (filter, expected) => {
		expect(matches(filter)).toBe(expected);
	});

	it('builds an AST with and binding tighter than or', () => {
		const ast = parseFilter('a eq 1 or b eq 2 and c eq 3');
		expect(ast.kind).toBe('or');
		if (ast.kind === 'or') expect(ast.right.kind).toBe('and');
	});

	it.each([
		['', /empty/],
		['status eq', /end of expression/],
		["status eq 'New' and", /end of expression/],
		["(status eq 'New'", /Expected '\)'/],
		["status eq 'New')", /Unexpected '\)'/],
		["status equals 'New'", /Unexpected 'equals'/],
		['status eq "New"', /single quotes/],
		["status eq 'New", /Unterminated string/],
		["customerProfile.name eq 'x'", /Unexpected character '\.'.*'\/'/],
		["frobnicate(status) eq 'x'", /Unknown function 'frobnicate'/],
		["team/any(t t/email eq 'x')", /Expected ':'/],
		["status eq 'New' 'Active'", /Unexpected ''Active''/],
		["status eq 'New' eq 'Active'", /cannot be chained/],
		['status eq #', /Unexpected character '#'/],
		['contains(status)', /expects 2 arguments/],
		['status eq and', /Unexpected operator 'and'/],
	])('rejects %j with a message naming the problem', (filter, message) => {
		let error: unknown;
		try {
			parseFilter(filter);
		} catch (caught) {
			error = caught;
		}
		expect(error).toBeInstanceOf(FilterSyntaxError);
		expect((error as Error).message).toMatch(message);
	});

	it('parses instants with any fraction length and offsets', () => {
		expect(parseInstant('2020-10-30T21:03:00.0000000Z')).toBe(Date.UTC(2020, 9, 30, 21, 3));
		expect(parseInstant('2020-10-30T23:03:00+02:00')).toBe(Date.UTC(2020, 9, 30, 21, 3));
		expect(parseInstant('2020-10-30')).toBe(Date.UTC(2020, 9, 30));
		expect(Number.isNaN(parseInstant('yesterday'))).toBe(true);
		expect(Number.isNaN(parseInstant('2020-13-01'))).toBe(true);
	});
});
