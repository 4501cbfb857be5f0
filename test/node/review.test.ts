/**
 * Adversarial review: values that resolve to something the user did not mean must fail, not
 * be written as a default or read as another value.
 */
import type { INodeParameters } from 'n8n-workflow';

import { runReferral } from '../fixtures';
import { watchRequests, useNock } from './helpers';

useNock();

const create = (extra: INodeParameters = {}, additionalFields: INodeParameters = {}): INodeParameters => ({
	operation: 'create',
	type: 'Independent',
	customerName: 'Fabrikam Inc',
	customerCountry: 'US',
	additionalFields,
	...extra,
});

describe('Dates: text of digits is refused, never read as a time of today', () => {
	it.each(['12', '24', '2026013'])('Closing Date "%s"', async (value) => {
		const sent = watchRequests();
		const { error } = await runReferral(create({}, { closingDateTime: `={{ "${value}" }}` }));
		expect(sent()).toEqual([]);
		expect(error?.message).toBe(`The field "Closing Date" has an invalid value: "${value}"`);
	});
});
