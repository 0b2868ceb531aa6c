// FlaggerMetrics on its own: what each Canary change does to the exposition, Flagger's names and
// label sets, the series of a deleted canary going away (fluxcd/flagger#1029), and a body that
// Prometheus' own checker accepts.
import {describe, expect, it} from 'vitest';
import type {Canary, Phase} from '../../source/core/spec/types.js';
import type {KubeObject, WatchEvent} from '../../source/kube/objects.js';
import {FlaggerMetrics, observedRouter} from '../../source/observability/flagger-metrics.js';
import {flaggerTotalLint, promtoolProblems} from '../support/promtool.js';

const canary = (name: string, phase: Phase | undefined, spec: Partial<Canary['spec']> = {}, namespace = 'apps'): KubeObject => ({
	apiVersion: 'flagger.app/v1beta1',
	kind: 'Canary',
	metadata: {name, namespace},
	spec: {targetRef: {apiVersion: 'apps/v1', kind: 'Deployment', name: `${name}-app`}, service: {port: 9898}, analysis: {interval: '10s', threshold: 2, stepWeight: 10, maxWeight: 50}, ...spec},
	...(phase === undefined ? {} : {status: {phase}}),
});
const event = (type: WatchEvent['type'], object: KubeObject): WatchEvent => ({type, object});
const asCanary = (object: KubeObject) => object as unknown as Canary;

/** The sample lines of one metric family, without HELP/TYPE. */
const samples = (text: string, name: string) => text.split('\n').filter(line => line.startsWith(`${name}{`) || line.startsWith(`${name} `));

function walk(metrics: FlaggerMetrics, name: string, phases: Array<Phase | undefined>, spec: Partial<Canary['spec']> = {}) {
	phases.forEach((phase, index) => metrics.observe(event(index === 0 ? 'ADDED' : 'MODIFIED', canary(name, phase, spec))));
}

