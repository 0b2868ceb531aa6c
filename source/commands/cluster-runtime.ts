// What `canary-tui` (dashboard) and `canary-tui controller` (headless) share in cluster mode:
// the connection and access check, the KubeStore, the adapters, leader election on a Lease per
// watched scope, and the watch for a running Flagger. Only the leader runs the Controller;
// everyone else observes. Losing the lease stops the Controller at once and the process goes
// back to observing (and campaigning) instead of exiting as Flagger does: a dashboard should
// survive a network blip.
import {randomUUID} from 'node:crypto';
import {realClock, type Clock, type Timer} from '../clock.js';
import {Controller, type ControllerOptions} from '../controller/controller.js';
import {DeploymentWorkloads} from '../controller/deployment-workloads.js';
import {EventLog} from '../events/event-log.js';
import {MetricSeries} from '../events/metric-series.js';
import {checkAccess, connect, ConnectionError, controllerAccess, explain, type AccessCheck, type Connection} from '../kube/connection.js';
import {flaggerControllers, flaggerFor, flaggerNotice, type FlaggerController} from '../kube/flagger-detection.js';
import {KubeStore} from '../kube/kube-store.js';
import {holderIdentity, LeaderElector, type Leadership, type LeaseTimings} from '../kube/leader-election.js';
import {clusterPorts, type ClusterPorts, type PortFlags} from './cluster-ports.js';
import {exitCodes, type CommandIO} from './io.js';

export type RuntimeFlags = PortFlags & {
	kubeconfig?: string;
	context?: string;
	namespace?: string;
	allNamespaces?: boolean;
	readonly?: boolean;
	/** Where the `-A` Lease lives (default `default`); `-n NS` uses NS. */
	leaseNamespace?: string;
};

export const leaseName = 'canary-tui-leader-election';
/** How often the cluster's Deployments are scanned for a running Flagger. */
const flaggerScanMs = 30_000;

export type RuntimeOptions = {
	/** Kinds the store watches (the dashboard also shows Deployments). */
	kinds: string[];
	/** Leadership changes and background trouble, for the log. */
	log?: (level: 'info' | 'error', message: string) => void;
	/** Adds to the Controller's options (the headless controller's /metrics recording). */
	decorate?: (options: ControllerOptions) => ControllerOptions;
	timings?: Partial<LeaseTimings>;
	clock?: Clock;
	/**
	 * Fail at start when the Lease cannot be written (the headless controller: it could never
	 * lead). The dashboard starts anyway and shows the lease error as an observer.
	 */
	requireLease?: boolean;
};

export type ClusterRuntime = {
	connection: Connection;
	/** undefined: all namespaces. */
	namespace?: string;
	store: KubeStore;
	clock: Clock;
	events: EventLog;
	series: MetricSeries;
	identity: string;
	/** Flagger controllers found running (empty when none, or when they cannot be listed). */
	flagger(): readonly FlaggerController[];
	/** The header's role: `leader`, `observer · leader: host_pid`, or why it is read-only. */
	role(): string;
	/** Called on every change of leadership, driving or Flagger. */
	subscribe(listener: () => void): () => void;
	start(): Promise<void>;
	stop(): Promise<void>;
};

/**
 * The header's role: `leader`; `observer · leader: host_pid` (or `no leader`, or the lease
 * error); with a running Flagger, why its canaries are read-only — alone when it drives the
 * whole scope (`-n NS`), after the role when it drives some namespaces of `-A`.
 */
export function roleText(input: {readonly: boolean; leadership: Leadership; flagger?: string; wholeScope: boolean}): string {
	const {readonly, leadership, flagger} = input;
	if (flagger && input.wholeScope) return flagger;
	// host_pid is what a person looks for; the random suffix only keeps identities unique.
	const who = leadership.holder ? `leader: ${leadership.holder.replace(/_[0-9a-f]{4}$/, '')}` : leadership.error ? `lease: ${leadership.error}` : 'no leader';
	const role = readonly ? `observer (--readonly) · ${who}` : leadership.leader ? 'leader' : `observer · ${who}`;
	return flagger ? `${role} · ${flagger}` : role;
}

/** Connects and checks access; a connection problem is one line on stderr and exit code 2. */
export async function openClusterRuntime(flags: RuntimeFlags, io: CommandIO, options: RuntimeOptions): Promise<ClusterRuntime | number> {
	let connection: Connection;
	let namespace: string | undefined;
	try {
		// --readonly sends GETs only: no SelfSubjectReview (a create), no access reviews.
		connection = await connect({kubeconfig: flags.kubeconfig, context: flags.context, namespace: flags.namespace, identify: !flags.readonly});
		namespace = flags.allNamespaces ? undefined : connection.namespace;
		const leaseNamespace = namespace ?? flags.leaseNamespace ?? 'default';
		const lease: AccessCheck[] = ['get', 'create', 'update'].map(verb => ({verb, kind: 'Lease', namespace: leaseNamespace}));
		if (!flags.readonly) await checkAccess(connection, [...controllerAccess(namespace), ...(options.requireLease ? lease : [])]);
	} catch (error) {
		if (error instanceof ConnectionError) {
			io.stderr(error.message);
			return exitCodes.badInput;
		}
		throw error;
	}
	return new Runtime(flags, connection, namespace, options);
}

