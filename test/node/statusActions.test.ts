/**
 * Accept, Decline, Mark as Won, Mark as Lost: from every state of the documented table,
 * the read, the transition check, the exact PATCH and its If-Match, or the refusal.
 */
import nock from 'nock';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { API, byId, guid, REFERRALS, referral, runReferral } from '../fixtures';
import type { RecordedRequest } from './helpers';
import { flat, idFromItem, recordAndReply, useNock, watchRequests } from './helpers';

const setup = useNock();

const ID = guid(21);
const PATH = `${REFERRALS}/${ID}`;
const READ_ETAG = '"etag-as-read"';
const NEW_ETAG = '"etag-after-move"';

const ACTIONS = [
	{ operation: 'accept', status: 'Active', substatus: 'Accepted' },
	{ operation: 'decline', status: 'Closed', substatus: 'Declined' },
	{ operation: 'markWon', status: 'Closed', substatus: 'Won' },
	{ operation: 'markLost', status: 'Closed', substatus: 'Lost' },
] as const;

// The states and the allowed moves are written out here, not taken from the node's table
// (shared/transitions.ts): they are the expectation the node is checked against.
const STATES = [
	['New', 'Pending'],
	['New', 'Received'],
	['Active', 'Accepted'],
	['Closed', 'Won'],
	['Closed', 'Lost'],
	['Closed', 'Declined'],
	['Closed', 'Expired'],
] as const;

const ALL_MOVES = [
	'Active/Accepted',
	'Closed/Won',
	'Closed/Lost',
	'Closed/Declined',
	'Closed/Expired',
];
const ALLOWED_FROM: Record<string, string> = {
	New: `New/Pending, New/Received, ${ALL_MOVES.join(', ')}`,
	Active: ALL_MOVES.join(', '),
	Closed: 'none (Closed is final)',
};

/** The documented table: New and Active may move on; Closed only stays what it is. */
const isAllowed = (from: readonly [string, string], to: { status: string; substatus: string }) =>
	from[0] !== 'Closed' || (to.status === 'Closed' && to.substatus === from[1]);

const matrix = ACTIONS.flatMap((action) =>
	STATES.map(
		(state) =>
			[
				action.operation,
				`${state[0]}/${state[1]}`,
				action,
				state,
				isAllowed(state, action),
			] as const,
	),
);

const run = (operation: string, extra: INodeParameters = {}): INodeParameters => ({
	operation,
	referralId: byId(ID),
	...extra,
});

/** `eTag: null` = the referral read carries no eTag. */
function interceptRead(status: string, substatus: string, eTag: string | null = READ_ETAG) {
	const body = referral(ID, { status, substatus });
	if (eTag === null) delete body.eTag;
	else body.eTag = eTag;
	return nock(API).get(PATH).reply(200, body);
}

