import { statusAction } from './statusAction';

export const { option, description, writes, prepare } = statusAction({
	value: 'markLost',
	name: 'Mark as Lost',
	action: 'Mark a referral as lost',
	description: 'Close a referral as lost (moves it to Closed/Lost)',
	status: 'Closed',
	substatus: 'Lost',
	reasonPlaceholder: 'e.g. Customer chose another partner',
});
