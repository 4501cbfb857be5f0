import {
	allowedMoves,
	checkMove,
	completeMove,
} from '../../nodes/PartnerCenterReferral/shared/transitions';

describe('status transitions (documented table)', () => {
	it.each([
		[
			{ status: 'New', substatus: 'Pending' },
			{ status: 'Active', substatus: 'Accepted' },
		],
		[
			{ status: 'New', substatus: 'Pending' },
			{ status: 'New', substatus: 'Received' },
		],
		[
			{ status: 'New', substatus: 'Received' },
			{ status: 'Closed', substatus: 'Declined' },
		],
		[
			{ status: 'Active', substatus: 'Accepted' },
			{ status: 'Closed', substatus: 'Won' },
		],
		[
			{ status: 'Active', substatus: 'Accepted' },
			{ status: 'Closed', substatus: 'Lost' },
		],
		[
			{ status: 'Closed', substatus: 'Won' },
			{ status: 'Closed', substatus: 'Won' },
		],
	])('allows %j -> %j', (from, to) => {
		expect(checkMove(from, to)).toBeUndefined();
	});

	it.each([
		[
			{ status: 'Closed', substatus: 'Declined' },
			{ status: 'Closed', substatus: 'Won' },
			'Closed is final',
		],
		[
			{ status: 'Closed', substatus: 'Lost' },
			{ status: 'Active', substatus: 'Accepted' },
			'Closed is final',
		],
		[
			{ status: 'Active', substatus: 'Accepted' },
			{ status: 'New', substatus: 'Pending' },
			'cannot move back',
		],
		[
			{ status: 'New', substatus: 'Pending' },
			{ status: 'Active', substatus: 'Won' },
			'does not go with',
		],
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
		expect(
			checkMove({ status: 'None', substatus: 'None' }, { status: 'Active', substatus: 'Accepted' }),
		).toBeUndefined();
	});
});

describe('a new status without a substatus', () => {
	it('is refused when the new status allows several substatuses, also from a status the table does not know', () => {
		expect(checkMove({ status: 'New', substatus: 'Pending' }, { status: 'Closed' })).toBe(
			'a move to Closed needs a substatus: one of Won, Lost, Declined, Expired',
		);
		expect(checkMove({ status: 'None', substatus: 'None' }, { status: 'New' })).toBe(
			'a move to New needs a substatus: one of Pending, Received',
		);
	});

	it('gets the one substatus the new status allows (Active: Accepted), and no other', () => {
		expect(completeMove({ status: 'New', substatus: 'Pending' }, { status: 'Active' })).toEqual({
			status: 'Active',
			substatus: 'Accepted',
		});
		expect(completeMove({ status: 'New', substatus: 'Pending' }, { status: 'Closed' })).toEqual({
			status: 'Closed',
		});
		expect(completeMove({ status: 'Active', substatus: 'Accepted' }, { status: 'Active' })).toEqual(
			{ status: 'Active' },
		);
		expect(
			completeMove({ status: 'New', substatus: 'Pending' }, { status: 'Active', substatus: 'Won' }),
		).toEqual({ status: 'Active', substatus: 'Won' });
	});

	it('keeps the substatus when the status does not change', () => {
		expect(checkMove({ status: 'New', substatus: 'Received' }, { status: 'New' })).toBeUndefined();
		expect(checkMove({ status: 'Closed', substatus: 'Won' }, { status: 'Closed' })).toBeUndefined();
		expect(checkMove({ status: 'Closed', substatus: 'Won' }, { status: 'Active' })).toBe(
			'Closed is final',
		);
	});
});
