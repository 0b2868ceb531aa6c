// The namespace of the kustomization folder a manifest sits in, so `simulate apps/podinfo/canary.yaml`
// names the canary podinfo.apps as `kubectl apply -k apps/podinfo` would. Files of the folder
// that the kustomization does not list yet (abtest.yaml in the seed, until the A/B switch)
// get the same namespace: they are meant for the same place.
import {readFile} from 'node:fs/promises';
import {dirname, join} from 'node:path';
import {parse} from 'yaml';

const names = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

export async function kustomizationNamespaceFor(file: string): Promise<string | undefined> {
	for (const name of names) {
		let text: string;
		try {
			text = await readFile(join(dirname(file), name), 'utf8');
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
