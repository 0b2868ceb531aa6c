// The slice of the Kubernetes API the controller uses, as a port: the embedded cluster
// implements it in memory, cluster mode with @kubernetes/client-node. Errors carry the
// API's reasons so callers can tell a conflict from a missing object.

export type Metadata = {
	name: string;
	namespace?: string;
	labels?: Record<string, string>;
	annotations?: Record<string, string>;
	resourceVersion?: string;
	generation?: number;
	uid?: string;
	creationTimestamp?: string;
	ownerReferences?: Array<{apiVersion: string; kind: string; name: string; uid: string; controller?: boolean}>;
};

export type KubeObject = {
	apiVersion: string;
	kind: string;
	metadata: Metadata;
	spec?: any;
	status?: any;
	[key: string]: unknown;
};

export type WatchEvent = {type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: KubeObject};

export class ApiError extends Error {
	constructor(
		readonly reason: 'NotFound' | 'AlreadyExists' | 'Conflict' | 'Invalid' | 'Forbidden' | 'Unavailable',
		message: string,
	) {
		super(message);
	}
}

export interface ObjectStore {
	get(kind: string, namespace: string, name: string): Promise<KubeObject | undefined>;
	list(kind: string, namespace?: string): Promise<KubeObject[]>;
	create(object: KubeObject): Promise<KubeObject>;
	/** Replaces spec and metadata; fails with Conflict when resourceVersion is stale. */
	update(object: KubeObject): Promise<KubeObject>;
	/** Replaces status only (the status subresource). */
	updateStatus(object: KubeObject): Promise<KubeObject>;
	delete(kind: string, namespace: string, name: string): Promise<void>;
	watch(listener: (event: WatchEvent) => void): () => void;
}
