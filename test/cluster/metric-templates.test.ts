/**
 * Cluster mode's metrics on the real API (scripts/local-cluster.sh): PrometheusMetrics over
 * KubeStore reads MetricTemplates (checked by the real CRD on create) and their Secrets (which
 * the API serves base64, whatever was sent as stringData) from a fresh namespace, and queries a
 * local server speaking the Prometheus API with the template's address, headers and token;
 * then the whole Controller analyses a Blue/Green release through it (about a minute).
 */
import {randomBytes} from 'node:crypto';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {realClock} from '../../source/clock.js';
import type {Canary, CanaryMetric} from '../../source/core/spec/types.js';
import {KubeStore} from '../../source/kube/kube-store.js';
import {PrometheusMetrics} from '../../source/metrics/prometheus/prometheus-metrics.js';
import {json, startPrometheusStub, vector, type PrometheusStub} from '../metrics/prometheus-api-stub.js';
import {Harness, until} from './controller-harness.js';
import {detect, required} from './detect-cluster.js';

const detected = await detect();
if (!detected.connection) {
	const bar = '!'.repeat(96);
	console.warn(`${bar}\n!!  SKIPPING the MetricTemplate cluster test: ${detected.reason}\n!!  Start the real API server first:  eval "$(scripts/local-cluster.sh up)"\n${bar}`);
}
describe.runIf(required && !detected.connection)('MetricTemplate cluster test (required by CANARY_TUI_CLUSTER=1)', () => {
	it('is reachable', () => {
		throw new Error(`CANARY_TUI_CLUSTER=1 but no usable cluster: ${detected.reason}`);
	});
});

