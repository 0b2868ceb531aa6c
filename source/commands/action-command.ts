// `canary-tui promote|rollback|pause|resume NAME [-n NS] [--timeout 1m]`: writes the request
// annotation (action, the kubeconfig user, time) with optimistic concurrency, then waits for the
// controller's answer — the annotation cleared and the Event naming action and requester.
import type {ManualAction} from '../core/engine/manual-actions.js';
import {formatGoDuration} from '../core/format/go-duration.js';
import {encodeRequest, pendingRequest, requestAnnotation} from '../controller/requests.js';
import type {Canary} from '../core/spec/types.js';
import {updateWithRetry} from '../kube/update-with-retry.js';
import {answerOf, eventCounts, isNewOccurrence, pendingMessage, type ActionAnswer} from './action-answer.js';
import {exitCodes, type CommandIO} from './io.js';
import {badInput, explained, openScope, watchScope, type VerbFlags} from './kube-verb.js';
import {parseTimeout} from './timeout-flag.js';
import {untilSignal} from './until-signal.js';

export type ActionFlags = VerbFlags & {timeout?: string};

class AlreadyPending extends Error {}

export async function actionCommand(action: ManualAction, args: string[], flags: ActionFlags, io: CommandIO, signals: NodeJS.Process = process): Promise<number> {
	const usage = `canary-tui ${action}: expected one canary NAME (canary-tui ${action} NAME [-n NS])`;
	if (args.length !== 1) return badInput(io, `${usage}, got ${args.length ? args.join(' ') : 'none'}`);
	if (flags.allNamespaces) return badInput(io, `-A: ${action} acts on one canary; name its namespace with -n`);
	if (flags.readonly) return badInput(io, `canary-tui ${action}: --readonly never writes; drop --readonly to send the request`);
	const timeoutMs = parseTimeout(flags.timeout, '1m', io);
	if (timeoutMs === undefined) return exitCodes.badInput;
	const name = args[0]!;
	const scope = await openScope(flags, io, true);
	if (typeof scope === 'number') return scope;
	const namespace = scope.namespace!;
	const key = `${name}.${namespace}`;
	const requester = scope.connection.user;
	return explained(scope, io, async () => {
		let answered: (answer: ActionAnswer) => void = () => {};
		const answer = new Promise<ActionAnswer>(resolve => (answered = resolve));
		let before = new Map<string, number>();
		// Answers count from just before the write (one could arrive before the write's reply);
		// a Canary without the annotation means "taken" only after the write.
		let listening = false;
		let written = false;
		let taken = false;
		const store = await watchScope(
			scope,
			['Canary', 'Event'],
			({object}) => {
				if (!listening) return;
				if (written && object.kind === 'Canary' && object.metadata.name === name) taken ||= object.metadata.annotations?.[requestAnnotation] === undefined;
				if (object.kind !== 'Event' || (object as any).involvedObject?.name !== name || !isNewOccurrence(object, before)) return;
				const found = answerOf(String((object as any).message ?? ''), action, key, requester);
				if (found) answered(found);
			},
			io.stderr,
		);
		const {stopped, dispose} = untilSignal(signals);
		let timer: NodeJS.Timeout | undefined;
		try {
			before = eventCounts(store.cached('Event', namespace));
			listening = true;
			const outcome = await updateWithRetry(store, 'Canary', namespace, name, object => {
				const pending = pendingRequest(object as unknown as Canary);
				if (pending) throw new AlreadyPending(pendingMessage(pending, key));
				object.metadata.annotations = {...object.metadata.annotations, [requestAnnotation]: encodeRequest(action, requester, new Date().toISOString())};
			}).catch(error => {
				if (error instanceof AlreadyPending) return {ok: false as const, reason: 'Pending' as const, error: error.message};
				throw error;
			});
			if (!outcome.ok) {
				if (outcome.reason === 'NotFound') return badInput(io, `canary-tui: canary "${name}" not found in namespace "${namespace}"`);
				io.stderr(`canary-tui: ${outcome.error}`);
				return outcome.reason === 'Pending' ? exitCodes.failed : exitCodes.badInput;
			}
			written = true;
			io.stderr(`${action} of ${key} requested by ${requester}; waiting up to ${formatGoDuration(timeoutMs * 1e6)} for the controller`);
			const timedOut = new Promise<'timeout'>(resolve => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
			const result = await Promise.race([answer, timedOut, stopped.then(() => 'stopped' as const)]);
			if (typeof result === 'object') {
				if (result.accepted) io.stdout(result.message);
				else io.stderr(`canary-tui: ${result.message}`);
				return result.accepted ? exitCodes.ok : exitCodes.failed;
			}
			const withdraw = `kubectl annotate canary ${name} -n ${namespace} ${requestAnnotation}-`;
			const waited = result === 'timeout' ? `within ${formatGoDuration(timeoutMs * 1e6)}` : 'before canary-tui was stopped';
			io.stderr(
				taken
					? `canary-tui: a controller took the ${action} request on ${key} (the annotation is cleared) but recorded no answer ${waited}; see canary-tui logs ${name} -n ${namespace}`
					: `canary-tui: no controller answered the ${action} request on ${key} ${waited}; the request stays on the Canary and the controller carries it out when it runs. To withdraw it: ${withdraw}`,
			);
			return exitCodes.timedOut;
		} finally {
			clearTimeout(timer);
			dispose();
			await store.close();
		}
	});
}