describe('FlaggerMetrics', () => {
	it('renders flagger_info and an empty registry as valid families', () => {
		const text = new FlaggerMetrics({version: '0.1.0', meshProvider: 'kubernetes'}).render();
		expect(samples(text, 'flagger_info')).toEqual(['flagger_info{version="0.1.0",mesh_provider="kubernetes"} 1']);
		expect(text).toContain('# TYPE flagger_canary_duration_seconds histogram');
		expect(text).toContain('# TYPE flagger_canary_successes_total counter');
	});

	it('sets flagger_canary_status by targetRef.name: 0 Progressing, 2 Failed, 1 for every other phase', () => {
		const metrics = new FlaggerMetrics({version: 'v', meshProvider: 'm'});
		const statusOf = (phase: Phase | undefined) => {
			metrics.observe(event('MODIFIED', canary('web', phase)));
			return samples(metrics.render(), 'flagger_canary_status');
		};
		expect(statusOf('Progressing')).toEqual(['flagger_canary_status{name="web-app",namespace="apps"} 0']);
		expect(statusOf('Failed')).toEqual(['flagger_canary_status{name="web-app",namespace="apps"} 2']);
		for (const phase of ['Initializing', 'Initialized', 'Waiting', 'WaitingPromotion', 'Promoting', 'Finalising', 'Succeeded', undefined] as const) {
			expect(statusOf(phase), String(phase)).toEqual(['flagger_canary_status{name="web-app",namespace="apps"} 1']);
		}
	});

	it('counts successes and failures on transitions, with the strategy and whether analysis was skipped', () => {
		const metrics = new FlaggerMetrics({version: 'v', meshProvider: 'm'});
		walk(metrics, 'web', ['Initialized', 'Progressing', 'Promoting', 'Finalising', 'Succeeded', 'Succeeded', 'Progressing', 'Failed']);
		walk(metrics, 'bg', ['Initialized', 'Progressing', 'Succeeded'], {analysis: {interval: '10s', threshold: 2, iterations: 3}});
		walk(metrics, 'ab', ['Initialized', 'Progressing', 'Failed'], {analysis: {interval: '10s', threshold: 2, iterations: 3, match: [{headers: {x: {exact: '1'}}}]}});
		walk(metrics, 'skip', ['Initialized', 'Progressing', 'Succeeded'], {skipAnalysis: true});
		const text = metrics.render();
		expect(samples(text, 'flagger_canary_successes_total')).toEqual([
			'flagger_canary_successes_total{name="bg-app",namespace="apps",deployment_strategy="blue-green",analysis_status="completed"} 1',
			'flagger_canary_successes_total{name="skip-app",namespace="apps",deployment_strategy="canary",analysis_status="skipped"} 1',
			'flagger_canary_successes_total{name="web-app",namespace="apps",deployment_strategy="canary",analysis_status="completed"} 1',
		]);
		expect(samples(text, 'flagger_canary_failures_total')).toEqual([
			'flagger_canary_failures_total{name="ab-app",namespace="apps",deployment_strategy="ab-testing",analysis_status="completed"} 1',
			'flagger_canary_failures_total{name="web-app",namespace="apps",deployment_strategy="canary",analysis_status="completed"} 1',
		]);
	});

	it('counts nothing for a canary first seen already Succeeded or Failed (a restart, a relist)', () => {
		const metrics = new FlaggerMetrics({version: 'v', meshProvider: 'm'});
		metrics.observe(event('ADDED', canary('done', 'Succeeded')));
		metrics.observe(event('ADDED', canary('broken', 'Failed')));
		metrics.observe(event('MODIFIED', canary('done', 'Succeeded')));
		const text = metrics.render();
		expect(samples(text, 'flagger_canary_successes_total')).toEqual([]);
		expect(samples(text, 'flagger_canary_failures_total')).toEqual([]);
		expect(samples(text, 'flagger_canary_status')).toContain('flagger_canary_status{name="broken-app",namespace="apps"} 2');
	});

	it('keeps one phase gauge per canary at 1, and drops every gauge of a deleted canary (flagger#1029)', () => {
		const metrics = new FlaggerMetrics({version: 'v', meshProvider: 'm'});
		walk(metrics, 'web', ['Initialized', 'Progressing', 'Failed']);
		metrics.observe(event('ADDED', canary('api', 'Progressing', {}, 'other')));
		metrics.routes(asCanary(canary('web', 'Failed')), 100, 0);
		metrics.metric(asCanary(canary('web', 'Failed')), {name: 'error-rate'}, 'template', {ok: true, value: 7.5});
		let text = metrics.render();
		const phase = samples(text, 'canary_tui_canary_phase').filter(line => line.includes('name="web"'));
		expect(phase).toHaveLength(11);
		expect(phase.filter(line => line.endsWith(' 1'))).toEqual(['canary_tui_canary_phase{name="web",namespace="apps",target="web-app",phase="Failed"} 1']);
		expect(samples(text, 'flagger_canary_total')).toEqual(['flagger_canary_total{namespace="apps"} 1', 'flagger_canary_total{namespace="other"} 1']);

		metrics.observe(event('DELETED', canary('web', 'Failed')));
		text = metrics.render();
		expect(text).not.toMatch(/(status|weight|metric_analysis|phase)\{[^}]*(name|workload)="web/);
		expect(samples(text, 'flagger_canary_total')).toEqual(['flagger_canary_total{namespace="apps"} 0', 'flagger_canary_total{namespace="other"} 1']);
		// What happened stays counted.
		expect(samples(text, 'flagger_canary_failures_total')).toHaveLength(1);
		expect(samples(text, 'canary_tui_canary_phase').filter(line => line.endsWith(' 1'))).toEqual(['canary_tui_canary_phase{name="api",namespace="other",target="api-app",phase="Progressing"} 1']);
	});

	it('records route weights from the router for target and target-primary', async () => {
		const metrics = new FlaggerMetrics({version: 'v', meshProvider: 'm'});
		const web = asCanary(canary('web', 'Progressing'));
		metrics.observe(event('ADDED', web as unknown as KubeObject));
		let failing = false;
		const router = observedRouter(
			{
				reconcile: async () => ({ok: true}),
				getRoutes: async () => ({ok: true, primary: 90, canary: 10, mirrored: false}),
				setRoutes: async () => (failing ? {ok: false, error: 'conflict'} : {ok: true}),
			},
			metrics,
		);
		await router.getRoutes(web);
		expect(samples(metrics.render(), 'flagger_canary_weight')).toEqual(['flagger_canary_weight{workload="web-app-primary",namespace="apps"} 90', 'flagger_canary_weight{workload="web-app",namespace="apps"} 10']);
		await router.setRoutes(web, 80, 20, false);
		expect(samples(metrics.render(), 'flagger_canary_weight')[1]).toBe('flagger_canary_weight{workload="web-app",namespace="apps"} 20');
		failing = true;
		await router.setRoutes(web, 70, 30, false);
		expect(samples(metrics.render(), 'flagger_canary_weight')[1]).toBe('flagger_canary_weight{workload="web-app",namespace="apps"} 20');
	});

	it('keeps the last value read per metric, request-duration in seconds, failed reads ignored', () => {
		const metrics = new FlaggerMetrics({version: 'v', meshProvider: 'm'});
		const web = asCanary(canary('web', 'Progressing'));
		metrics.observe(event('ADDED', web as unknown as KubeObject));
		metrics.metric(web, {name: 'request-success-rate'}, 'request-success-rate', {ok: true, value: 99.5});
		metrics.metric(web, {name: 'request-duration'}, 'request-duration', {ok: true, value: 250});
		metrics.metric(web, {name: 'request-success-rate'}, 'request-success-rate', {ok: false, noData: true, error: 'no values found'});
		expect(samples(metrics.render(), 'flagger_canary_metric_analysis')).toEqual([
			'flagger_canary_metric_analysis{name="web-app",namespace="apps",metric="request-success-rate"} 99.5',
			'flagger_canary_metric_analysis{name="web-app",namespace="apps",metric="request-duration"} 0.25',
		]);
	});

	it('fills the tick histogram with cumulative buckets, sum and count', () => {
		const metrics = new FlaggerMetrics({version: 'v', meshProvider: 'm'});
		metrics.observe(event('ADDED', canary('web', 'Progressing')));
		for (const seconds of [0.003, 0.04, 0.04, 3, 12]) metrics.tick('apps', 'web', seconds);
		const lines = samples(metrics.render(), 'flagger_canary_duration_seconds_bucket');
		const count = (le: string) => Number(lines.find(line => line.includes(`le="${le}"`))!.split(' ').at(-1));
		expect([count('0.005'), count('0.025'), count('0.05'), count('2.5'), count('5'), count('10'), count('+Inf')]).toEqual([1, 1, 3, 3, 4, 4, 5]);
		const text = metrics.render();
		expect(samples(text, 'flagger_canary_duration_seconds_count')).toEqual(['flagger_canary_duration_seconds_count{name="web-app",namespace="apps"} 5']);
		expect(Number(samples(text, 'flagger_canary_duration_seconds_sum')[0]!.split(' ')[1])).toBeCloseTo(15.083, 6);
	});

	it('escapes label values and passes promtool check metrics', () => {
		const metrics = new FlaggerMetrics({version: 'v"1\\2', meshProvider: 'appmesh:v1beta2'});
		walk(metrics, 'web', ['Initialized', 'Progressing', 'Succeeded', 'Progressing', 'Failed']);
		metrics.observe(event('ADDED', canary('api', 'Progressing', {}, 'other')));
		const web = asCanary(canary('web', 'Failed'));
		metrics.metric(web, {name: 'line\nbreak "quoted" \\ back'}, 'template', {ok: true, value: Number.NaN});
		metrics.routes(web, 100, 0);
		metrics.tick('apps', 'web', 0.02);
		const text = metrics.render();
		expect(samples(text, 'flagger_info')).toEqual(['flagger_info{version="v\\"1\\\\2",mesh_provider="appmesh:v1beta2"} 1']);
		expect(text).toContain('metric="line\\nbreak \\"quoted\\" \\\\ back"} NaN');
		// The one problem allowed is Flagger's own name: a gauge called flagger_canary_total, kept for its dashboards.
		expect(promtoolProblems(text)).toEqual([flaggerTotalLint]);
	});
});
