// The embedded default: an in-memory cluster, real podinfo listeners, a gateway, a load
// tester and user traffic, all on 127.0.0.1, driven by the same controller that drives a
// real cluster. The manifests come from a kustomization folder that is watched for edits.
import {randomUUID} from 'node:crypto';
import type {Clock} from '../clock.js';
import {formatSpecError} from '../core/spec/load-canaries.js';
import type {Canary} from '../core/spec/types.js';
import {Controller} from '../controller/controller.js';
import {DeploymentWorkloads} from '../controller/deployment-workloads.js';
import type {MeshRouter} from '../controller/ports.js';
import {EventLog, recordedEvent} from '../events/event-log.js';
import {MetricSeries} from '../events/metric-series.js';
import type {KubeObject} from '../kube/objects.js';
import {LocalMetrics} from '../metrics/local-metrics.js';
import {PrometheusMetrics} from '../metrics/prometheus/prometheus-metrics.js';
import {AppMeshRouter} from '../routers/appmesh-router.js';
import {KubernetesNoopRouter} from '../routers/kubernetes-router.js';
import {WebhookClient} from '../webhooks/webhook-client.js';
import type {DeliveryFlags} from '../webhooks/delivery-flags.js';
import {deliveryPorts, type DeliveryPorts} from '../webhooks/delivery-ports.js';
import {DeploymentSimulator} from './cluster/deployment-simulator.js';
import {MemoryStore} from './cluster/memory-store.js';
import {applyRendered} from './gitops/apply.js';
import {watchFolder} from './gitops/folder-watcher.js';
import {renderFolder} from './gitops/kustomization.js';
import {startGateway, type Gateway} from './http/gateway.js';
import {startLoadtester, type Loadtester} from './http/loadtester.js';
import {startTraffic, type Traffic} from './http/traffic.js';
import type {Faults} from './http/types.js';
import {MetricsStore} from './metrics/metrics-store.js';
import {scaledInterval} from './metrics/scaled-interval.js';
import {MeshDataplane} from './mesh-dataplane.js';
import {PodRuntime} from './pod-runtime.js';

export type DemoOptions = {
	dir: string;
	port: number;
	clock: Clock;
	/** Background user requests per virtual second through the gateway. */
	trafficRate?: number;
	/** Analyse through this Prometheus (which scrapes the demo's /metrics) instead of in-process counters. */
	prometheus?: string;
	/** --event-webhook, --cluster-name and the global notifier flags. */
	delivery?: DeliveryFlags;
	/** Messages about the demo itself (not canary events). */
	notice: (line: string) => void;
	/** Flagger's log-only lines (`Scaling down …`); dropped when absent. */
	log?: (line: string) => void;
};

export class DemoStartError extends Error {}

export class LocalDemo {
	readonly store: MemoryStore;
	readonly events = new EventLog();
	readonly metrics = new MetricsStore();
	/** What each analysis read, for the sparklines. */
	readonly series = new MetricSeries();
	/** Faults injected into the canary's pods (the demo's `e` and `l` keys). */
	readonly canaryFaults: Faults = {errorRate: 0, extraLatencyMs: 0};
	private readonly simulator: DeploymentSimulator;
	private readonly runtime: PodRuntime;
	readonly dataplane: MeshDataplane;
	private controller?: Controller;
	private delivery?: DeliveryPorts;
	private gateway?: Gateway;
	private loadtester?: Loadtester;
	private traffic?: Traffic;
	private watcher?: {close(): void};
	private lastApplied = new Map<string, KubeObject>();
	private gatewayRoute?: {namespace: string; name: string};

	constructor(private readonly options: DemoOptions) {
		const {clock} = options;
		this.store = new MemoryStore(() => clock.now());
		this.simulator = new DeploymentSimulator(this.store, clock);
		this.runtime = new PodRuntime(this.simulator, {
			clock,
			record: sample => this.metrics.record(sample),
			faults: pod => (this.isCanaryPod(pod.deployment, pod.namespace) ? this.canaryFaults : noFaults),
			onError: line => options.notice(line),
		});
		this.dataplane = new MeshDataplane(this.store, this.simulator, this.runtime, {clock});
		this.simulator.onPods({added: pod => this.metrics.podStarted(pod.namespace, pod.name, pod.deployment), removed: pod => this.metrics.podStopped(pod.namespace, pod.name)});
	}

	get clock(): Clock {
		return this.options.clock;
	}

	get url(): string {
		const address = this.gateway?.address;
		return address ? `http://${address.host}:${address.port}` : '';
	}

