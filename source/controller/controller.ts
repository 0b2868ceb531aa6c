// The control loop: one job per Canary, ticking immediately and then every analysis
// interval on the injected Clock (Flagger's job.go); each tick re-reads its Canary and drives
// the pure engine, answering its ops through the ports.
import type {Clock, Timer} from '../clock.js';
import {driveAsync} from '../core/engine/drive.js';
import type {Answer, MetricAnswer, MetricKind, Op} from '../core/engine/ops.js';
import {promotedCondition} from '../core/engine/status.js';
import {tick} from '../core/engine/tick.js';
import {analysisInterval} from '../core/spec/defaults.js';
import type {Canary, CanaryMetric, CanaryStatus} from '../core/spec/types.js';
import {ApiError, type KubeObject, type ObjectStore} from '../kube/objects.js';
import type {DeploymentWorkloads} from './deployment-workloads.js';
import {pendingRequest, requestAnnotation} from './requests.js';
import {updateWithRetry} from '../kube/update-with-retry.js';
import {recordedEvent} from '../events/event-log.js';
import type {AlertSink, EventSink, MeshRouter, MetricsPort, WebhookPort} from './ports.js';
import {rfc3339} from '../core/format/rfc3339.js';

export type ControllerOptions = {
	clock: Clock;
	store: ObjectStore;
	workloads: DeploymentWorkloads;
	router: (canary: Canary) => MeshRouter;
	metrics: MetricsPort;
	webhooks: WebhookPort;
	events: EventSink;
	alerts?: AlertSink;
	log?: (canary: string, message: string) => void;
	/** Every metric value a tick read, for the sparklines. */
	onMetric?: (canary: Canary, metric: CanaryMetric, kind: MetricKind, answer: MetricAnswer) => void;
	meshProvider?: string;
	/** Only canaries of this namespace; all when undefined. */
	namespace?: string;
};

type Job = {interval: number; timer?: Timer; running: boolean; stopped: boolean};

const keyOf = (object: {metadata: {name: string; namespace?: string}}) => `${object.metadata.name}.${object.metadata.namespace}`;

export class Controller {
	private readonly jobs = new Map<string, Job>();
	private stopWatching?: () => void;
	private readonly idle = new Set<() => void>();

	constructor(private readonly options: ControllerOptions) {}

	async start(): Promise<void> {
		this.stopWatching = this.options.store.watch(event => {
			if (event.object.kind !== 'Canary' || !this.inScope(event.object)) return;
			if (event.type === 'DELETED') this.stopJob(keyOf(event.object));
			else this.sync(event.object as unknown as Canary);
		});
		for (const canary of await this.options.store.list('Canary', this.options.namespace)) this.sync(canary as unknown as Canary);
	}

	stop(): void {
		this.stopWatching?.();
		for (const key of [...this.jobs.keys()]) this.stopJob(key);
	}

	/** Resolves when no tick is running (for tests and orderly shutdown). */
	whenIdle(): Promise<void> {
		if ([...this.jobs.values()].every(job => !job.running)) return Promise.resolve();
		return new Promise(resolve => this.idle.add(resolve));
	}

	private inScope(object: KubeObject): boolean {
		return this.options.namespace === undefined || object.metadata.namespace === this.options.namespace;
	}

	/** Flagger's syncHandler: mark new canaries Initializing, (re)start jobs on interval changes. */
	private sync(canary: Canary): void {
		const key = keyOf(canary);
		if (!canary.status?.conditions) void this.markInitializing(canary);
		const interval = analysisInterval(canary);
		const job = this.jobs.get(key);
		if (job && job.interval === interval) {
			// A manual request is answered now, not at the next interval.
			if (pendingRequest(canary) && !job.running) this.runNow(key, canary, job);
			return;
		}
		if (job) this.stopJob(key);
		const next: Job = {interval, running: false, stopped: false};
		this.jobs.set(key, next);
		void this.run(key, canary.metadata.namespace!, canary.metadata.name, next);
	}

	private async markInitializing(canary: Canary): Promise<void> {
		const now = rfc3339(this.options.clock.now());
		const status: CanaryStatus = {
			phase: 'Initializing',
			failedChecks: 0,
			canaryWeight: 0,
			iterations: 0,
			lastAppliedSpec: '',
			lastPromotedSpec: '',
			...canary.status,
			lastTransitionTime: now,
			conditions: promotedCondition(canary, 'Initializing', undefined, now),
		};
		try {
			await this.options.store.updateStatus({...(canary as unknown as KubeObject), status});
		} catch {
			// A concurrent write got there first; the next tick reads whatever won.
		}
	}

	private stopJob(key: string): void {
		const job = this.jobs.get(key);
		if (!job) return;
		job.stopped = true;
		job.timer?.cancel();
		this.jobs.delete(key);
	}

	private runNow(key: string, canary: Canary, job: Job): void {
		job.timer?.cancel();
		void this.run(key, canary.metadata.namespace!, canary.metadata.name, job);
	}

