// `canary-tui [-n NS | -A]`: the controller on the current kube context, shown live in the
// dashboard on a terminal, or as JSON event lines (one per event) when stdout is not a TTY.
import {randomUUID} from 'node:crypto';
import {realClock} from '../clock.js';
import type {Canary} from '../core/spec/types.js';
import {Controller} from '../controller/controller.js';
import {DeploymentWorkloads} from '../controller/deployment-workloads.js';
import {storeDashboard} from '../dashboard/store-dashboard.js';
import {formatEventLine} from '../events/event-line.js';
import {EventLog, toEventLine} from '../events/event-log.js';
import {MetricSeries} from '../events/metric-series.js';
import {checkAccess, connect, ConnectionError, controllerAccess, explain, type Connection} from '../kube/connection.js';
import {KubeStore} from '../kube/kube-store.js';
import {clusterPorts, type PortFlags} from './cluster-ports.js';
import {exitCodes, type CommandIO} from './io.js';
import {untilSignal} from './until-signal.js';

export type ClusterFlags = PortFlags & {
	kubeconfig?: string;
	context?: string;
	namespace?: string;
	allNamespaces?: boolean;
	readonly?: boolean;
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
	let connection: Connection;
	try {
		connection = await connect({kubeconfig: flags.kubeconfig, context: flags.context, namespace: flags.namespace});
		const namespace = flags.allNamespaces ? undefined : connection.namespace;
		if (!flags.readonly) await checkAccess(connection, controllerAccess(namespace));
	} catch (error) {
		if (error instanceof ConnectionError) {
			io.stderr(error.message);
			return exitCodes.badInput;
		}
		throw error;
	}
	const namespace = flags.allNamespaces ? undefined : connection.namespace;
	const store = new KubeStore({kc: connection.kc, namespace, kinds: ['Canary', 'Deployment'], onWatchError: (kind, error) => io.stderr(`watch ${kind}: ${error.message}`)});
	const clock = realClock(1);
	const events = new EventLog();
	const series = new MetricSeries();
	const workloads = new DeploymentWorkloads({store, now: () => clock.now(), newId: randomUUID});
	const controller = flags.readonly
		? undefined
		: new Controller({
				clock,
				store,
				workloads,
				namespace,
				...clusterPorts({flags, clock, store, workloads, events}),
				onMetric: (canary, metric, kind, answer) => series.record(`${canary.metadata.name}.${canary.metadata.namespace}`, metric.name, kind, answer, clock.now()),
			});
	const interactive = flags.output === undefined && !flags.once && process.stdout.isTTY === true && process.stdin.isTTY === true;
	if (!interactive && !flags.once) {
		const format = flags.output === 'text' ? 'text' : 'json';
		events.subscribe(event => io.stdout(formatEventLine(toEventLine(event), format)));
	}
	try {
		await controller?.start();
		await store.synced();
	} catch (error) {
		io.stderr(explain(error, connection).message);
		await store.close();
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
			},
			{
				context: connection.context,
				namespace: namespace ?? 'all',
				allNamespaces: namespace === undefined,
				role: flags.readonly ? 'observer' : 'controller',
				readonly: flags.readonly === true,
				requester: connection.user,
			},
		);
	const theme = {color: flags.color !== false && !process.env['NO_COLOR'], ascii: flags.ascii === true};
	const {stopped, dispose} = untilSignal(signals);
	try {
		if (flags.once) {
			const {renderOnce} = await import('../ui/run-tui.js');
			io.stdout(renderOnce(dashboard(), {...theme, columns: process.stdout.columns || 80, rows: process.stdout.rows || 24}));
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
		controller?.stop();
		await controller?.whenIdle();
		await store.close();
	}
}
