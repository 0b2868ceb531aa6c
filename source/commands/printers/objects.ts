// `-o json|yaml` like kubectl: one object as it is, several as a `v1 List`; keys sorted (kubectl
// prints unstructured objects from maps), managedFields left out, JSON indented by four.
import YAML from 'yaml';
import type {KubeObject} from '../../kube/objects.js';
import {terminalSafeJson} from '../../text/sanitize.js';

export type ObjectFormat = 'json' | 'yaml';

function sorted(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(sorted);
	if (value === null || typeof value !== 'object') return value;
	return Object.fromEntries(
		Object.keys(value)
			.sort()
			.map(key => [key, sorted((value as Record<string, unknown>)[key])]),
	);
}

function withoutManagedFields(object: KubeObject): KubeObject {
	const {managedFields: _managedFields, ...metadata} = object.metadata as KubeObject['metadata'] & {managedFields?: unknown};
	return {...object, metadata};
}

export function asList(objects: KubeObject[]): unknown {
	return {apiVersion: 'v1', kind: 'List', items: objects, metadata: {resourceVersion: ''}};
}

/** The text to print for one object or a List (no trailing newline). */
export function formatObjects(value: KubeObject | KubeObject[], format: ObjectFormat): string {
	const data = sorted(Array.isArray(value) ? asList(value.map(withoutManagedFields)) : withoutManagedFields(value));
	return format === 'json' ? terminalSafeJson(JSON.stringify(data, null, 4)) : YAML.stringify(data, {version: '1.1', lineWidth: 0, indentSeq: false}).trimEnd();
}
