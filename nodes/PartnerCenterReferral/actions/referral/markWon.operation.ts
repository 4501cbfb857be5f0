import { statusAction } from './statusAction';

export const { option, description, writes, prepare } = statusAction({
	value: 'markWon',
	name: 'Mark as Won',
	action: 'Mark a referral as won',
	description: 'Close a referral as won (moves it to Closed/Won)',
	status: 'Closed',
	substatus: 'Won',
	reasonPlaceholder: 'e.g. Signed a 3-year agreement',
});
