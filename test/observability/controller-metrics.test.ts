// FlaggerMetrics fed the way `canary-tui controller` feeds it (the Canary watch, onMetric,
// onTick, the router wrapped by observedRouter), while the Controller releases the seed's podinfo
// on the in-memory API server and a manual clock: what /metrics shows during and after a release.
import {readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {parseAllDocuments} from 'yaml';
import {ManualClock} from '../../source/clock.js';
import type {MetricAnswer} from '../../source/core/engine/ops.js';
import {Controller} from '../../source/controller/controller.js';
import {DeploymentWorkloads} from '../../source/controller/deployment-workloads.js';
import {EventLog} from '../../source/events/event-log.js';
import type {KubeObject} from '../../source/kube/objects.js';
import {DeploymentSimulator} from '../../source/local/cluster/deployment-simulator.js';
import {MemoryStore} from '../../source/local/cluster/memory-store.js';
import {FlaggerMetrics, observedRouter} from '../../source/observability/flagger-metrics.js';
import {manualTicks} from '../support/manual-ticks.js';
import {AppMeshRouter} from '../../source/routers/appmesh-router.js';

const fixture = (file: string) =>
	parseAllDocuments(readFileSync(new URL(`../fixtures/podinfo/${file}`, import.meta.url), 'utf8')).map(doc => doc.toJS() as KubeObject);
const value = (text: string, series: string) => {
	const line = text.split('\n').find(each => each.startsWith(`${series} `));
	return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

describe('FlaggerMetrics fed by the Controller', () => {
	it('follows a release: weights step by step, metric values, tick durations, then one success', async () => {
		const clock = new ManualClock();
		const store = new MemoryStore(() => clock.now());
		new DeploymentSimulator(store, clock, () => 0.5);
		for (const file of ['deployment.yaml', 'hpa.yaml', 'canary.yaml']) {
			for (const object of fixture(file)) await store.create({...object, metadata: {...object.metadata, namespace: 'apps'}});
		}
		const metrics = new FlaggerMetrics({version: '0.1.0', meshProvider: 'appmesh:v1beta2'});
		store.watch(event => metrics.observe(event));
		let ids = 0;
		const workloads = new DeploymentWorkloads({store, now: () => clock.now(), newId: () => `id-${++ids}`});
		const router = observedRouter(new AppMeshRouter(store, async canary => (await workloads.selector(canary)).label), metrics);
		const controller = new Controller({
			clock,
			store,
			workloads,
			router: () => router,
			events: new EventLog(),
			metrics: {
				check: async () => ({ok: true}),
				query: async (_canary, _metric, kind): Promise<MetricAnswer> => ({ok: true, value: kind === 'request-duration' ? 120 : 99.9}),
			},
			webhooks: {call: async () => ({ok: true})},
			onMetric: (canary, metric, kind, answer) => metrics.metric(canary, metric, kind, answer),
			onTick: (namespace, name, seconds) => metrics.tick(namespace, name, seconds),
		});
		await controller.start();
		const run = manualTicks(clock, controller);
		const phase = () => store.getSync('Canary', 'apps', 'podinfo')?.status?.phase;

		await run(30);
		expect(phase()).toBe('Initialized');
		let text = metrics.render();
		expect(value(text, 'flagger_canary_status{name="podinfo",namespace="apps"}')).toBe(1);
		// No route read yet: the weights come from the status.
		expect(value(text, 'flagger_canary_weight{workload="podinfo-primary",namespace="apps"}')).toBe(100);
		expect(value(text, 'flagger_canary_weight{workload="podinfo",namespace="apps"}')).toBe(0);

		const target = store.getSync('Deployment', 'apps', 'podinfo')!;
		target.spec.template.spec.containers[0].image = 'ghcr.io/stefanprodan/podinfo:5.0.1';
		await store.update(target);
		const weights: number[] = [];
		let sawProgressing = false;
		for (let s = 0; s < 400 && phase() !== 'Succeeded'; s++) {
			await run(1);
			text = metrics.render();
			const weight = value(text, 'flagger_canary_weight{workload="podinfo",namespace="apps"}')!;
			if (weight !== weights.at(-1)) weights.push(weight);
			if (value(text, 'flagger_canary_status{name="podinfo",namespace="apps"}') === 0) sawProgressing = true;
		}
		expect(phase()).toBe('Succeeded');
		expect(sawProgressing).toBe(true);
		expect(weights).toEqual([0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 0]);
		text = metrics.render();
		expect(value(text, 'flagger_canary_weight{workload="podinfo-primary",namespace="apps"}')).toBe(100);
		expect(value(text, 'flagger_canary_metric_analysis{name="podinfo",namespace="apps",metric="request-success-rate"}')).toBe(99.9);
		expect(value(text, 'flagger_canary_metric_analysis{name="podinfo",namespace="apps",metric="request-duration"}')).toBe(0.12);
		expect(value(text, 'flagger_canary_successes_total{name="podinfo",namespace="apps",deployment_strategy="canary",analysis_status="completed"}')).toBe(1);
		expect(text).not.toContain('flagger_canary_failures_total{');
		expect(value(text, 'canary_tui_canary_phase{name="podinfo",namespace="apps",target="podinfo",phase="Succeeded"}')).toBe(1);
		// One observation per tick: at least one per 15s interval of the release.
		const ticks = value(text, 'flagger_canary_duration_seconds_count{name="podinfo",namespace="apps"}')!;
		expect(ticks).toBeGreaterThanOrEqual(12);
		expect(value(text, 'flagger_canary_duration_seconds_bucket{name="podinfo",namespace="apps",le="+Inf"}')).toBe(ticks);
		controller.stop();
	});
});
