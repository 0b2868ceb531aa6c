// `canary-tui controller [-n NS | -A]`: the control loop without a UI, for a pod or a terminal
// multiplexer. Leader-elected like the dashboard (cluster-runtime.ts), logs Flagger-style JSON
// lines to stdout (semantics §9.3), and serves /healthz and /metrics (Flagger's names) on
// --listen-address:--port. SIGTERM or Ctrl-C stops it and hands the lease over.
import type {Canary} from '../core/spec/types.js';
import type {RecordedEvent} from '../controller/ports.js';
import {FlaggerMetrics, observedRouter} from '../observability/flagger-metrics.js';
import {kubeHealth, startHttpEndpoint, type HttpEndpoint} from '../observability/http-endpoint.js';
import {openClusterRuntime, type RuntimeFlags} from './cluster-runtime.js';
import {exitCodes, type CommandIO} from './io.js';
import {untilSignal} from './until-signal.js';

export type ControllerFlags = RuntimeFlags & {
	port?: number;
	listenAddress?: string;
	version?: string;
};

export type LogLine = {level: 'info' | 'error'; ts: number; caller: string; msg: string; canary?: string};

/** zap's JSON encoding as Flagger configures it: level, ts, caller, msg, then the canary. */
export const formatLogLine = ({level, ts, caller, msg, canary}: LogLine): string =>
	JSON.stringify({level, ts: new Date(ts).toISOString(), caller, msg, ...(canary ? {canary} : {})});

export function eventLogLine(event: RecordedEvent): LogLine {
	// Flagger logs Warning events at info level; only error events are errors.
	return {level: event.error ? 'error' : 'info', ts: event.time, caller: 'controller/events.go:33', msg: event.message, canary: event.canary};
}

export async function controllerCommand(flags: ControllerFlags, io: CommandIO, signals: NodeJS.Process = process): Promise<number> {
	const port = flags.port ?? 8080;
	if (!Number.isInteger(port) || port < 0 || port > 65535) {
		io.stderr(`--port: expected a port number from 0 to 65535, got ${flags.port}`);
		return exitCodes.badInput;
	}
	if (flags.readonly) {
		io.stderr('--readonly: the controller exists to drive canaries; watch them with `canary-tui --readonly` instead');
		return exitCodes.badInput;
	}
	const log = (line: Omit<LogLine, 'ts'>) => io.stdout(formatLogLine({...line, ts: Date.now()}));
	const metrics = new FlaggerMetrics({version: flags.version ?? '0.0.0', meshProvider: flags.meshProvider ?? 'kubernetes'});
	const runtime = await openClusterRuntime(flags, io, {
		kinds: ['Canary'],
		requireLease: true,
		log: (level, msg) => log({level, caller: 'leaderelection/leaderelection.go', msg}),
		decorate: options => ({
			...options,
			router: canary => observedRouter(options.router(canary), metrics),
			onMetric: (canary, metric, kind, answer) => {
				options.onMetric?.(canary, metric, kind, answer);
				metrics.metric(canary, metric, kind, answer);
			},
			onTick: (namespace, name, seconds) => {
				options.onTick?.(namespace, name, seconds);
				metrics.tick(namespace, name, seconds);
			},
		}),
	});
	if (typeof runtime === 'number') return runtime;
	const {store, events} = runtime;
	events.subscribe(event => io.stdout(formatLogLine(eventLogLine(event))));
	// Every instance reports every canary it sees: an observer's /metrics is as useful as the leader's.
	store.watch(event => metrics.observe(event));
	let endpoint: HttpEndpoint;
	try {
		endpoint = await startHttpEndpoint({host: flags.listenAddress ?? '127.0.0.1', port, metrics: () => metrics.render(), health: kubeHealth(store)});
	} catch (error) {
		io.stderr(`canary-tui controller: ${(error as Error).message}`);
		await store.close();
		return exitCodes.badInput;
	}
	const {stopped, dispose} = untilSignal(signals);
	try {
		await runtime.start();
		log({level: 'info', caller: 'flagger/main.go', msg: `Starting canary-tui controller ${flags.version ?? ''} (${runtime.namespace ? `namespace ${runtime.namespace}` : 'all namespaces'}, identity ${runtime.identity}); /metrics and /healthz on ${endpoint.url}`.replace('  ', ' ')});
		for (const canary of store.cached('Canary', runtime.namespace) as unknown as Canary[]) {
			log({level: 'info', caller: 'controller/controller.go', msg: `Synced ${canary.metadata.namespace}/${canary.metadata.name}`, canary: `${canary.metadata.name}.${canary.metadata.namespace}`});
		}
		await stopped;
		log({level: 'info', caller: 'flagger/main.go', msg: 'Shutting down: releasing the lease'});
		return exitCodes.ok;
	} catch (error) {
		io.stderr((error as Error).message);
		return exitCodes.badInput;
	} finally {
		dispose();
		await runtime.stop();
		await endpoint.close();
	}
}
