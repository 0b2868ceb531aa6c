// Flagger's config tracker (pkg/canary/config_tracker.go, semantics §3.2, §8.1–8.2), pure:
// the ConfigMaps and Secrets a pod spec references, which of them count, their checksums
// (SHA-256 of Go's encoding/json of `.data`) and the pod spec rewritten to the primary copies.
import {createHash} from 'node:crypto';

export type ConfigKind = 'configmap' | 'secret';

export type ConfigReference = {
	kind: ConfigKind;
	name: string;
	/** True only when every reference to the object is optional. */
	optional: boolean;
};

/** `configmap/<name>` or `secret/<name>`, the key of `status.trackedConfigs`. */
export const configKey = (kind: ConfigKind, name: string) => `${kind}/${name}`;

export const trackingAnnotation = 'flagger.app/config-tracking';

/** Secret types Flagger tracks; registry secrets and service-account tokens are ignored. */
export const trackedSecretTypes: readonly string[] = ['Opaque', 'kubernetes.io/basic-auth', 'kubernetes.io/ssh-auth', 'kubernetes.io/tls'];

type Obj = Record<string, any>;

const containersOf = (podSpec: Obj | undefined): Obj[] => [...(podSpec?.containers ?? []), ...(podSpec?.initContainers ?? [])];

/** Every ConfigMap and Secret the pod spec references, in first-seen order. */
export function configReferences(podSpec: Obj | undefined): ConfigReference[] {
	const found = new Map<string, ConfigReference>();
	const add = (kind: ConfigKind, name: unknown, optional: unknown) => {
		if (typeof name !== 'string' || name === '') return;
		const key = configKey(kind, name);
		const isOptional = optional === true;
		const existing = found.get(key);
		if (existing) existing.optional &&= isOptional;
		else found.set(key, {kind, name, optional: isOptional});
	};
	for (const volume of podSpec?.volumes ?? []) {
		if (volume?.configMap) add('configmap', volume.configMap.name, volume.configMap.optional);
		if (volume?.secret) add('secret', volume.secret.secretName, volume.secret.optional);
		for (const source of volume?.projected?.sources ?? []) {
			if (source?.configMap) add('configmap', source.configMap.name, source.configMap.optional);
			if (source?.secret) add('secret', source.secret.name, source.secret.optional);
		}
	}
	for (const container of containersOf(podSpec)) {
		for (const env of container?.env ?? []) {
			const from = env?.valueFrom;
			if (from?.configMapKeyRef) add('configmap', from.configMapKeyRef.name, from.configMapKeyRef.optional);
			if (from?.secretKeyRef) add('secret', from.secretKeyRef.name, from.secretKeyRef.optional);
		}
		for (const envFrom of container?.envFrom ?? []) {
			if (envFrom?.configMapRef) add('configmap', envFrom.configMapRef.name, envFrom.configMapRef.optional);
			if (envFrom?.secretRef) add('secret', envFrom.secretRef.name, envFrom.secretRef.optional);
		}
	}
	return [...found.values()];
}

/** Whether a referenced object counts: not annotation-disabled and, for Secrets, of a tracked type. */
export function isTracked(kind: ConfigKind, object: {metadata?: {annotations?: Record<string, string>}; type?: unknown}): boolean {
	const annotation = object.metadata?.annotations?.[trackingAnnotation];
	if (typeof annotation === 'string' && annotation.startsWith('disable')) return false;
	if (kind === 'secret') {
		// The API server defaults an empty type to Opaque.
		const type = typeof object.type === 'string' && object.type !== '' ? object.type : 'Opaque';
		return trackedSecretTypes.includes(type);
	}
	return true;
}

const hex = '0123456789abcdef';

