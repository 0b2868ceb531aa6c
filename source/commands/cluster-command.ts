// `canary-tui [-n NS | -A]`: the controller on the current kube context, shown live in the
// dashboard on a terminal, or as JSON event lines (one per event) when stdout is not a TTY.
// Several instances share the work through a Lease (cluster-runtime.ts): one leader drives,
// the others observe; the header says which.
import type {Canary} from '../core/spec/types.js';
import {storeDashboard} from '../dashboard/store-dashboard.js';
import {formatEventLine} from '../events/event-line.js';
import {toEventLine} from '../events/event-log.js';
import {flaggerNotice} from '../kube/flagger-detection.js';
import {openClusterRuntime, type RuntimeFlags} from './cluster-runtime.js';
import {exitCodes, type CommandIO} from './io.js';
import {untilSignal} from './until-signal.js';

export type ClusterFlags = RuntimeFlags & {
	output?: string;
	once?: boolean;
	color?: boolean;
	ascii?: boolean;
};

export async function clusterCommand(flags: ClusterFlags, io: CommandIO, signals: NodeJS.Process = process): Promise<number> {
	if (flags.output !== undefined && flags.output !== 'json' && flags.output !== 'text') {
		io.stderr(`--output: expected text or json, got "${flags.output}"`);
		return exitCodes.badInput;
	}
	const interactive = flags.output === undefined && !flags.once && process.stdout.isTTY === true && process.stdin.isTTY === true;
	// Leadership changes go to stderr for scripts; a dashboard shows them in its header.
	const runtime = await openClusterRuntime(flags, io, {
		kinds: ['Canary', 'Deployment'],
		log: interactive || flags.once ? undefined : (level, message) => io.stderr(`canary-tui: ${level === 'error' ? 'error: ' : ''}${message}`),
	});
	if (typeof runtime === 'number') return runtime;
	const {store, events, series, clock, connection, namespace} = runtime;
	if (!interactive && !flags.once) {
		const format = flags.output === 'text' ? 'text' : 'json';
		events.subscribe(event => io.stdout(formatEventLine(toEventLine(event), format)));
	}
	try {
		await runtime.start();
	} catch (error) {
		io.stderr((error as Error).message);
		return exitCodes.badInput;
	}

	const dashboard = () =>
		storeDashboard(
			{
				store,
				canaries: () => store.cached('Canary', namespace) as unknown as Canary[],
				deploymentImage: (ns, name) => store.cached('Deployment', ns).find(d => d.metadata.name === name)?.spec?.template?.spec?.containers?.[0]?.image,
				events,
				series,
				now: () => clock.now(),
				roleChanges: listener => runtime.subscribe(listener),
			},
			{
				context: connection.context,
				namespace: namespace ?? 'all',
				allNamespaces: namespace === undefined,
				role: () => runtime.role(),
				readonly: flags.readonly === true,
				refusal: () => (namespace !== undefined ? flaggerNotice(runtime.flagger(), namespace) : undefined),
				requester: connection.user,
			},
		);
	const theme = {color: flags.color !== false && !process.env['NO_COLOR'], ascii: flags.ascii === true};
	const {stopped, dispose} = untilSignal(signals);
	try {
		if (flags.once) {
			const {renderOnce} = await import('../ui/run-tui.js');
			io.stdout(renderOnce(dashboard(), {...theme, columns: process.stdout.columns || Number(process.env['COLUMNS']) || 80, rows: process.stdout.rows || Number(process.env['LINES']) || 24}));
			return exitCodes.ok;
		}
		if (interactive) {
			process.env['CI'] = 'false';
			const {runTui} = await import('../ui/run-tui.js');
			await runTui(dashboard(), theme, stopped);
			return exitCodes.ok;
		}
		await stopped;
		return exitCodes.ok;
	} finally {
		dispose();
		await runtime.stop();
	}
}
