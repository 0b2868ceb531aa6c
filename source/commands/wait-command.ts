// `canary-tui wait NAME --for=promoted|failed [--timeout 10m]`: exit 0 when the canary reaches
// the awaited outcome for the revision its target runs now, 1 when it reaches the other one, 3
// on timeout; each phase it goes through is one line on stderr, for CI logs.
import {randomUUID} from 'node:crypto';
import {formatGoDuration} from '../core/format/go-duration.js';
import {rfc3339} from '../core/format/rfc3339.js';
import type {Canary} from '../core/spec/types.js';
import {DeploymentWorkloads} from '../controller/deployment-workloads.js';
import {exitCodes, type CommandIO} from './io.js';
import {badInput, explained, openScope, watchScope, type VerbFlags} from './kube-verb.js';
import {parseTimeout} from './timeout-flag.js';
import {untilSignal} from './until-signal.js';
import {exitFor, waitConditions, waitState, type WaitFor} from './wait-outcome.js';

export type WaitFlags = VerbFlags & {for?: string; timeout?: string};

export async function waitCommand(args: string[], flags: WaitFlags, io: CommandIO, signals: NodeJS.Process = process): Promise<number> {
	if (args.length !== 1) return badInput(io, `canary-tui wait: expected one canary NAME (canary-tui wait NAME --for=promoted|failed), got ${args.length ? args.join(' ') : 'none'}`);
	if (!waitConditions.includes(flags.for as WaitFor)) return badInput(io, `--for: expected promoted or failed, got ${flags.for === undefined ? 'nothing' : `"${flags.for}"`}`);
	if (flags.allNamespaces) return badInput(io, '-A: wait follows one canary; name its namespace with -n');
	const timeoutMs = parseTimeout(flags.timeout, '10m', io);
	if (timeoutMs === undefined) return exitCodes.badInput;
	const wanted = flags.for as WaitFor;
	const name = args[0]!;
	const scope = await openScope(flags, io);
	if (typeof scope === 'number') return scope;
	const namespace = scope.namespace!;
	const key = `${name}.${namespace}`;

	return explained(scope, io, async () => {
		let wake: () => void = () => {};
		const store = await watchScope(scope, ['Canary', 'Deployment'], () => wake(), io.stderr);
		const workloads = new DeploymentWorkloads({store, now: Date.now, newId: randomUUID});
		const {stopped, dispose} = untilSignal(signals);
		let stop: 'timeout' | 'stopped' | undefined;
		const timer = setTimeout(() => ((stop = 'timeout'), wake()), timeoutMs);
		void stopped.then(() => ((stop = 'stopped'), wake()));
		let lastPhase: string | undefined;
		let lastNote: string | undefined;
		const say = (line: string) => io.stderr(`${rfc3339(Date.now())} ${key}: ${line}`);
		try {
			for (;;) {
				const changed = new Promise<void>(resolve => (wake = resolve));
				const canary = store.cached('Canary', namespace).find(c => c.metadata.name === name) as unknown as Canary | undefined;
				if (!canary) {
					if (lastPhase === undefined) return badInput(io, `canary-tui: canary "${name}" not found in namespace "${namespace}"`);
					io.stderr(`canary-tui: canary ${key} was deleted`);
					return exitCodes.failed;
				}
				const phase = canary.status?.phase || 'no status yet';
				if (phase !== lastPhase) say(`${phase}${canary.status?.canaryWeight ? ` (weight ${canary.status.canaryWeight})` : ''}`);
				lastPhase = phase;
				let note: string | undefined;
				try {
					const state = waitState(canary.status, await workloads.revision(canary));
					if (state.outcome) {
						const code = exitFor(wanted, state.outcome);
						io.stderr(`${key} ${state.outcome === 'promoted' ? 'promoted' : 'failed'}${code === 0 ? '' : ` (waited for ${wanted})`}`);
						return code;
					}
					note = state.note;
				} catch (error) {
					// No target yet (or a tracked config missing): the controller cannot start either.
					note = `waiting: ${(error as Error).message}`;
				}
				if (note && note !== lastNote) say(note);
				lastNote = note;
				if (stop === 'timeout') {
					io.stderr(`canary-tui: ${key} was not ${wanted} within ${formatGoDuration(timeoutMs * 1e6)} (phase ${phase})`);
					return exitCodes.timedOut;
				}
				if (stop === 'stopped') {
					io.stderr(`canary-tui: stopped before ${key} was ${wanted} (phase ${phase})`);
					return exitCodes.timedOut;
				}
				await changed;
			}
		} finally {
			clearTimeout(timer);
			dispose();
			await store.close();
		}
	});
}
