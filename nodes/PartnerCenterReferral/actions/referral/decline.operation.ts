import { statusAction } from './statusAction';

export const { option, description, toolDescription, writes, prepare } = statusAction({
	value: 'decline',
	name: 'Decline',
	action: 'Decline a referral',
	description: 'Decline a referral (moves it to Closed/Declined)',
	status: 'Closed',
	substatus: 'Declined',
	forModel:
		'Declines one Microsoft Partner Center referral: moves it to Closed/Declined (the partner turns the opportunity down).',
	reasonPlaceholder: 'e.g. Outside our service area',
});
