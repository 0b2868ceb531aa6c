// A spec or metadata change with Kubernetes' optimistic concurrency: read, change, write, and
// on a conflict read again and re-apply the change (client-go's RetryOnConflict).
import {ApiError, type KubeObject, type ObjectStore} from './objects.js';

export type UpdateOutcome = {ok: true} | {ok: false; reason: 'NotFound' | 'Conflict' | 'Failed'; error: string};

export async function updateWithRetry(store: ObjectStore, kind: string, namespace: string, name: string, change: (object: KubeObject) => void, attempts = 5): Promise<UpdateOutcome> {
	for (let attempt = 0; attempt < attempts; attempt++) {
		const object = await store.get(kind, namespace, name);
		if (!object) return {ok: false, reason: 'NotFound', error: `${kind} ${name}.${namespace} not found`};
		change(object);
		try {
			await store.update(object);
			return {ok: true};
		} catch (error) {
			if (!(error instanceof ApiError && error.reason === 'Conflict')) return {ok: false, reason: 'Failed', error: (error as Error).message};
		}
	}
	return {ok: false, reason: 'Conflict', error: `${kind} ${name}.${namespace}: too many conflicting writes`};
}
