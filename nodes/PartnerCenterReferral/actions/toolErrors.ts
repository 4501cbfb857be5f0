/**
 * A service failure as a model calling the node as a tool reads it. The transport's advice
 * speaks to the person at the editor (the node's options, the credential's screen, "run this
 * item again"); a model can change none of that. So as a tool, the description becomes advice
 * a model can act on, by what failed, followed by the transport's facts (what Partner Center
 * said, whether anything was written: `context.facts`). Messages stay as they are.
 */
import type { NodeError } from '../shared/nodeError';
import { ETAG_CHANGED_FOR_MODEL, REFERRAL_ID_FOR_MODEL } from '../shared/tool';

/** What the person who set the tool up must fix; the model can only tell them. */
const SET_UP =
	"This tool's connection to Partner Center (its credential or the account's rights) must be fixed by the person who set up the tool; calling again fails the same way until then. Tell the user.";

const LATER =
	'Partner Center or the connection to it failed; this is not caused by the arguments. Try again later; if it keeps failing, tell the user.';

const SERVICE_FAULT =
	"Partner Center's answer could not be used, so this call output nothing; this is not caused by the arguments. Try again later; if it keeps failing, tell the user.";

/** The advice a model gets for a transport failure, by status (or sign-in failure). */
function adviceFor(error: NodeError): string {
	if (error.context.signIn !== undefined) return SET_UP;
	if (error.context.updateMade === true)
		return 'The change was made (Partner Center accepted it); only reading the referral afterwards failed. Do not call again: read the referral to see it.';
	if (error.context.writeDone === true)
		return 'The change was made, but its answer was lost: do not call again (that would do it twice); read the referral to see it (after a create, list the newest referrals, sorted by creation, and look for it).';
	if (error.context.writeMaybeDone === true)
		return 'The change may or may not have been made: Partner Center may have received it before it failed. Do not call again before checking: read the referral, or after a create, list the newest referrals (sorted by creation) and look for it; calling again could do it twice.';
	const status = Number('httpCode' in error ? error.httpCode : undefined);
	switch (true) {
		case status === 401 || status === 403:
			return SET_UP;
		case status === 404:
			return `No referral with this id is visible to this tool: it does not exist, or the signed-in user may not see it. ${REFERRAL_ID_FOR_MODEL}`;
		case status === 412:
			return `The referral changed since its eTag was read. ${ETAG_CHANGED_FOR_MODEL}`;
		case status === 409:
			return `The referral was changed by someone else or is in a state that does not allow this. ${ETAG_CHANGED_FOR_MODEL}`;
		case status === 400:
			return 'Partner Center refused the values this call sent as invalid; correct them by what it said, or tell the user.';
		default:
			return LATER;
	}
}

/**
 * `error` with a description for a model, when it is a failure of Partner Center or of the way
 * to it (else, as a refused status move, as it is: its words already stand alone).
 */
export function forModel(error: NodeError): NodeError {
	if (error.context.serviceFault === true) {
		error.description = SERVICE_FAULT;
		return error;
	}
	if (
		error.context.partnerCenterMapped !== true &&
		error.context.writeMaybeDone !== true &&
		error.context.writeDone !== true
	)
		return error;
	const text = (key: string) =>
		typeof error.context[key] === 'string' ? (error.context[key] as string) : '';
	error.description = [adviceFor(error), text('fate'), text('facts')].filter(Boolean).join(' ');
	return error;
}
