/** The referral endpoints: read, create and patch one referral (built on the transport). */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { REFERRALS_PATH } from '../shared/constants';
import { serviceFault, toNodeError } from '../shared/nodeError';
import type { PartnerCenterContext } from '../transport';
import { apiRequest } from '../transport';
import { findCreatedHint, isReferral, REFERRAL } from './listing';

/** Reads one referral; an answer that is not a referral (no id, e.g. an empty body) is an error. */
export async function getReferral(
	this: PartnerCenterContext,
	id: string,
	itemIndex?: number,
): Promise<IDataObject> {
	const { body } = await apiRequest.call(this, {
		method: 'GET',
		path: `${REFERRALS_PATH}/${id}`,
		itemIndex,
		resource: REFERRAL,
		id,
	});
	if (isReferral(body)) {
		if (isReferralOf(body, id)) return body;
		throw serviceFault(
			new NodeOperationError(
				this.getNode(),
				`Partner Center returned referral ${String(body.id)} when asked for ${id}`,
				{
					description:
						'Its answer is another referral, so it was neither output nor used to check a status change. Check the API Base URL in the credential (a proxy or cache in front of Partner Center may answer for another request) and run again.',
					itemIndex,
				},
			),
		);
	}
	throw serviceFault(
		new NodeOperationError(this.getNode(), `Partner Center returned no referral for ${id}`, {
			description:
				'Its answer had no referral id (an empty or unexpected body), so there is nothing to output or check. Run again; if it persists, check the API Base URL in the credential (it must point at the Partner Center API, not a web page or another service).',
			itemIndex,
		}),
	);
}

/** Whether `body` is the referral with this id (GUIDs compare without case). */
function isReferralOf(body: IDataObject, id: string): boolean {
	return String(body.id).toLowerCase() === decodeURIComponent(id).toLowerCase();
}

/**
 * Creates a referral (never retried but after a 429, see the transport) and returns it as
 * Partner Center answered.
 */
export async function createReferral(
	this: IExecuteFunctions,
	body: IDataObject,
	itemIndex: number,
): Promise<IDataObject> {
	const howToFind = findCreatedHint(body);
	const { statusCode, body: created } = await apiRequest.call(this, {
		method: 'POST',
		path: REFERRALS_PATH,
		body,
		headers: { 'Content-Type': 'application/json' },
		itemIndex,
		resource: REFERRAL,
		findCreated: howToFind,
	});
	return createdReferral.call(this, created, statusCode, howToFind, itemIndex);
}

/**
 * The referral a create answered with. A success answer without one (no id: an empty or
 * unexpected body) still says the referral was created: the item fails, counted as written.
 */
function createdReferral(
	this: IExecuteFunctions,
	body: IDataObject | undefined,
	status: number,
	howToFind: string,
	itemIndex: number,
): IDataObject {
	if (isReferral(body)) return body;
	const error = new NodeOperationError(
		this.getNode(),
		'Partner Center created the referral, but its answer did not contain it',
		{
			description: `It answered ${status}, but without the new referral (no referral id: an empty or unexpected body), so the node cannot output it. Do not run this item again: that would create a second referral. ${howToFind}`,
			itemIndex,
		},
	);
	// Partner Center said it created it: the run counts the item among those already written (actions/router.ts)
	error.context.writeDone = true;
	throw error;
}

export interface JsonPatchOperation extends IDataObject {
	op: 'replace' | 'add';
	path: string;
	value: IDataObject[string];
}

/**
 * Sends one JSON Patch and returns the referral as it is afterwards (the service is asked
 * for the representation; if it answers without it, e.g. 204, the referral is read again).
 * With `eTag`, the update only happens if the referral still has that eTag.
 */
export async function patchReferral(
	this: IExecuteFunctions,
	id: string,
	operations: JsonPatchOperation[],
	eTag: string | undefined,
	itemIndex: number,
): Promise<IDataObject> {
	const headers: IDataObject = {
		Prefer: 'return=representation',
		'Content-Type': 'application/json',
	};
	if (eTag) headers['If-Match'] = eTag;
	const { body } = await apiRequest.call(this, {
		method: 'PATCH',
		path: `${REFERRALS_PATH}/${id}`,
		body: operations,
		headers,
		itemIndex,
		resource: REFERRAL,
		id,
		adds: operations.some((operation) => operation.op === 'add'),
	});
	if (isReferral(body) && isReferralOf(body, id)) return body;
	try {
		return await getReferral.call(this, id, itemIndex);
	} catch (error) {
		// The patch was accepted: an error that only named the read would invite running the item again.
		const failure = toNodeError(this.getNode(), error, itemIndex);
		failure.description = [failure.description, UPDATE_MADE].filter(Boolean).join(' ');
		// for whoever words the error anew (a model's tool): the update was made
		failure.context.updateMade = true;
		// and the run counts the item among those already written (actions/router.ts)
		failure.context.writeDone = true;
		throw failure;
	}
}

const UPDATE_MADE =
	'The update itself was made (Partner Center accepted it); only reading the referral afterwards failed. Do not run this item again: Get the referral to see it.';
