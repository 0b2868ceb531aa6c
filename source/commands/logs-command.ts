// `canary-tui logs [NAME] [-n NS | -A] [-f] [--output text|json]`: the Canary's Kubernetes
// Events (ours or Flagger's) as Flagger-style lines, oldest first; -f follows new ones.
import type {OutputFormat} from '../events/event-line.js';
import type {KubeObject} from '../kube/objects.js';
import {exitCodes, type CommandIO} from './io.js';
import {atMostOneName, badInput, choiceOf, explained, openScope, watchScope, type VerbFlags} from './kube-verb.js';
import {countOf, formatCanaryEvent, isCanaryEvent, sortEvents, type CanaryState} from './printers/canary-events.js';
import {untilSignal} from './until-signal.js';

export type LogsFlags = VerbFlags & {output?: string; follow?: boolean};

export async function logsCommand(args: string[], flags: LogsFlags, io: CommandIO, signals: NodeJS.Process = process): Promise<number> {
	const format = choiceOf<OutputFormat>('--output', flags.output, ['text', 'json'], 'text', io);
	if (format === undefined || !atMostOneName('logs', args, io)) return exitCodes.badInput;
	const name = args[0];
	const scope = await openScope(flags, io);
	if (typeof scope === 'number') return scope;
	const withName = name === undefined;
	const printed = new Map<string, number>();
	let ready = false;
	const stateOf = (canary: KubeObject | undefined): CanaryState | undefined =>
		canary?.status ? {phase: canary.status.phase ?? '', weight: canary.status.canaryWeight ?? 0, failedChecks: canary.status.failedChecks ?? 0, iterations: canary.status.iterations ?? 0} : undefined;

	return explained(scope, io, async () => {
		const store = await watchScope(
			scope,
			flags.follow ? ['Event', 'Canary'] : ['Event'],
			({type, object}) => {
				if (!ready || type === 'DELETED' || object.kind !== 'Event' || !isCanaryEvent(object, name)) return;
				// Each occurrence once: a new Event, or an old one whose count went up (a repeat).
				const count = countOf(object);
				const key = `${object.metadata.namespace}/${object.metadata.name}`;
				if ((printed.get(key) ?? 0) >= count) return;
				printed.set(key, count);
				const involved = (object as any).involvedObject;
				const canary = store.cached('Canary', involved?.namespace).find(c => c.metadata.name === involved?.name);
				io.stdout(formatCanaryEvent(object, format, {withName, state: stateOf(canary), repeats: 1}));
			},
			io.stderr,
		);
		try {
			const history = sortEvents(store.cached('Event', scope.namespace).filter(event => isCanaryEvent(event, name)));
			for (const event of history) {
				printed.set(`${event.metadata.namespace}/${event.metadata.name}`, countOf(event));
				io.stdout(formatCanaryEvent(event, format, {withName, repeats: countOf(event)}));
			}
			ready = true;
			if (history.length === 0 && name !== undefined && scope.namespace !== undefined && !(await store.get('Canary', scope.namespace, name))) {
				return badInput(io, `canary-tui: canary "${name}" not found in namespace "${scope.namespace}" (and no events of it)`);
			}
			if (!flags.follow) return exitCodes.ok;
			const {stopped, dispose} = untilSignal(signals);
			await stopped;
			dispose();
			return exitCodes.ok;
		} finally {
			await store.close();
		}
	});
}
