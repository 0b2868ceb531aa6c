// One driver, many viewers: client-go's Lease lock (coordination.k8s.io/v1) over the
// ObjectStore port and the Clock. `decideLease` is the pure rule (given the Lease, the time and
// who we are: create, renew, acquire or wait); `LeaderElector` runs it every few seconds with
// optimistic concurrency on the Lease's resourceVersion, so two candidates racing for an
// expired Lease cannot both win: the second write is a Conflict.
import {hostname} from 'node:os';
import {randomBytes} from 'node:crypto';
import type {Clock, Timer} from '../clock.js';
import {ApiError, type KubeObject, type ObjectStore} from './objects.js';

export type LeaseSpec = {
	holderIdentity?: string;
	leaseDurationSeconds?: number;
	acquireTime?: string;
	renewTime?: string;
	leaseTransitions?: number;
};

export type LeaseDecision =
	| {action: 'create' | 'renew' | 'acquire'; spec: LeaseSpec}
	/** Someone else holds a live lease until `expiresAt` (epoch ms). */
	| {action: 'wait'; holder: string; expiresAt: number};

/** Timings (ms). Flagger uses 60/15/5 s; a terminal tool should hand over faster. */
export type LeaseTimings = {durationMs: number; renewMs: number; retryMs: number; renewDeadlineMs: number};
export const defaultLeaseTimings: LeaseTimings = {durationMs: 15_000, renewMs: 5_000, retryMs: 2_000, renewDeadlineMs: 10_000};

/** Kubernetes MicroTime: RFC 3339 with exactly six fractional digits. */
export const microTime = (ms: number) => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

/** `<host>_<pid>_<random>`: the host and process a person can find, made unique per run. */
export function holderIdentity(host = hostname(), pid = process.pid, unique = randomBytes(2).toString('hex')): string {
	return `${host}_${pid}_${unique}`;
}

/**
 * What a candidate does with the Lease it read (undefined: none exists). A lease is live until
 * renewTime + leaseDurationSeconds; an empty holder is a lease released on shutdown.
 */
export function decideLease(lease: LeaseSpec | undefined, now: number, identity: string, durationMs: number): LeaseDecision {
	const fresh = (transitions: number): LeaseSpec => ({
		holderIdentity: identity,
		leaseDurationSeconds: Math.round(durationMs / 1000),
		acquireTime: microTime(now),
		renewTime: microTime(now),
		leaseTransitions: transitions,
	});
	if (!lease) return {action: 'create', spec: fresh(0)};
	const holder = lease.holderIdentity ?? '';
	if (holder === identity) return {action: 'renew', spec: {...lease, leaseDurationSeconds: Math.round(durationMs / 1000), renewTime: microTime(now)}};
	const renewed = lease.renewTime ? Date.parse(lease.renewTime) : NaN;
	const expiresAt = renewed + (lease.leaseDurationSeconds ?? 0) * 1000;
	if (holder !== '' && Number.isFinite(expiresAt) && expiresAt > now) return {action: 'wait', holder, expiresAt};
	return {action: 'acquire', spec: fresh((lease.leaseTransitions ?? 0) + 1)};
}

export type Leadership = {
	/** This process holds the lease. */
	leader: boolean;
	/** Who holds it, when someone does (this process included). */
	holder?: string;
	/** Why the last attempt failed (a Forbidden write, an unreachable server), if it did. */
	error?: string;
};

export type LeaderElectorOptions = {
	store: ObjectStore;
	clock: Clock;
	namespace: string;
	name: string;
	identity: string;
	timings?: Partial<LeaseTimings>;
	/** Read the Lease to know who leads, never write it (`--readonly`). */
	observeOnly?: boolean;
	onChange?: (state: Leadership) => void;
};

export class LeaderElector {
	private readonly timings: LeaseTimings;
	private current: Leadership = {leader: false};
	private timer?: Timer;
	private stopped = false;
	private lastRenew = 0;
	private attempt?: Promise<void>;

	constructor(private readonly options: LeaderElectorOptions) {
		this.timings = {...defaultLeaseTimings, ...options.timings};
	}

	get identity(): string {
		return this.options.identity;
	}

	state(): Leadership {
		return this.current;
	}

	/** Tries at once (resolves after that first try), then every renew (leader) or retry (candidate) period. */
	async start(): Promise<void> {
		this.stopped = false;
		this.attempt = this.tryOnce();
		await this.attempt;
		this.attempt = undefined;
		this.schedule(this.current.leader ? this.timings.renewMs : this.timings.retryMs);
	}

	/** One round: read the Lease, decide, write. Exposed so tests can step it on a ManualClock. */
	async tryOnce(): Promise<void> {
		const {store, clock, namespace, name, identity} = this.options;
		const now = clock.now();
		try {
			const object = await store.get('Lease', namespace, name);
			const decision = decideLease(object?.spec, now, identity, this.timings.durationMs);
			if (decision.action === 'wait') return this.set({leader: false, holder: decision.holder});
			if (this.options.observeOnly) return this.set({leader: false});
			if (decision.action === 'create') {
				await store.create({apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: {name, namespace}, spec: decision.spec});
			} else {
				await store.update({...(object as KubeObject), spec: decision.spec});
			}
			this.lastRenew = now;
			this.set({leader: true, holder: identity});
		} catch (error) {
			const lost = error instanceof ApiError && (error.reason === 'Conflict' || error.reason === 'AlreadyExists');
			// Another candidate wrote first: it is the leader now. Any other failure: a leader keeps
			// its role until the renew deadline, so that one dropped request does not stop a release.
			if (lost) this.set({leader: false});
			else if (!this.current.leader) this.set({leader: false, holder: this.current.holder, error: (error as Error).message});
			else if (now - this.lastRenew >= this.timings.renewDeadlineMs) this.set({leader: false, error: (error as Error).message});
		}
	}

	/**
	 * Stops campaigning; a leader hands the lease back (empty holder) so that another instance
	 * takes over at its next retry instead of waiting for the lease to expire.
	 */
	async stop(): Promise<void> {
		this.stopped = true;
		this.timer?.cancel();
		await this.attempt;
		if (!this.current.leader) return;
		const {store, namespace, name, identity} = this.options;
		try {
			const object = await store.get('Lease', namespace, name);
			if (object?.spec?.holderIdentity === identity) {
				await store.update({...object, spec: {...object.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: microTime(this.options.clock.now())}});
			}
		} catch {
			// Not released: the others take over when it expires.
		}
		this.set({leader: false});
	}

	private schedule(delay: number): void {
		if (this.stopped) return;
		this.timer = this.options.clock.setTimeout(() => {
			this.attempt = this.tryOnce().finally(() => {
				this.attempt = undefined;
				this.schedule(this.current.leader ? this.timings.renewMs : this.timings.retryMs);
			});
		}, delay);
	}

	private set(next: Leadership): void {
		const before = this.current;
		this.current = next;
		if (before.leader !== next.leader || before.holder !== next.holder || before.error !== next.error) this.options.onChange?.(next);
	}
}
