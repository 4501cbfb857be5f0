import { statusAction } from './statusAction';

export const { option, description, writes, prepare } = statusAction({
	value: 'decline',
	name: 'Decline',
	action: 'Decline a referral',
	description: 'Decline a referral (moves it to Closed/Declined)',
	status: 'Closed',
	substatus: 'Declined',
	reasonPlaceholder: 'e.g. Outside our service area',
});
