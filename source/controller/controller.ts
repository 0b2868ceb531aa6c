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
import type {Revision} from '../core/engine/status.js';
import {adoptedMessage, checkAdoption} from './adoption.js';

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
	/** After each tick: how long it took in real seconds (flagger_canary_duration_seconds). */
	onTick?: (namespace: string, name: string, seconds: number) => void;
	meshProvider?: string;
	/** Only canaries of this namespace; all when undefined. */
	namespace?: string;
	/** Namespaces another controller drives (a running Flagger): their canaries are left alone. */
	leaveAlone?: (namespace: string) => boolean;
};

type Job = {
	interval: number;
	timer?: Timer;
	running: boolean;
	stopped: boolean;
	/** The request annotation (raw) of the latest Canary the watch delivered. */
	watchedRequest?: string;
	/** The request annotation the last tick read: answered (or refused) by it. */
	tickedRequest?: string;
};

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
		for (const canary of await this.options.store.list('Canary', this.options.namespace)) if (this.inScope(canary)) this.sync(canary as unknown as Canary);
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
		if (this.options.leaveAlone?.(object.metadata.namespace ?? '')) return false;
		return this.options.namespace === undefined || object.metadata.namespace === this.options.namespace;
	}

	/** Flagger's syncHandler: mark new canaries Initializing, (re)start jobs on interval changes. */
	private sync(canary: Canary): void {
		const key = keyOf(canary);
		if (!canary.status?.conditions) void this.markInitializing(canary);
		const interval = analysisInterval(canary);
		const job = this.jobs.get(key);
		const request = canary.metadata.annotations?.[requestAnnotation];
		if (job && job.interval === interval) {
			job.watchedRequest = request;
			// A manual request is answered now, not at the next interval (one a tick already
			// read is not: a late watch event still carrying it must not start another tick).
			if (request !== undefined && request !== job.tickedRequest && !job.running) this.runNow(key, canary, job);
			return;
		}
		if (job) this.stopJob(key);
		const next: Job = {interval, running: false, stopped: false, watchedRequest: request};
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
		let failed = false;
		try {
			job.tickedRequest = await this.tickOnce(namespace, name);
		} catch (error) {
			failed = true;
			this.options.log?.(key, `tick failed: ${(error as Error).message}`);
		} finally {
			job.running = false;
			if ([...this.jobs.values()].every(j => !j.running)) for (const resolve of this.idle) resolve();
			this.idle.clear();
		}
		// Like Go's ticker, a slow tick delays the next one instead of piling ticks up; a request
		// that arrived during the tick is answered at once.
		const elapsed = this.options.clock.now() - started;
		this.options.onTick?.(namespace, name, elapsed / this.options.clock.speed / 1000);
		if (job.stopped) return;
		// A request the watch delivered during the tick, which sync() left to us, is answered at
		// once; the watch tells us, so no GET of the Canary is needed after each tick. After a
		// failed tick (the API server restarting) the next one waits for the interval.
		const waiting = !failed && job.watchedRequest !== undefined && job.watchedRequest !== job.tickedRequest;
		const delay = waiting ? 0 : Math.max(0, job.interval / 1_000_000 - elapsed);
		job.timer = this.options.clock.setTimeout(() => void this.run(key, namespace, name, job), delay);
	}

	/** One tick; returns the request annotation the tick read (undefined when none). */
	async tickOnce(namespace: string, name: string): Promise<string | undefined> {
		const object = await this.options.store.get('Canary', namespace, name);
		if (!object) return undefined;
		const canary = object as unknown as Canary;
		await this.options.workloads.duringTick(canary, () => this.advance(canary));
		return canary.metadata.annotations?.[requestAnnotation];
	}

	private async advance(read: Canary): Promise<void> {
		const {workloads, clock} = this.options;
		const {namespace, name} = read.metadata as {namespace: string; name: string};
		let canary = read;
		const key = keyOf(canary);
		let revision: Revision;
		try {
			revision = await workloads.revision(canary);
		} catch (error) {
			this.emit(canary, canary.status, {op: 'event', type: 'Warning', error: false, message: (error as Error).message, phase: canary.status?.phase ?? ''});
			return;
		}
		const request = pendingRequest(canary);
		if (!request && (await this.adopt(canary, revision))) return;
		const router = this.options.router(canary);
		let status = canary.status;
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

	/** A canary whose status Flagger wrote, at rest and unchanged, is adopted instead of released (adoption.ts). */
	private async adopt(canary: Canary, revision: Revision): Promise<boolean> {
		const adoption = await checkAdoption(this.options.store, this.options.workloads, canary, revision).catch(() => ({adopt: false}) as const);
		if (!adoption.adopt) return false;
		const written = await this.writeStatus(canary, adoption.status);
		if (!written.ok) return false;
		this.emit(canary, adoption.status, {op: 'event', type: 'Normal', error: false, message: adoptedMessage(canary), phase: adoption.status.phase});
		return true;
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