describe('Status actions from every documented state', () => {
	it.each(matrix.filter(([, , , , allowed]) => allowed))(
		'%s from %s: reads, then patches status and substatus with If-Match = the eTag read',
		async (operation, _from, action, state) => {
			const order: string[] = [];
			const requests: RecordedRequest[] = [];
			interceptRead(state[0], state[1]).on('request', () => order.push('get'));
			nock(API)
				.patch(PATH)
				.reply(
					recordAndReply(
						requests,
						200,
						referral(ID, { status: action.status, substatus: action.substatus, eTag: NEW_ETAG }),
					),
				)
				.on('request', () => order.push('patch'));
			const { items, error } = await runReferral(run(operation));
			expect(error).toBeUndefined();
			expect(order).toEqual(['get', 'patch']);
			expect(requests.map((request) => request.body)).toEqual([
				[
					{ op: 'replace', path: '/status', value: action.status },
					{ op: 'replace', path: '/substatus', value: action.substatus },
				],
			]);
			expect(requests[0].headers['if-match']).toBe(READ_ETAG);
			expect(requests[0].headers.prefer).toBe('return=representation');
			expect(items.map((item) => item.json)).toEqual([
				flat(ID, { status: action.status, substatus: action.substatus, eTag: NEW_ETAG }),
			]);
			expect(items[0].pairedItem).toEqual({ item: 0 });
		},
	);

	it.each(matrix.filter(([, , , , allowed]) => !allowed))(
		'%s from %s: refused with the current state and the allowed moves, no PATCH sent',
		async (operation, from, action, state) => {
			interceptRead(state[0], state[1]);
			const patch = nock(API).patch(PATH).reply(200, referral(ID));
			const { items, error } = await runReferral(
				run(operation, { options: { reason: 'because' } }),
			);
			expect(items).toEqual([]);
			expect(error?.name).toBe('NodeOperationError');
			expect(error?.message).toBe(
				`Referral ${ID} cannot move from ${from} to ${action.status}/${action.substatus}: Closed is final`,
			);
			expect(error?.description).toBe(
				`Nothing was sent. From ${from} the allowed moves are: ${ALLOWED_FROM[state[0]]}.`,
			);
			expect(patch.isDone()).toBe(false);
			nock.cleanAll();
		},
	);

	it('covers every action from every state (28 cases, 13 of them refused)', () => {
		expect(matrix).toHaveLength(28);
		expect(
			matrix
				.filter(([, , , , allowed]) => !allowed)
				.map(([operation, from]) => `${operation} ${from}`),
		).toEqual([
			'accept Closed/Won',
			'accept Closed/Lost',
			'accept Closed/Declined',
			'accept Closed/Expired',
			'decline Closed/Won',
			'decline Closed/Lost',
			'decline Closed/Expired',
			'markWon Closed/Lost',
			'markWon Closed/Declined',
			'markWon Closed/Expired',
			'markLost Closed/Won',
			'markLost Closed/Declined',
			'markLost Closed/Expired',
		]);
	});
});