/** A string as Go's encoding/json writes it (HTML escaping on, U+2028/U+2029 escaped). */
export function goJsonString(text: string): string {
	let out = '"';
	for (let i = 0; i < text.length; i++) {
		const code = text.charCodeAt(i);
		if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
			const next = text.charCodeAt(i + 1);
			if (next >= 0xdc00 && next <= 0xdfff) {
				out += text[i]! + text[i + 1]!;
				i++;
				continue;
			}
		}
		if (code >= 0xd800 && code <= 0xdfff) {
			// A lone surrogate is invalid UTF-8 in Go, which writes the replacement character.
			out += '\\ufffd';
			continue;
		}
		switch (code) {
			case 0x22:
				out += '\\"';
				continue;
			case 0x5c:
				out += '\\\\';
				continue;
			case 0x08:
				out += '\\b';
				continue;
			case 0x0c:
				out += '\\f';
				continue;
			case 0x0a:
				out += '\\n';
				continue;
			case 0x0d:
				out += '\\r';
				continue;
			case 0x09:
				out += '\\t';
				continue;
			case 0x2028:
				out += '\\u2028';
				continue;
			case 0x2029:
				out += '\\u2029';
				continue;
		}
		if (code < 0x20 || code === 0x3c || code === 0x3e || code === 0x26) {
			out += `\\u00${hex[code >> 4]}${hex[code & 0xf]}`;
			continue;
		}
		out += text[i]!;
	}
	return `${out}"`;
}

/** Go's encoding/json of a map[string]string (nil → null): keys sorted by their UTF-8 bytes. */
export function goJsonStringMap(data: Record<string, string> | null | undefined): string {
	if (data === null || data === undefined) return 'null';
	const keys = Object.keys(data).sort((a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
	return `{${keys.map(key => `${goJsonString(key)}:${goJsonString(String(data[key]))}`).join(',')}}`;
}

/** First 8 bytes (16 hex chars) of SHA-256 of the Go JSON encoding of `.data`. */
export function configChecksum(data: Record<string, string> | null | undefined): string {
	return createHash('sha256').update(goJsonStringMap(data), 'utf8').digest('hex').slice(0, 16);
}

export const primaryConfigName = (name: string) => `${name}-primary`;

/** Accepts trackedConfigs (`configmap/<name>` → checksum), a list/set of such keys, or references. */
export type TrackedSet = Record<string, unknown> | Iterable<string | {kind: ConfigKind; name: string}>;

function trackedKeys(tracked: TrackedSet): Set<string> {
	const keys = new Set<string>();
	const iterable = Symbol.iterator in Object(tracked) ? (tracked as Iterable<string | {kind: ConfigKind; name: string}>) : Object.keys(tracked);
	for (const item of iterable) keys.add(typeof item === 'string' ? item : configKey(item.kind, item.name));
	return keys;
}

/** The pod spec with every reference to a tracked ConfigMap or Secret renamed `<name>-primary`. */
export function renameForPrimary<T extends Obj | undefined>(podSpec: T, tracked: TrackedSet): T {
	if (!podSpec) return podSpec;
	const keys = trackedKeys(tracked);
	const spec = structuredClone(podSpec) as Obj;
	const rename = (ref: Obj | undefined, kind: ConfigKind, field: 'name' | 'secretName' = 'name') => {
		if (ref && typeof ref[field] === 'string' && keys.has(configKey(kind, ref[field]))) ref[field] = primaryConfigName(ref[field]);
	};
	for (const volume of spec.volumes ?? []) {
		rename(volume?.configMap, 'configmap');
		rename(volume?.secret, 'secret', 'secretName');
		for (const source of volume?.projected?.sources ?? []) {
			rename(source?.configMap, 'configmap');
			rename(source?.secret, 'secret');
		}
	}
	for (const container of containersOf(spec)) {
		for (const env of container?.env ?? []) {
			rename(env?.valueFrom?.configMapKeyRef, 'configmap');
			rename(env?.valueFrom?.secretKeyRef, 'secret');
		}
		for (const envFrom of container?.envFrom ?? []) {
			rename(envFrom?.configMapRef, 'configmap');
			rename(envFrom?.secretRef, 'secret');
		}
	}
	return spec as T;
}
