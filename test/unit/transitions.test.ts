import { allowedMoves, checkMove } from '../../nodes/PartnerCenterReferral/shared/transitions';

describe('status transitions (documented table)', () => {
	it.each([
		[{ status: 'New', substatus: 'Pending' }, { status: 'Active', substatus: 'Accepted' }],
		[{ status: 'New', substatus: 'Pending' }, { status: 'New', substatus: 'Received' }],
		[{ status: 'New', substatus: 'Received' }, { status: 'Closed', substatus: 'Declined' }],
		[{ status: 'Active', substatus: 'Accepted' }, { status: 'Closed', substatus: 'Won' }],
		[{ status: 'Active', substatus: 'Accepted' }, { status: 'Closed', substatus: 'Lost' }],
		[{ status: 'Closed', substatus: 'Won' }, { status: 'Closed', substatus: 'Won' }],
	])('allows %j -> %j', (from, to) => {
		expect(checkMove(from, to)).toBeUndefined();
	});

	it.each([
		[{ status: 'Closed', substatus: 'Declined' }, { status: 'Closed', substatus: 'Won' }, 'Closed is final'],
		[{ status: 'Closed', substatus: 'Lost' }, { status: 'Active', substatus: 'Accepted' }, 'Closed is final'],
		[{ status: 'Active', substatus: 'Accepted' }, { status: 'New', substatus: 'Pending' }, 'cannot move back'],
		[{ status: 'New', substatus: 'Pending' }, { status: 'Active', substatus: 'Won' }, 'does not go with'],
	])('refuses %j -> %j', (from, to, reason) => {
		expect(checkMove(from, to)).toContain(reason);
	});

	it('lists the moves allowed from each state', () => {
		expect(allowedMoves({ status: 'Closed', substatus: 'Won' })).toEqual([]);
		expect(allowedMoves({ status: 'Active', substatus: 'Accepted' })).toEqual([
			'Active/Accepted',
			'Closed/Won',
			'Closed/Lost',
			'Closed/Declined',
			'Closed/Expired',
		]);
		expect(allowedMoves({ status: 'New', substatus: 'Pending' })).toContain('Active/Accepted');
	});

	it('leaves a status the table does not know to the service', () => {
		expect(checkMove({ status: 'None', substatus: 'None' }, { status: 'Active', substatus: 'Accepted' })).toBeUndefined();
	});
});
