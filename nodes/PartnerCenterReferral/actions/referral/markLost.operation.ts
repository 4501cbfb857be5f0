import { statusAction } from './statusAction';

export const { option, description, toolDescription, writes, prepare } = statusAction({
	value: 'markLost',
	name: 'Mark as Lost',
	action: 'Mark a referral as lost',
	description: 'Close a referral as lost (moves it to Closed/Lost)',
	status: 'Closed',
	substatus: 'Lost',
	forModel:
		'Closes one Microsoft Partner Center referral as lost: moves it to Closed/Lost (the deal did not happen).',
	reasonPlaceholder: 'e.g. Customer chose another partner',
});
