import { statusAction } from './statusAction';

export const { option, description, toolDescription, writes, prepare } = statusAction({
	value: 'accept',
	name: 'Accept',
	action: 'Accept a referral',
	description: 'Accept a new referral (moves it to Active/Accepted)',
	status: 'Active',
	substatus: 'Accepted',
	forModel:
		'Accepts one new Microsoft Partner Center referral: moves it from New to Active/Accepted (the partner takes the opportunity on). Only a referral with status New can be accepted.',
	reasonPlaceholder: 'e.g. Good fit for our Microsoft 365 practice',
});
