import nock from 'nock';

import { runReferral } from '../fixtures';

beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());

describe('router', () => {
	it('points an operation it does not have (n8n\'s "Custom API Call") at the HTTP Request node, sending nothing', async () => {
		const { error, items } = await runReferral({ operation: '__CUSTOM_API_CALL__' });
		expect(items).toEqual([]);
		expect(error?.message).toBe(
			'The operation "__CUSTOM_API_CALL__" is not supported by this node',
		);
		expect(error?.description).toContain('HTTP Request node');
	});
});
