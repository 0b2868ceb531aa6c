// The dashboard's view of the embedded demo: snapshots of the canaries built from the local
// cluster, requests written as annotations for the controller, and the demo-only keys.
import {readFile} from 'node:fs/promises';
import {join} from 'node:path';
import {parse} from 'yaml';
import {ApiError} from '../kube/objects.js';
import type {ManualAction} from '../core/engine/manual-actions.js';
import {encodeRequest, requestAnnotation} from '../controller/requests.js';
import type {DashboardSnapshot, DashboardSource, DemoActions} from '../ui/source.js';
import {canaryView} from '../ui/view-model.js';
import type {LocalDemo} from './demo.js';
import {editKustomization} from './seed-script.js';

const deploymentImage = (demo: LocalDemo, namespace: string, name: string): string | undefined =>
	demo.store.getSync('Deployment', namespace, name)?.spec?.template?.spec?.containers?.[0]?.image;

export function demoDashboard(demo: LocalDemo, options: {dir: string; requester: string; readonly: boolean; url?: string; notifyEveryMs?: number}): DashboardSource {
	const {clock} = demo;
	const listeners = new Set<() => void>();
	let cached: DashboardSnapshot | undefined;
	let pending: NodeJS.Timeout | undefined;
	const changed = () => {
		cached = undefined;
		if (pending) return;
		// Many writes land in one tick; one repaint is enough.
		pending = setTimeout(() => {
			pending = undefined;
			for (const listener of listeners) listener();
		}, options.notifyEveryMs ?? 100);
		pending.unref?.();
	};
	const unsubscribe = [
		demo.store.watch(event => {
			if (event.object.kind === 'Canary' || event.object.kind === 'Deployment') changed();
		}),
		demo.events.subscribe(changed),
		demo.series.subscribe(changed),
	];

	const snapshot = (): DashboardSnapshot => {
		cached ??= {
			now: clock.now(),
			canaries: demo.canaries().map(canary => {
				const namespace = canary.metadata.namespace!;
				const key = `${canary.metadata.name}.${namespace}`;
				return canaryView({
					canary,
					targetImage: deploymentImage(demo, namespace, canary.spec.targetRef.name),
					primaryImage: deploymentImage(demo, namespace, `${canary.spec.targetRef.name}-primary`),
					events: demo.events.events(key),
					series: metric => demo.series.of(key, metric)?.points ?? [],
				});
			}),
		};
		return cached;
	};

	const request = async (action: ManualAction, key: string): Promise<string> => {
		const canary = demo.canaries().find(c => `${c.metadata.name}.${c.metadata.namespace}` === key);
		if (!canary) return `${key} is gone`;
		for (let attempt = 0; attempt < 5; attempt++) {
			const object = demo.store.getSync('Canary', canary.metadata.namespace!, canary.metadata.name);
			if (!object) return `${key} is gone`;
			object.metadata.annotations = {...object.metadata.annotations, [requestAnnotation]: encodeRequest(action, options.requester, new Date(clock.now()).toISOString())};
			try {
				await demo.store.update(object);
				return `${action} of ${key} requested`;
			} catch (error) {
				if (!(error instanceof ApiError && error.reason === 'Conflict')) return (error as Error).message;
			}
		}
		return `${action} of ${key}: too many conflicting writes, try again`;
	};

	return {
		context: options.url ? `demo ${options.url.replace(/^http:\/\//, '')}` : 'demo',
		namespace: demo.canaries()[0]?.metadata.namespace ?? 'apps',
		allNamespaces: false,
		role: 'local',
		readonly: options.readonly,
		requester: options.requester,
		now: () => clock.now(),
		snapshot,
		subscribe(listener) {
			listeners.add(listener);
			return () => {
				listeners.delete(listener);
				if (listeners.size === 0) {
					for (const stop of unsubscribe) stop();
					clearTimeout(pending);
				}
			};
		},
		request,
		demo: demoActions(demo, options.dir),
	};
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
