import { statusAction } from './statusAction';

export const { option, description, toolDescription, writes, prepare } = statusAction({
	value: 'markWon',
	name: 'Mark as Won',
	action: 'Mark a referral as won',
	description: 'Close a referral as won (moves it to Closed/Won)',
	status: 'Closed',
	substatus: 'Won',
	forModel:
		'Closes one Microsoft Partner Center referral as won: moves it to Closed/Won (the deal was signed).',
	reasonPlaceholder: 'e.g. Signed a 3-year agreement',
});
