// The embedded cluster's controller-manager and kubelet for Deployments: it creates pods
// for each template revision, makes them ready after the readiness probe's initial delay
// and available after minReadySeconds, rolls updates out (new pods first, old ones go when
// the new ones are available, as with maxUnavailable 0), and writes Deployment status.
import type {Clock, Timer} from '../../clock.js';
import {templateHash} from '../../core/workloads/template-hash.js';
import type {KubeObject} from '../../kube/objects.js';
import type {MemoryStore} from './memory-store.js';
import {rfc3339} from '../../core/format/rfc3339.js';

export type Pod = {
	name: string;
	namespace: string;
	deployment: string;
	labels: Record<string, string>;
	revision: string;
	image: string;
	createdAt: number;
	readyAt: number;
	availableAt: number;
};

export type PodListener = {added(pod: Pod): void; removed(pod: Pod): void};

const suffixAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

export class DeploymentSimulator {
	private readonly pods = new Map<string, Pod[]>();
	private readonly timers = new Map<string, Timer>();
	private readonly unavailableSince = new Map<string, number>();
	private readonly generations = new Map<string, number | undefined>();
	private readonly stopWatching: () => void;
	private readonly podListeners = new Set<PodListener>();

	constructor(
		private readonly store: MemoryStore,
		private readonly clock: Clock,
		private readonly random: () => number = Math.random,
	) {
		this.stopWatching = store.watch(event => {
			if (event.object.kind !== 'Deployment') return;
			if (event.type === 'DELETED') return this.remove(event.object);
			// Our own status writes come back as MODIFIED events: only spec changes matter.
			const id = `${event.object.metadata.namespace}/${event.object.metadata.name}`;
			if (this.generations.get(id) === event.object.metadata.generation) return;
			this.reconcile(event.object);
		});
		for (const deployment of store.listSync('Deployment')) this.reconcile(deployment);
	}

	onPods(listener: PodListener): () => void {
		this.podListeners.add(listener);
		for (const pods of this.pods.values()) for (const pod of pods) listener.added(pod);
		return () => this.podListeners.delete(listener);
	}

	podsOf(namespace: string): Pod[] {
		return [...this.pods.values()].flat().filter(pod => pod.namespace === namespace);
	}

	allPods(): Pod[] {
		return [...this.pods.values()].flat();
	}

	isReady(pod: Pod): boolean {
		return this.clock.now() >= pod.readyAt;
	}

	stop(): void {
		this.stopWatching();
		for (const timer of this.timers.values()) timer.cancel();
		for (const [id, pods] of this.pods) {
			for (const pod of pods) this.emitRemoved(pod);
			this.pods.delete(id);
		}
	}

	private reconcile(deployment: KubeObject): void {
		const id = `${deployment.metadata.namespace}/${deployment.metadata.name}`;
		this.generations.set(id, deployment.metadata.generation);
		const now = this.clock.now();
		const spec = deployment.spec ?? {};
		const replicas: number = spec.replicas ?? 1;
		const revision = templateHash(spec.template);
		let pods = this.pods.get(id) ?? [];

		const current = pods.filter(pod => pod.revision === revision);
		const old = pods.filter(pod => pod.revision !== revision);
		const excess = current.length - replicas;
		if (excess > 0) {
			for (const pod of current.splice(current.length - excess)) this.emitRemoved(pod);
		}
		while (current.length < replicas) {
			const pod = this.newPod(deployment, revision, now);
			current.push(pod);
			this.emitAdded(pod);
		}
		// maxUnavailable 0: old pods stay until every new pod is available.
		const rolledOut = current.every(pod => pod.availableAt <= now);
		const keptOld = rolledOut || replicas === 0 ? [] : old;
		for (const pod of old) if (!keptOld.includes(pod)) this.emitRemoved(pod);
		pods = [...keptOld, ...current];
		this.pods.set(id, pods);
		void this.writeStatus(deployment, pods, revision, now);
		this.scheduleNext(id, deployment, pods, now);
	}

	private newPod(deployment: KubeObject, revision: string, now: number): Pod {
		const template = deployment.spec?.template ?? {};
		const container = template.spec?.containers?.[0] ?? {};
		const delay = (container.readinessProbe?.initialDelaySeconds ?? 0) * 1000;
		const minReady = (deployment.spec?.minReadySeconds ?? 0) * 1000;
		const suffix = Array.from({length: 5}, () => suffixAlphabet[Math.floor(this.random() * suffixAlphabet.length)]).join('');
		return {
			name: `${deployment.metadata.name}-${revision}-${suffix}`,
			namespace: deployment.metadata.namespace!,
			deployment: deployment.metadata.name,
			labels: {...(template.metadata?.labels ?? {}), 'pod-template-hash': revision},
			revision,
			image: container.image ?? '',
			createdAt: now,
			readyAt: now + delay,
			availableAt: now + delay + minReady,
		};
	}

	private scheduleNext(id: string, deployment: KubeObject, pods: Pod[], now: number): void {
		this.timers.get(id)?.cancel();
		const next = pods.flatMap(pod => [pod.readyAt, pod.availableAt]).filter(t => t > now);
		if (next.length === 0) return;
		const at = Math.min(...next);
		this.timers.set(
			id,
			this.clock.setTimeout(() => {
				const latest = this.store.getSync('Deployment', deployment.metadata.namespace!, deployment.metadata.name);
				if (latest) this.reconcile(latest);
			}, at - now),
		);
	}

	private async writeStatus(deployment: KubeObject, pods: Pod[], revision: string, now: number): Promise<void> {
		const id = `${deployment.metadata.namespace}/${deployment.metadata.name}`;
		const replicas: number = deployment.spec?.replicas ?? 1;
		const updated = pods.filter(pod => pod.revision === revision);
		const available = pods.filter(pod => pod.availableAt <= now).length;
		const isAvailable = available >= replicas;
		if (isAvailable) this.unavailableSince.delete(id);
		else if (!this.unavailableSince.has(id)) this.unavailableSince.set(id, now);
		const complete = updated.length === replicas && pods.length === replicas && updated.every(pod => pod.availableAt <= now);
		const status = {
			observedGeneration: deployment.metadata.generation ?? 1,
			replicas: pods.length,
			updatedReplicas: updated.length,
			readyReplicas: pods.filter(pod => pod.readyAt <= now).length,
			availableReplicas: available,
			unavailableReplicas: Math.max(0, pods.length - available),
			conditions: [
				isAvailable
					? {type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', lastUpdateTime: rfc3339(now)}
					: {type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', lastUpdateTime: rfc3339(this.unavailableSince.get(id)!)},
				{type: 'Progressing', status: 'True', reason: complete ? 'NewReplicaSetAvailable' : 'ReplicaSetUpdated', lastUpdateTime: rfc3339(now)},
			],
		};
		const latest = this.store.getSync('Deployment', deployment.metadata.namespace!, deployment.metadata.name);
		if (!latest || latest.metadata.generation !== deployment.metadata.generation) return;
		await this.store.updateStatus({...latest, status});
	}

	private remove(deployment: KubeObject): void {
		const id = `${deployment.metadata.namespace}/${deployment.metadata.name}`;
		this.timers.get(id)?.cancel();
		for (const pod of this.pods.get(id) ?? []) this.emitRemoved(pod);
		this.pods.delete(id);
		this.generations.delete(id);
	}

	private emitAdded(pod: Pod): void {
		for (const listener of this.podListeners) listener.added(pod);
	}

	private emitRemoved(pod: Pod): void {
		for (const listener of this.podListeners) listener.removed(pod);
	}
}