describe('Status actions: reason, eTag and answers', () => {
	it.each(ACTIONS.map((action) => [action.operation, action] as const))(
		'%s sends the reason (trimmed) as /statusReason',
		async (operation, action) => {
			const requests: RecordedRequest[] = [];
			interceptRead('Active', 'Accepted');
			nock(API)
				.patch(PATH)
				.reply(
					recordAndReply(
						requests,
						200,
						referral(ID, {
							status: action.status,
							substatus: action.substatus,
							statusReason: 'Signed',
						}),
					),
				);
			const { items, error } = await runReferral(
				run(operation, { options: { reason: '  Signed  ' } }),
			);
			expect(error).toBeUndefined();
			expect(requests.map((request) => request.body)).toEqual([
				[
					{ op: 'replace', path: '/status', value: action.status },
					{ op: 'replace', path: '/substatus', value: action.substatus },
					{ op: 'replace', path: '/statusReason', value: 'Signed' },
				],
			]);
			expect(items[0].json.statusReason).toBe('Signed');
		},
	);

	it('sends no /statusReason for a reason of spaces only', async () => {
		const requests: RecordedRequest[] = [];
		interceptRead('New', 'Pending');
		nock(API)
			.patch(PATH)
			.reply(
				recordAndReply(requests, 200, referral(ID, { status: 'Active', substatus: 'Accepted' })),
			);
		const { error } = await runReferral(run('accept', { options: { reason: '   ' } }));
		expect(error).toBeUndefined();
		expect(requests.map((request) => request.body)).toEqual([
			[
				{ op: 'replace', path: '/status', value: 'Active' },
				{ op: 'replace', path: '/substatus', value: 'Accepted' },
			],
		]);
	});

	it('uses the eTag given in the options as If-Match when it is the current one', async () => {
		const requests: RecordedRequest[] = [];
		interceptRead('Active', 'Accepted');
		nock(API)
			.patch(PATH)
			.reply(
				recordAndReply(
					requests,
					200,
					referral(ID, { status: 'Closed', substatus: 'Won', eTag: NEW_ETAG }),
				),
			);
		const { items, error } = await runReferral(
			run('markWon', { options: { eTag: ` ${READ_ETAG}` } }),
		);
		expect(error).toBeUndefined();
		expect(requests[0].headers['if-match']).toBe(READ_ETAG);
		expect(items.map((item) => item.json)).toEqual([
			flat(ID, { status: 'Closed', substatus: 'Won', eTag: NEW_ETAG }),
		]);
	});

	it('uses the eTag option when the referral read carries none', async () => {
		const requests: RecordedRequest[] = [];
		interceptRead('New', 'Received', null);
		nock(API)
			.patch(PATH)
			.reply(
				recordAndReply(requests, 200, referral(ID, { status: 'Closed', substatus: 'Declined' })),
			);
		const { error } = await runReferral(run('decline', { options: { eTag: '"mine"' } }));
		expect(error).toBeUndefined();
		expect(requests[0].headers['if-match']).toBe('"mine"');
	});

	it('sends no If-Match when neither the referral nor the options have an eTag', async () => {
		const requests: RecordedRequest[] = [];
		interceptRead('New', 'Received', null);
		nock(API)
			.patch(PATH)
			.reply(
				recordAndReply(requests, 200, referral(ID, { status: 'Closed', substatus: 'Declined' })),
			);
		const { error } = await runReferral(run('decline'));
		expect(error).toBeUndefined();
		expect(requests[0].headers['if-match']).toBeUndefined();
	});

	it.each(ACTIONS.map((action) => [action.operation] as const))(
		'%s fails before the PATCH when the eTag option differs from the current eTag',
		async (operation) => {
			interceptRead('New', 'Pending', '"changed-by-someone"');
			const patch = nock(API).patch(PATH).reply(200, referral(ID));
			const { items, error } = await runReferral(run(operation, { options: { eTag: READ_ETAG } }));
			expect(items).toEqual([]);
			expect(error?.name).toBe('NodeOperationError');
			expect(error?.message).toBe(
				`The referral ${ID} changed since it was read (its eTag is no longer ${READ_ETAG})`,
			);
			expect(error?.description).toContain('Nothing was sent.');
			expect(patch.isDone()).toBe(false);
			nock.cleanAll();
		},
	);

	it('reports a change between the read and the PATCH (412) without retrying', async () => {
		const requests: RecordedRequest[] = [];
		interceptRead('New', 'Pending');
		nock(API)
			.patch(PATH)
			.times(2)
			.reply(
				recordAndReply(requests, 412, {
					error: { code: 'preconditionFailed', message: 'The eTag does not match' },
				}),
			);
		const { error } = await runReferral(run('accept'));
		expect(requests).toHaveLength(1);
		expect(requests[0].headers['if-match']).toBe(READ_ETAG);
		expect(error?.message).toBe(
			`The referral ${ID} changed since it was read (eTag mismatch, 412)`,
		);
		expect(setup.sleeps).toEqual([]);
		nock.cleanAll();
	});

	it('reads the referral again after a 204 and returns it raw when Simplify is off', async () => {
		interceptRead('New', 'Pending');
		nock(API).patch(PATH).reply(204);
		const after = {
			...referral(ID, { status: 'Active', substatus: 'Accepted', eTag: NEW_ETAG }),
			salesStage: 'Develop',
		};
		nock(API)
			.get(PATH)
			.reply(200, { '@odata.context': 'ctx', ...after });
		const { items, error } = await runReferral(run('accept', { simplify: false }));
		expect(error).toBeUndefined();
		expect(items.map((item) => item.json)).toEqual([after]);
	});

	it.each(ACTIONS.map((action) => [action.operation] as const))(
		'%s sends nothing when the read brings no referral ({}), instead of patching without knowing the status',
		async (operation) => {
			nock(API).get(PATH).reply(200, {});
			const patch = nock(API).patch(PATH).reply(200, referral(ID));
			const { items, error } = await runReferral(run(operation));
			expect(items).toEqual([]);
			expect(error?.message).toBe(`Partner Center returned no referral for ${ID}`);
			expect(patch.isDone()).toBe(false);
			nock.cleanAll();
		},
	);

	it.each<[string, IDataObject]>([
		['no status', { status: undefined, substatus: undefined }],
		['an empty status', { status: '' }],
		['a status that is not a string', { status: 3 }],
	])('sends nothing when the referral read has %s', async (_label, fields) => {
		nock(API).get(PATH).reply(200, referral(ID, fields));
		const patch = nock(API).patch(PATH).reply(200, referral(ID));
		const { items, error } = await runReferral(run('accept'));
		expect(items).toEqual([]);
		expect(error?.name).toBe('NodeOperationError');
		expect(error?.message).toBe(
			`Partner Center returned referral ${ID} without a status, so the move cannot be checked`,
		);
		expect(error?.description).toContain('Nothing was sent');
		expect(patch.isDone()).toBe(false);
		nock.cleanAll();
	});

	it('fails clearly when neither the PATCH answer nor the read after it is a referral', async () => {
		interceptRead('New', 'Pending');
		nock(API).patch(PATH).reply(200, {});
		nock(API).get(PATH).reply(200, {});
		const { items, error } = await runReferral(run('accept'));
		expect(items).toEqual([]);
		expect(error?.message).toBe(`Partner Center returned no referral for ${ID}`);
	});

	it('names the referral on 404, and sends no PATCH', async () => {
		nock(API)
			.get(PATH)
			.reply(404, { error: { code: 'itemNotFound', message: 'nope' } });
		const { error } = await runReferral(run('markLost'));
		expect(error?.message).toBe(`Referral ${ID} was not found`);
	});

	it('with Continue On Fail, an illegal move fails only its item, paired with it', async () => {
		const other = guid(22);
		nock(API)
			.get(PATH)
			.reply(200, referral(ID, { status: 'Closed', substatus: 'Lost' }))
			.get(`${REFERRALS}/${other}`)
			.reply(200, referral(other, { status: 'Active', substatus: 'Accepted', eTag: READ_ETAG }))
			.patch(`${REFERRALS}/${other}`)
			.matchHeader('if-match', READ_ETAG)
			.reply(200, referral(other, { status: 'Closed', substatus: 'Won', eTag: NEW_ETAG }));
		const { items, error } = await runReferral(
			{ operation: 'markWon', referralId: idFromItem() },
			{ items: [{ id: ID }, { id: other }], continueOnFail: true },
		);
		expect(error).toBeUndefined();
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(items[0].json).toEqual({
			error: `Referral ${ID} cannot move from Closed/Lost to Closed/Won: Closed is final`,
		});
		expect(items[1].json).toEqual(
			flat(other, { status: 'Closed', substatus: 'Won', eTag: NEW_ETAG }),
		);
	});
});