	async start(): Promise<void> {
		const {clock} = this.options;
		const rendered = await renderFolder(this.options.dir);
		if (rendered.errors.length > 0) throw new DemoStartError(rendered.errors.map(formatSpecError).join('\n'));
		this.lastApplied = await applyRendered(this.store, rendered.objects, new Map());
		const route = rendered.objects.find(o => o.object['kind'] === 'GatewayRoute')?.object as KubeObject | undefined;
		const canary = rendered.objects.find(o => o.object['kind'] === 'Canary')?.object as KubeObject | undefined;
		this.gatewayRoute = route
			? {namespace: route.metadata.namespace!, name: route.metadata.name}
			: canary && {namespace: canary.metadata.namespace!, name: (canary as unknown as Canary).spec.service.name ?? (canary as unknown as Canary).spec.targetRef.name};

		try {
			this.gateway = await startGateway({
				port: this.options.port,
				choose: request => (this.gatewayRoute ? this.dataplane.choose(this.gatewayRoute.namespace, this.gatewayRoute.name, request) : undefined),
				extraRoutes: {'/metrics': (_req, res) => res.writeHead(200, {'Content-Type': 'text/plain; version=0.0.4'}).end(this.metrics.prometheusText())},
			});
		} catch (error) {
			throw new DemoStartError((error as Error).message);
		}
		this.loadtester = await startLoadtester({clock, directory: this.dataplane});
		this.dataplane.register({name: 'flagger-loadtester', address: this.loadtester.address});

		const workloads = new DeploymentWorkloads({store: this.store, now: () => clock.now(), newId: randomUUID});
		const appMesh = new AppMeshRouter(this.store, async c => (await workloads.selector(c)).label);
		const kubernetes = new KubernetesNoopRouter();
		const webhooks = new WebhookClient({clock, resolve: host => this.dataplane.resolve(host)});
		const delivery = (this.delivery = deliveryPorts({flags: this.options.delivery ?? {}, clock, client: webhooks, store: this.store, events: this.events, log: this.events}));
		this.controller = new Controller({
			clock,
			store: this.store,
			workloads,
			router: c => routerFor(c, appMesh, kubernetes),
			metrics: this.options.prometheus
				? new PrometheusMetrics({store: this.store, clock, address: this.options.prometheus, scaleInterval: scaledInterval(clock.speed)})
				: new LocalMetrics(this.metrics, clock),
			webhooks,
			events: delivery.events,
			alerts: delivery.alerts,
			onMetric: (canary, metric, kind, answer) => this.series.record(`${canary.metadata.name}.${canary.metadata.namespace}`, metric.name, kind, answer, clock.now()),
			log: (canary, message) => this.options.log?.(`${canary}: ${message}`),
		});
		await this.controller.start();
		this.traffic = startTraffic({url: this.url, clock, ratePerSecond: this.options.trafficRate ?? 10});
		this.watcher = watchFolder(this.options.dir, () => void this.reload());
	}

	/** Re-reads the folder; a bad edit is reported and changes nothing. */
	async reload(): Promise<void> {
		const rendered = await renderFolder(this.options.dir);
		if (rendered.errors.length > 0) {
			for (const error of rendered.errors) this.warn(`rejected edit, nothing applied: ${formatSpecError(error)}`);
			return;
		}
		this.lastApplied = await applyRendered(this.store, rendered.objects, this.lastApplied);
	}

	async stop(): Promise<void> {
		this.watcher?.close();
		this.traffic?.stop();
		this.controller?.stop();
		this.delivery?.close();
		this.simulator.stop();
		await Promise.allSettled([this.gateway?.close(), this.loadtester?.close(), this.runtime.close()]);
	}

	/** A Warning event on the demo's canaries (or a notice when there is none yet). */
	private warn(message: string): void {
		const canaries = this.canaries();
		if (canaries.length === 0) return this.options.notice(message);
		const now = this.options.clock.now();
		for (const canary of canaries) {
			this.events.record(canary, recordedEvent(canary, {op: 'event', type: 'Warning', error: false, message, phase: canary.status?.phase ?? ''}, now));
		}
	}

	canaries(): Canary[] {
		return this.store.listSync('Canary') as unknown as Canary[];
	}

	private isCanaryPod(deployment: string, namespace: string): boolean {
		return this.canaries().some(c => c.metadata.namespace === namespace && c.spec.targetRef.name === deployment);
	}
}

const noFaults: Faults = {errorRate: 0, extraLatencyMs: 0};

/** The embedded mesh speaks App Mesh (the seed) and needs no router for the kubernetes provider. */
function routerFor(canary: Canary, appMesh: AppMeshRouter, kubernetes: KubernetesNoopRouter): MeshRouter {
	const provider = canary.spec.provider ?? '';
	if (provider === 'kubernetes') return kubernetes;
	if (provider.startsWith('appmesh')) return appMesh;
	const refuse = {ok: false as const, error: `provider ${provider || '(empty, istio by default)'} is not available in the embedded mesh: use appmesh:v1beta2 or kubernetes, or run canary-tui against a cluster`};
	return {reconcile: async () => refuse, getRoutes: async () => refuse, setRoutes: async () => refuse};
}
