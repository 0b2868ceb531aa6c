// MetricTemplates (and the Secrets they name) in the demo's kustomization folder: validated like
// `simulate --template`, applied to the in-memory API server for `demo --prometheus`, and edits
// to them re-applied. A bad template rejects the edit with its file and field.
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {formatSpecError} from '../../source/core/spec/load-canaries.js';
import {MemoryStore} from '../../source/local/cluster/memory-store.js';
import {applyRendered} from '../../source/local/gitops/apply.js';
import {renderFolder} from '../../source/local/gitops/kustomization.js';
import {writeSeedFolder} from '../../source/local/gitops/seed-folder.js';

let parent: string;
let dir: string;

beforeAll(async () => {
	parent = await mkdtemp(join(tmpdir(), 'prometheus-templates-'));
});

afterAll(async () => {
	await rm(parent, {recursive: true, force: true});
});

const template = (type = 'prometheus', query = 'sum(rate(envoy_cluster_upstream_rq{kubernetes_namespace="{{ namespace }}",envoy_response_code=~"5.*"}[{{ interval }}]))') => `apiVersion: flagger.app/v1beta1
kind: MetricTemplate
metadata:
  name: error-rate
spec:
  provider:
    type: ${type}
    address: http://127.0.0.1:9090
    secretRef:
      name: prom-auth
  query: |
    ${query}
`;

const secret = (token: string) => `apiVersion: v1
kind: Secret
metadata:
  name: prom-auth
stringData:
  token: ${token}
`;

async function addResources(files: Record<string, string>): Promise<void> {
	for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
	const kustomization = join(dir, 'kustomization.yaml');
	const text = await readFile(kustomization, 'utf8');
	await writeFile(kustomization, text.replace('resources:\n', `resources:\n${Object.keys(files).map(name => `  - ${name}\n`).join('')}`));
}

beforeEach(async () => {
	dir = await writeSeedFolder(parent);
});

describe('MetricTemplates in the demo folder', () => {
	it('are applied, in the kustomization namespace, with the Secret they name', async () => {
		await addResources({'metric-template.yaml': template(), 'secret.yaml': secret('s3cr3t')});
		const rendered = await renderFolder(dir);
		expect(rendered.errors.map(formatSpecError)).toEqual([]);
		const store = new MemoryStore(() => 0);
		await applyRendered(store, rendered.objects, new Map());
		const applied = await store.get('MetricTemplate', 'apps', 'error-rate');
		expect(applied?.spec).toMatchObject({provider: {type: 'prometheus', address: 'http://127.0.0.1:9090', secretRef: {name: 'prom-auth'}}});
		expect(applied?.spec.query).toContain('[{{ interval }}]');
		expect((await store.get('Secret', 'apps', 'prom-auth'))?.['stringData']).toEqual({token: 's3cr3t'});
	});

	it('re-applies an edited template query and an edited Secret', async () => {
		await addResources({'metric-template.yaml': template(), 'secret.yaml': secret('first')});
		const store = new MemoryStore(() => 0);
		const last = await applyRendered(store, (await renderFolder(dir)).objects, new Map());
		await writeFile(join(dir, 'metric-template.yaml'), template('prometheus', 'vector(42)'));
		await writeFile(join(dir, 'secret.yaml'), secret('second'));
		await applyRendered(store, (await renderFolder(dir)).objects, last);
		expect((await store.get('MetricTemplate', 'apps', 'error-rate'))?.spec.query.trim()).toBe('vector(42)');
		expect((await store.get('Secret', 'apps', 'prom-auth'))?.['stringData']).toEqual({token: 'second'});
	});

	it('refuses a provider canary-tui cannot query, naming the file, field and type', async () => {
		await addResources({'metric-template.yaml': template('datadog')});
		const rendered = await renderFolder(dir);
		expect(rendered.errors.map(formatSpecError)).toEqual([
			'metric-template.yaml: spec.provider.type: provider type "datadog" is not supported by canary-tui: only prometheus MetricTemplates can be queried',
		]);
		expect(rendered.objects.some(entry => entry.object['kind'] === 'MetricTemplate')).toBe(false);
	});

	it('refuses a template without a query, like the CRD schema does', async () => {
		await addResources({'metric-template.yaml': template().replace(/ {2}query: \|\n.*\n/, '')});
		const rendered = await renderFolder(dir);
		expect(rendered.errors.map(formatSpecError)).toEqual(['metric-template.yaml: spec.query: required field is missing']);
	});
});