	private async run(key: string, namespace: string, name: string, job: Job): Promise<void> {
		if (job.stopped) return;
		const started = this.options.clock.now();
		job.running = true;
		try {
			await this.tickOnce(namespace, name);
		} catch (error) {
			this.options.log?.(key, `tick failed: ${(error as Error).message}`);
		} finally {
			job.running = false;
			if ([...this.jobs.values()].every(j => !j.running)) for (const resolve of this.idle) resolve();
			this.idle.clear();
		}
		if (job.stopped) return;
		// Like Go's ticker, a slow tick delays the next one instead of piling ticks up; a request
		// that arrived during the tick is answered at once.
		const elapsed = this.options.clock.now() - started;
		// A failed read (the API server restarting) must not end this canary's ticks: fall back to the interval.
		const fresh = await this.options.store.get('Canary', namespace, name).catch(() => undefined);
		const delay = fresh && pendingRequest(fresh as unknown as Canary) ? 0 : Math.max(0, job.interval / 1_000_000 - elapsed);
		if (job.stopped) return;
		job.timer = this.options.clock.setTimeout(() => void this.run(key, namespace, name, job), delay);
	}

	async tickOnce(namespace: string, name: string): Promise<void> {
		const {store, workloads, clock} = this.options;
		const object = await store.get('Canary', namespace, name);
		if (!object) return;
		let canary = object as unknown as Canary;
		const key = keyOf(canary);
		let revision;
		try {
			revision = await workloads.revision(canary);
		} catch (error) {
			this.emit(canary, canary.status, {op: 'event', type: 'Warning', error: false, message: (error as Error).message, phase: canary.status?.phase ?? ''});
			return;
		}
		const router = this.options.router(canary);
		let status = canary.status;
		const request = pendingRequest(canary);
		if (request && 'error' in request) {
			await this.updateCanary(namespace, name, object => delete object.metadata.annotations?.[requestAnnotation]);
			this.emit(canary, status, {op: 'event', type: 'Warning', error: false, message: `ignored a malformed request: ${request.error}`, phase: status?.phase ?? ''});
			return;
		}
		const answer = async (op: Op): Promise<Answer> => {
			switch (op.op) {
				case 'event':
					return this.emit(canary, status, op);
				case 'log':
					return this.options.log?.(key, op.message);
				case 'alert':
					return this.options.alerts?.alert(canary, op.message, op.severity, op.metadata);
				case 'writeStatus': {
					const written = await this.writeStatus(canary, op.status);
					if (written.ok) {
						status = op.status;
						canary = written.canary;
					}
					return written.ok ? {ok: true} : written;
				}
				case 'webhook':
					return this.options.webhooks.call(canary, op.hook, op.phase);
				case 'metric': {
					const result = await this.options.metrics.query(canary, op.metric, op.kind, op.interval);
					this.options.onMetric?.(canary, op.metric, op.kind, result);
					return result;
				}
				case 'checkMetricProviders':
					return this.options.metrics.check(canary);
				case 'initializeServices':
					return workloads.initializeServices(canary);
				case 'reconcileMeshRouter':
					return router.reconcile(canary);
				case 'initializePrimary':
					return workloads.initializePrimary(canary);
				case 'reconcileApexService':
					return workloads.reconcileApexService(canary);
				case 'reconcilePrimaryScaler':
					return workloads.reconcilePrimaryScaler(canary, op.init);
				case 'pauseTargetScaler':
				case 'resumeTargetScaler':
					// Kubernetes HPAs ignore a target at zero replicas; only KEDA needs pausing.
					return {ok: true};
				case 'primaryReady':
					return workloads.primaryReady(canary);
				case 'canaryReady':
					return workloads.canaryReady(canary);
				case 'scaleToZero':
					return workloads.scaleToZero(canary);
				case 'scaleFromZero':
					return workloads.scaleFromZero(canary);
				case 'getRoutes':
					return router.getRoutes(canary);
				case 'setRoutes':
					return router.setRoutes(canary, op.primary, op.canary, op.mirrored);
				case 'promote':
					return workloads.promote(canary);
				case 'clearRequest':
					return this.updateCanary(namespace, name, object => delete object.metadata.annotations?.[requestAnnotation]);
				case 'setSuspend':
					return this.updateCanary(namespace, name, object => (object.spec.suspend = op.suspend));
			}
		};
		await driveAsync(tick({canary, revision, now: rfc3339(clock.now()), meshProvider: this.options.meshProvider, request}), answer);
	}

	private async updateCanary(namespace: string, name: string, change: (object: KubeObject) => void): Promise<{ok: true} | {ok: false; error: string}> {
		const outcome = await updateWithRetry(this.options.store, 'Canary', namespace, name, change);
		if (outcome.ok || outcome.reason === 'Failed') return outcome;
		return {ok: false, error: outcome.reason === 'NotFound' ? `canaries.flagger.app "${name}" not found` : `canary ${name}.${namespace} update failed: too many conflicts`};
	}

	/** Writes the status subresource, re-reading once on a conflict like Flagger's retry. */
	private async writeStatus(canary: Canary, status: CanaryStatus): Promise<{ok: true; canary: Canary} | {ok: false; error: string}> {
		const {store} = this.options;
		let current = canary as unknown as KubeObject;
		for (let attempt = 0; attempt < 3; attempt++) {
			try {
				const written = await store.updateStatus({...current, status});
				return {ok: true, canary: written as unknown as Canary};
			} catch (error) {
				if (!(error instanceof ApiError && error.reason === 'Conflict')) return {ok: false, error: (error as Error).message};
				const fresh = await store.get('Canary', canary.metadata.namespace!, canary.metadata.name);
				if (!fresh) return {ok: false, error: (error as Error).message};
				current = fresh;
			}
		}
		return {ok: false, error: `canary ${keyOf(canary)} status update failed: too many conflicts`};
	}

	private emit(canary: Canary, status: CanaryStatus | undefined, op: Extract<Op, {op: 'event'}>): void {
		this.options.events.record(canary, recordedEvent({...canary, status}, op, this.options.clock.now()));
	}
}