class Runtime implements ClusterRuntime {
	readonly store: KubeStore;
	readonly clock: Clock;
	readonly events = new EventLog();
	readonly series = new MetricSeries();
	readonly identity = holderIdentity();
	private readonly elector: LeaderElector;
	private readonly workloads: DeploymentWorkloads;
	private readonly ports: ClusterPorts;
	private readonly listeners = new Set<() => void>();
	private controller?: Controller;
	private controllerFor = '';
	private flaggers: FlaggerController[] = [];
	private scanTimer?: Timer;
	private stopped = false;
	/** Serialises controller swaps: a stop must finish before the next start. */
	private swapping: Promise<void> = Promise.resolve();
	private scanError?: string;

	constructor(
		private readonly flags: RuntimeFlags,
		readonly connection: Connection,
		readonly namespace: string | undefined,
		private readonly options: RuntimeOptions,
	) {
		this.clock = options.clock ?? realClock(1);
		this.store = new KubeStore({kc: connection.kc, namespace, kinds: options.kinds, onWatchError: (kind, error) => options.log?.('error', `watch ${kind}: ${error.message}`)});
		this.workloads = new DeploymentWorkloads({store: this.store, now: () => this.clock.now(), newId: randomUUID});
		this.ports = clusterPorts({flags, clock: this.clock, store: this.store, workloads: this.workloads, events: this.events});
		this.elector = new LeaderElector({
			store: this.store,
			clock: this.clock,
			namespace: namespace ?? flags.leaseNamespace ?? 'default',
			name: leaseName,
			identity: this.identity,
			timings: options.timings,
			observeOnly: flags.readonly === true,
			onChange: state => {
				if (state.leader) options.log?.('info', `successfully acquired lease ${this.leaseWhere()}`);
				else if (state.error) options.log?.('error', `lease ${this.leaseWhere()}: ${state.error}`);
				else if (state.holder) options.log?.('info', `observing: ${state.holder} holds lease ${this.leaseWhere()}`);
				this.reconcile();
			},
		});
	}

	flagger(): readonly FlaggerController[] {
		return this.flaggers;
	}

	role(): string {
		return roleText({readonly: this.flags.readonly === true, leadership: this.elector.state(), flagger: flaggerNotice(this.flaggers, this.namespace), wholeScope: this.namespace !== undefined});
	}

	subscribe(listener: () => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	async start(): Promise<void> {
		this.stopped = false;
		this.store.watch(() => {});
		try {
			await this.scanFlagger();
			await this.store.synced();
		} catch (error) {
			await this.store.close();
			throw explain(error, this.connection);
		}
		await this.elector.start();
	}

	async stop(): Promise<void> {
		this.stopped = true;
		this.scanTimer?.cancel();
		this.reconcile();
		await this.swapping;
		// The controller is idle: hand the lease over so another instance takes over now.
		await this.elector.stop();
		this.ports.close();
		await this.store.close();
	}

	private leaseWhere(): string {
		return `${this.namespace ?? this.flags.leaseNamespace ?? 'default'}/${leaseName}`;
	}

	private async scanFlagger(): Promise<void> {
		try {
			const found = flaggerControllers(await this.store.list('Deployment'));
			this.scanError = undefined;
			if (JSON.stringify(found) !== JSON.stringify(this.flaggers)) {
				this.flaggers = found;
				for (const flagger of found) this.options.log?.('info', `Flagger ${flagger.deployment} is running (watches ${flagger.watches ?? 'all namespaces'}): its canaries are read-only here`);
				this.reconcile();
			}
		} catch (error) {
			// Not allowed to list Deployments cluster-wide: Flagger cannot be seen; say so once.
			const message = (error as Error).message;
			if (message !== this.scanError) this.options.log?.('error', `cannot look for a running Flagger: ${message}`);
			this.scanError = message;
		}
		if (!this.stopped) this.scanTimer = this.clock.setTimeout(() => void this.scanFlagger(), flaggerScanMs);
	}

	/** Runs the Controller exactly when leading and something is left to drive. */
	private reconcile(): void {
		const ownedByFlagger = this.namespace !== undefined && flaggerFor(this.flaggers, this.namespace) !== undefined;
		const want = !this.stopped && !this.flags.readonly && this.elector.state().leader && !ownedByFlagger;
		const scope = want ? JSON.stringify(this.flaggers) : '';
		if (scope === this.controllerFor && want === (this.controller !== undefined)) return this.notify();
		this.controllerFor = scope;
		const previous = this.controller;
		this.controller = want ? this.newController() : undefined;
		const next = this.controller;
		// Stop first (at once: no new tick starts), let a tick in flight finish, then start.
		previous?.stop();
		this.swapping = this.swapping.then(async () => {
			await previous?.whenIdle();
			if (next && this.controller === next) await next.start().catch(error => this.options.log?.('error', `controller: ${(error as Error).message}`));
		});
		this.notify();
	}

	private newController(): Controller {
		const flaggers = this.flaggers;
		const options: ControllerOptions = {
			clock: this.clock,
			store: this.store,
			workloads: this.workloads,
			namespace: this.namespace,
			leaveAlone: namespace => flaggerFor(flaggers, namespace) !== undefined,
			...this.ports.options,
			log: (canary, message) => this.options.log?.('error', `${canary}: ${message}`),
			onMetric: (canary, metric, kind, answer) => this.series.record(`${canary.metadata.name}.${canary.metadata.namespace}`, metric.name, kind, answer, this.clock.now()),
		};
		return new Controller(this.options.decorate ? this.options.decorate(options) : options);
	}

	private notify(): void {
		for (const listener of this.listeners) listener();
	}
}
