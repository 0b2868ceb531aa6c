// The dashboard of the embedded demo: the generic store dashboard plus the demo-only keys
// (ship the next version, switch policy, inject errors or latency into the canary).
import {readFile} from 'node:fs/promises';
import {join} from 'node:path';
import {parse} from 'yaml';
import {storeDashboard} from '../dashboard/store-dashboard.js';
import type {DashboardSource, DemoActions} from '../ui/source.js';
import type {LocalDemo} from './demo.js';
import {editKustomization} from './seed-script.js';

export function demoDashboard(demo: LocalDemo, options: {dir: string; requester: string; readonly: boolean; url?: string}): DashboardSource {
	return storeDashboard(
		{
			store: demo.store,
			canaries: () => demo.canaries(),
			deploymentImage: (namespace, name) => demo.store.getSync('Deployment', namespace, name)?.spec?.template?.spec?.containers?.[0]?.image,
			events: demo.events,
			series: demo.series,
			now: () => demo.clock.now(),
		},
		{
			context: options.url ? `demo ${options.url.replace(/^http:\/\//, '')}` : 'demo',
			namespace: demo.canaries()[0]?.metadata.namespace ?? 'apps',
			allNamespaces: false,
			role: 'local',
			readonly: options.readonly,
			requester: options.requester,
			demo: demoActions(demo, options.dir),
		},
	);
}

function demoActions(demo: LocalDemo, dir: string): DemoActions {
	const kustomization = async () => parse(await readFile(join(dir, 'kustomization.yaml'), 'utf8')) as {resources?: string[]; images?: Array<{newTag?: string}>};
	return {
		async next() {
			const current = String((await kustomization()).images?.[0]?.newTag ?? '5.0.0');
			const parts = current.split('.');
			const last = Number(parts.at(-1));
			const next = Number.isInteger(last) ? [...parts.slice(0, -1), String(last + 1)].join('.') : `${current}-1`;
			await editKustomization(dir, ['images', 0, 'newTag'], next);
			return `shipping podinfo ${next} (images[0].newTag in kustomization.yaml)`;
		},
		async togglePolicy() {
			const current = (await kustomization()).resources?.[0];
			const next = current === 'abtest.yaml' ? 'canary.yaml' : 'abtest.yaml';
			await editKustomization(dir, ['resources', 0], next);
			return `policy: ${next === 'abtest.yaml' ? 'A/B test (Firefox and curl users)' : 'canary (weighted)'} from the next release`;
		},
		toggleErrors() {
			demo.canaryFaults.errorRate = demo.canaryFaults.errorRate > 0 ? 0 : 0.1;
			return demo.canaryFaults.errorRate > 0 ? 'the canary now answers 10% of requests with HTTP 500' : 'the canary stopped failing requests';
		},
		toggleSlow() {
			demo.canaryFaults.extraLatencyMs = demo.canaryFaults.extraLatencyMs > 0 ? 0 : 1500;
			return demo.canaryFaults.extraLatencyMs > 0 ? 'the canary now answers 1.5s late' : 'the canary answers at full speed again';
		},
	};
}
