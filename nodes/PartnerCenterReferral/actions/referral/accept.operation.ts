import { statusAction } from './statusAction';

export const { option, description, writes, prepare } = statusAction({
	value: 'accept',
	name: 'Accept',
	action: 'Accept a referral',
	description: 'Accept a new referral (moves it to Active/Accepted)',
	status: 'Active',
	substatus: 'Accepted',
	reasonPlaceholder: 'e.g. Good fit for our Microsoft 365 practice',
});
