// The embedded cluster's API server: objects in memory with Kubernetes' write rules —
// resourceVersion on every write, optimistic concurrency, generation bumped on spec changes,
// a status subresource, and watch events in write order.
import {canonicalJson} from '../../core/workloads/template-hash.js';
import {ApiError, type KubeObject, type ObjectStore, type WatchEvent} from '../../kube/objects.js';
import {rfc3339} from '../../core/format/rfc3339.js';

const key = (kind: string, namespace: string, name: string) => `${kind}/${namespace}/${name}`;
const copy = <T>(value: T): T => structuredClone(value);

export class MemoryStore implements ObjectStore {
	private readonly objects = new Map<string, KubeObject>();
	private readonly listeners = new Set<(event: WatchEvent) => void>();
	private version = 0;
	private uids = 0;

	constructor(private readonly now: () => number) {}

	async get(kind: string, namespace: string, name: string): Promise<KubeObject | undefined> {
		return this.getSync(kind, namespace, name);
	}

	getSync(kind: string, namespace: string, name: string): KubeObject | undefined {
		const found = this.objects.get(key(kind, namespace, name));
		return found && copy(found);
	}

	async list(kind: string, namespace?: string): Promise<KubeObject[]> {
		return this.listSync(kind, namespace);
	}

	listSync(kind: string, namespace?: string): KubeObject[] {
		return [...this.objects.values()].filter(o => o.kind === kind && (namespace === undefined || o.metadata.namespace === namespace)).map(copy);
	}

	async create(object: KubeObject): Promise<KubeObject> {
		const {kind, metadata} = object;
		const namespace = metadata.namespace ?? 'default';
		const id = key(kind, namespace, metadata.name);
		if (this.objects.has(id)) throw new ApiError('AlreadyExists', `${kind.toLowerCase()}s "${metadata.name}" already exists`);
		const stored: KubeObject = {
			...copy(object),
			metadata: {
				...copy(metadata),
				namespace,
				uid: `uid-${++this.uids}`,
				generation: 1,
				resourceVersion: String(++this.version),
				creationTimestamp: rfc3339(this.now()),
			},
		};
		this.objects.set(id, stored);
		this.emit({type: 'ADDED', object: stored});
		return copy(stored);
	}

	async update(object: KubeObject): Promise<KubeObject> {
		const current = this.current(object);
		const specChanged = canonicalJson(current.spec) !== canonicalJson(object.spec);
		const stored: KubeObject = {
			...copy(object),
			status: current.status,
			metadata: {
				...copy(object.metadata),
				namespace: current.metadata.namespace,
				uid: current.metadata.uid,
				creationTimestamp: current.metadata.creationTimestamp,
				generation: (current.metadata.generation ?? 1) + (specChanged ? 1 : 0),
				resourceVersion: String(++this.version),
			},
		};
		return this.replace(stored);
	}

	async updateStatus(object: KubeObject): Promise<KubeObject> {
		const current = this.current(object);
		return this.replace({...current, status: copy(object.status), metadata: {...current.metadata, resourceVersion: String(++this.version)}});
	}

	async delete(kind: string, namespace: string, name: string): Promise<void> {
		const id = key(kind, namespace, name);
		const found = this.objects.get(id);
		if (!found) throw new ApiError('NotFound', `${kind.toLowerCase()}s "${name}" not found`);
		this.objects.delete(id);
		this.emit({type: 'DELETED', object: found});
	}

	watch(listener: (event: WatchEvent) => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	private current(object: KubeObject): KubeObject {
		const namespace = object.metadata.namespace ?? 'default';
		const current = this.objects.get(key(object.kind, namespace, object.metadata.name));
		if (!current) throw new ApiError('NotFound', `${object.kind.toLowerCase()}s "${object.metadata.name}" not found`);
		const expected = object.metadata.resourceVersion;
		if (expected !== undefined && expected !== current.metadata.resourceVersion) {
			throw new ApiError('Conflict', `Operation cannot be fulfilled on ${object.kind.toLowerCase()}s "${object.metadata.name}": the object has been modified; please apply your changes to the latest version and try again`);
		}
		return current;
	}

	private replace(stored: KubeObject): KubeObject {
		this.objects.set(key(stored.kind, stored.metadata.namespace!, stored.metadata.name), stored);
		this.emit({type: 'MODIFIED', object: stored});
		return copy(stored);
	}

	private emit(event: WatchEvent): void {
		for (const listener of this.listeners) listener({type: event.type, object: copy(event.object)});
	}
}
