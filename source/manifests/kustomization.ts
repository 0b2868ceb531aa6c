// The namespace of the kustomization folder a manifest sits in, so `simulate apps/podinfo/canary.yaml`
// names the canary podinfo.apps as `kubectl apply -k apps/podinfo` would. Files of the folder
// that the kustomization does not list yet (abtest.yaml in the seed, until the A/B switch)
// get the same namespace: they are meant for the same place.
import {readFile, stat} from 'node:fs/promises';
import {dirname, join} from 'node:path';
import {parse} from 'yaml';
import {MAX_MANIFEST_BYTES} from '../core/spec/load-manifests.js';

const names = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

export async function kustomizationNamespaceFor(file: string): Promise<string | undefined> {
	for (const name of names) {
		let text: string;
		try {
			const path = join(dirname(file), name);
			// Only its namespace is wanted: a kustomization over the manifest limit is not read at all.
			if ((await stat(path)).size > MAX_MANIFEST_BYTES) return undefined;
			text = await readFile(path, 'utf8');
		} catch {
			continue;
		}
		try {
			const kustomization = parse(text) as {namespace?: unknown} | null;
			return typeof kustomization?.namespace === 'string' ? kustomization.namespace : undefined;
		} catch {
			return undefined;
		}
	}
	return undefined;
}