describe.skipIf(!detected.connection)('MetricTemplates and Secrets from the real API', () => {
	const namespace = `mt7-${randomBytes(3).toString('hex')}`;
	let admin: KubeStore;
	let stub: PrometheusStub;
	let port: PrometheusMetrics;

	const canary = (metrics: CanaryMetric[]) =>
		({
			apiVersion: 'flagger.app/v1beta1',
			kind: 'Canary',
			metadata: {name: 'podinfo', namespace},
			spec: {targetRef: {apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo'}, service: {port: 9898}, analysis: {interval: '10s', stepWeight: 10, metrics}},
		}) as Canary;

	beforeAll(async () => {
		const connection = detected.connection!;
		admin = new KubeStore({kc: connection.kc});
		stub = await startPrometheusStub();
		await admin.create({apiVersion: 'v1', kind: 'Namespace', metadata: {name: namespace}});
		await admin.create({apiVersion: 'v1', kind: 'Secret', metadata: {name: 'prom-auth', namespace}, stringData: {token: 'tok-from-the-cluster'}});
		await admin.create({
			apiVersion: 'flagger.app/v1beta1',
			kind: 'MetricTemplate',
			metadata: {name: 'error-rate', namespace},
			spec: {
				provider: {type: 'prometheus', address: `${stub.url}/tenant`, headers: {'X-Scope-OrgID': ['team-a']}, secretRef: {name: 'prom-auth'}},
				query: 'sum(rate(requests{namespace="{{ namespace }}",code=~"{{ variables.code }}"}[{{ interval }}]))',
			},
		});
		await admin.create({apiVersion: 'flagger.app/v1beta1', kind: 'MetricTemplate', metadata: {name: 'dd', namespace}, spec: {provider: {type: 'datadog'}, query: 'avg:errors{*}'}});
		port = new PrometheusMetrics({store: admin, clock: realClock(1), address: 'http://127.0.0.1:1'});
	});

	afterAll(async () => {
		await stub?.close();
		await admin?.delete('Namespace', '', namespace).catch(() => {});
		await admin?.close();
	});

	it('reads the template and its Secret, and queries the template\'s server with its headers and token', async () => {
		stub.answer((query, response) => json(response, vector(query === 'vector(1)' ? '1' : '0.25')));
		const metric: CanaryMetric = {name: 'error-rate', templateRef: {name: 'error-rate'}, templateVariables: {code: '5.*'}, interval: '1m', thresholdRange: {max: 1}};
		expect(await port.check(canary([metric]))).toEqual({ok: true});
		expect(await port.query(canary([metric]), metric, 'template', '1m')).toEqual({ok: true, value: 0.25});
		expect(stub.seen.map(seen => [seen.path, seen.query, seen.headers.authorization, seen.headers['x-scope-orgid']])).toEqual([
			['/tenant/api/v1/query', 'vector(1)', 'Bearer tok-from-the-cluster', 'team-a'],
			['/tenant/api/v1/query', `sum(rate(requests{namespace="${namespace}",code=~"5.*"}[1m]))`, 'Bearer tok-from-the-cluster', 'team-a'],
		]);
	});

	it('a missing template and a datadog one fail with Flagger\'s events', async () => {
		const missing: CanaryMetric = {name: 'latency', templateRef: {name: 'latency'}};
		expect(await port.query(canary([missing]), missing, 'template', '')).toMatchObject({event: `Metric template latency.${namespace} error: metrictemplate.flagger.app "latency" not found`});
		const datadog: CanaryMetric = {name: 'dd', templateRef: {name: 'dd'}};
		expect(await port.query(canary([datadog]), datadog, 'template', '')).toMatchObject({
			event: `Metric template dd.${namespace} provider datadog error: provider type "datadog" is not supported by canary-tui: only prometheus MetricTemplates can be queried`,
		});
	});
});

describe.skipIf(!detected.connection)('the Controller analyses through a MetricTemplate on the real API', () => {
	let stub: PrometheusStub;
	let harness: Harness | undefined;
	beforeAll(async () => (stub = await startPrometheusStub()));
	afterAll(async () => {
		await harness?.stop();
		await stub?.close();
	});

	it('checks the provider at initialization, advances on good values, rolls back on bad ones', async () => {
		let errorRate = '0.2';
		stub.answer((query, response) => json(response, vector(query === 'vector(1)' ? '1' : errorRate)));
		harness = await Harness.start({
			connection: detected.connection!,
			prefix: 'mt7-run',
			extra: [
				{apiVersion: 'v1', kind: 'Secret', metadata: {name: 'prom-auth'}, stringData: {username: 'ann', password: 'pw-in-cluster'}},
				{apiVersion: 'flagger.app/v1beta1', kind: 'MetricTemplate', metadata: {name: 'error-rate'}, spec: {provider: {type: 'prometheus', address: stub.url, secretRef: {name: 'prom-auth'}}, query: 'errors{ns="{{ namespace }}",target="{{ target }}"}'}},
			],
			spec: seed => ({
				...seed,
				provider: 'kubernetes',
				progressDeadlineSeconds: 60,
				service: {port: 9898, targetPort: 9898},
				analysis: {interval: '10s', threshold: 2, iterations: 3, metrics: [{name: 'error-rate', templateRef: {name: 'error-rate'}, thresholdRange: {max: 1}}]},
			}),
			metrics: (store, clock) => new PrometheusMetrics({store, clock, address: 'http://127.0.0.1:1'}),
		});
		const h = harness;
		await h.waitPhase('Initialized', 90_000);
		expect(h.messages()).toContain('all the metrics providers are available!');
		await h.setImage('ghcr.io/stefanprodan/podinfo:5.0.1');
		await until('a first iteration on a good value', 90_000, () => h.messages().some(m => m === `Advance podinfo.${h.namespace} canary iteration 1/3`), h.describeState);
		errorRate = '5';
		await h.waitPhase('Failed', 90_000);
		const messages = h.messages();
		expect(messages.filter(m => m.startsWith('Halt'))).toEqual([`Halt podinfo.${h.namespace} advancement error-rate 5.00 > 1`, `Halt podinfo.${h.namespace} advancement error-rate 5.00 > 1`]);
		expect(messages).toContain(`Rolling back podinfo.${h.namespace} failed checks threshold reached 2`);
		const queries = stub.seen.filter(seen => seen.query !== 'vector(1)');
		expect(queries[0]!.query).toBe(`errors{ns="${h.namespace}",target="podinfo"}`);
		expect(queries.every(seen => seen.headers.authorization === `Basic ${Buffer.from('ann:pw-in-cluster').toString('base64')}`)).toBe(true);
	}, 300_000);
});