describe('Status actions: an "Only Update If Unchanged" that resolves to nothing', () => {
	it.each(ACTIONS.map((action) => [action.operation] as const))(
		'%s fails before reading or sending anything, naming the option',
		async (operation) => {
			const sent = watchRequests();
			const { items, error } = await runReferral(
				run(operation, { options: { eTag: '={{ $json.etag }}' } }),
				{
					items: [{ eTag: READ_ETAG }],
				},
			);
			expect(items).toEqual([]);
			expect(error?.message).toBe(
				'The field "Only Update If Unchanged (ETag)" has an invalid value: ""',
			);
			expect(error?.description).toContain('the update would not be guarded');
			expect(sent()).toEqual([]);
		},
	);
});

describe('Status actions: a 412 after an attempt that may have been applied', () => {
	it('says the change may be its own earlier attempt, not only that someone else changed the referral', async () => {
		interceptRead('New', 'Pending');
		nock(API)
			.patch(PATH)
			.reply(503, { error: { code: 'serviceNotAvailable', message: 'Try later' } });
		nock(API)
			.patch(PATH)
			.reply(412, { error: { code: 'preconditionFailed', message: 'eTag mismatch' } });
		const { error } = await runReferral(run('accept'));
		expect(setup.sleeps).toHaveLength(1);
		expect(error?.message).toBe(
			`The referral ${ID} changed since it was read (eTag mismatch, 412), possibly by this node's own earlier attempt`,
		);
		expect(error?.description).toContain(
			'An earlier attempt of this request failed (503) after Partner Center may have applied it',
		);
		expect(error?.description).toContain(
			'Get the referral and check whether it already has the new values before running this item again.',
		);
	});

	it('says only that the referral changed when no earlier attempt could have applied', async () => {
		interceptRead('New', 'Pending');
		nock(API)
			.patch(PATH)
			.reply(412, { error: { code: 'preconditionFailed', message: 'eTag mismatch' } });
		const { error } = await runReferral(run('accept'));
		expect(error?.message).toBe(
			`The referral ${ID} changed since it was read (eTag mismatch, 412)`,
		);
		expect(error?.description).not.toContain('earlier attempt');
	});
});
