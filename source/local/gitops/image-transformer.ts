// kustomize's `images` transformer, for the pod templates of workload objects.
import {isObject} from '../../core/spec/schema-validate.js';

export type ImageOverride = {name: string; newName?: string; newTag?: string};

/** An image reference split as kustomize's image.Split does: a registry port is not a tag. */
export function splitImage(image: string): {name: string; tag: string; digest: string} {
	const slash = Math.max(image.indexOf('/'), 0);
	const search = image.slice(slash);
	const at = search.indexOf('@');
	const colon = search.indexOf(':');
	if (colon < 0 && at < 0) return {name: image, tag: '', digest: ''};
	if (at >= 0 && (at < colon || colon < 0)) return {name: image.slice(0, slash + at), tag: '', digest: image.slice(slash + at + 1)};
	if (at >= 0) return {name: image.slice(0, slash + colon), tag: image.slice(slash + colon + 1, slash + at), digest: image.slice(slash + at + 1)};
	return {name: image.slice(0, slash + colon), tag: image.slice(slash + colon + 1), digest: ''};
}

/** The image after one override, or undefined when the override does not name it. */
export function overrideImage(image: string, override: ImageOverride): string | undefined {
	const parts = splitImage(image);
	if (parts.name !== override.name) return undefined;
	// A new tag replaces both the tag and the digest, as in kustomize.
	const tag = override.newTag ?? parts.tag;
	const digest = override.newTag === undefined ? parts.digest : '';
	return `${override.newName ?? parts.name}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`;
}

const podSpecPaths: Record<string, string[]> = {
	Deployment: ['spec', 'template', 'spec'],
	StatefulSet: ['spec', 'template', 'spec'],
	DaemonSet: ['spec', 'template', 'spec'],
	ReplicaSet: ['spec', 'template', 'spec'],
	Job: ['spec', 'template', 'spec'],
	CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
	Pod: ['spec'],
};

/** Rewrites container and initContainer images of a workload object in place. */
export function applyImages(object: Record<string, unknown>, overrides: readonly ImageOverride[]): void {
	const path = podSpecPaths[object['kind'] as string];
	if (!path || !overrides.length) return;
	let podSpec: unknown = object;
	for (const key of path) podSpec = isObject(podSpec) ? podSpec[key] : undefined;
	if (!isObject(podSpec)) return;
	for (const field of ['containers', 'initContainers']) {
		const containers = podSpec[field];
		if (!Array.isArray(containers)) continue;
		for (const container of containers) {
			if (!isObject(container) || typeof container['image'] !== 'string') continue;
			for (const override of overrides) container['image'] = overrideImage(container['image'] as string, override) ?? container['image'];
		}
	}
}
