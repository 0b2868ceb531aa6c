// `kubectl apply` for the embedded cluster: create what is new, and for what exists change
// only the fields whose rendered value changed since the last apply (a three-way merge at
// the level of spec's top-level fields), so a re-apply does not undo what the controller
// did — Flagger scaling the target to zero survives an unchanged `replicas: 2`.
import {canonicalJson} from '../../core/workloads/template-hash.js';
import {ApiError, type KubeObject} from '../../kube/objects.js';
import type {MemoryStore} from '../cluster/memory-store.js';
import type {RenderedObject} from './kustomization.js';

const idOf = (o: KubeObject) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`;
const same = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);
const objectFields = new Set(['apiVersion', 'kind', 'metadata', 'spec', 'status']);

export async function applyRendered(store: MemoryStore, rendered: RenderedObject[], lastApplied: Map<string, KubeObject>): Promise<Map<string, KubeObject>> {
	const applied = new Map<string, KubeObject>();
	for (const {object} of rendered) {
		const desired = object as KubeObject;
		const id = idOf(desired);
		applied.set(id, desired);
		const previous = lastApplied.get(id);
		if (previous && same(previous, desired)) continue;
		for (let attempt = 0; attempt < 3; attempt++) {
			const live = store.getSync(desired.kind, desired.metadata.namespace!, desired.metadata.name);
			try {
				if (!live) await store.create(desired);
				else await store.update(merge(live, desired, previous));
				break;
			} catch (error) {
				if (!(error instanceof ApiError && error.reason === 'Conflict')) throw error;
			}
		}
	}
	return applied;
}

function merge(live: KubeObject, desired: KubeObject, previous: KubeObject | undefined): KubeObject {
	const spec = {...live.spec};
	for (const [key, value] of Object.entries(desired.spec ?? {})) {
		if (!previous || !same(previous.spec?.[key], value)) spec[key] = value;
	}
	for (const key of Object.keys(previous?.spec ?? {})) {
		if (!(key in (desired.spec ?? {}))) delete spec[key];
	}
	const merged: KubeObject = {
		...live,
		spec,
		metadata: {
			...live.metadata,
			labels: desired.metadata.labels ?? live.metadata.labels,
			annotations: desired.metadata.annotations ?? live.metadata.annotations,
		},
	};
	// A Secret's data and stringData, a ConfigMap's data: as rendered, when that changed.
	for (const key of new Set([...Object.keys(desired), ...Object.keys(previous ?? {})])) {
		if (objectFields.has(key) || (previous && same(previous[key], desired[key]))) continue;
		if (key in desired) merged[key] = desired[key];
		else delete merged[key];
	}
	return merged;
}
