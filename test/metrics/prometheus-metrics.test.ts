// PrometheusMetrics, the MetricsPort of cluster mode and `demo --prometheus`, against a local
// server speaking the Prometheus API: which server each metric goes to with which query, how
// MetricTemplates and their Secrets are read, and the events a tick then records.
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {realClock} from '../../source/clock.js';
import {runAnalysis} from '../../source/core/engine/analysis.js';
import {makeContext} from '../../source/core/engine/context.js';
import {driveAsync} from '../../source/core/engine/drive.js';
import type {Answer, Op} from '../../source/core/engine/ops.js';
import type {Canary, CanaryMetric} from '../../source/core/spec/types.js';
import {ApiError, type KubeObject} from '../../source/kube/objects.js';
import {PrometheusMetrics, type PrometheusMetricsOptions} from '../../source/metrics/prometheus/prometheus-metrics.js';
import {json, startPrometheusStub, vector, type PrometheusStub} from './prometheus-api-stub.js';

let stub: PrometheusStub;
let other: PrometheusStub;
beforeAll(async () => {
	stub = await startPrometheusStub();
	other = await startPrometheusStub();
});
afterAll(async () => {
	await stub.close();
	await other.close();
});
beforeEach(() => {
	for (const server of [stub, other]) {
		server.seen.length = 0;
		server.answer(() => false);
	}
});

const clock = realClock(1);

function canary(metrics: CanaryMetric[], spec: Partial<Canary['spec']> = {}): Canary {
	return {
		apiVersion: 'flagger.app/v1beta1',
		kind: 'Canary',
		metadata: {name: 'podinfo', namespace: 'apps'},
		spec: {targetRef: {apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo'}, service: {port: 9898}, analysis: {interval: '1m', stepWeight: 5, threshold: 5, metrics}, ...spec},
		status: {phase: 'Progressing', failedChecks: 0, canaryWeight: 10, iterations: 0, lastAppliedSpec: 'a', lastPromotedSpec: 'b', lastTransitionTime: ''},
	} as Canary;
}

function template(name: string, provider: Record<string, unknown>, query: string, namespace = 'apps'): KubeObject {
	return {apiVersion: 'flagger.app/v1beta1', kind: 'MetricTemplate', metadata: {name, namespace}, spec: {provider, query}};
}

function secret(name: string, data: Record<string, string>, namespace = 'apps'): KubeObject {
	const encoded = Object.fromEntries(Object.entries(data).map(([key, value]) => [key, Buffer.from(value).toString('base64')]));
	return {apiVersion: 'v1', kind: 'Secret', metadata: {name, namespace}, data: encoded};
}

/** The port's view of the cluster: `get` over a list of objects; a Forbidden kind throws. */
function store(objects: KubeObject[], forbidden?: string): PrometheusMetricsOptions['store'] {
	return {
		async get(kind, namespace, name) {
			if (kind === forbidden) throw new ApiError('Forbidden', `${kind.toLowerCase()}s "${name}" is forbidden: User "ci" cannot get resource`);
			return objects.find(o => o.kind === kind && o.metadata.namespace === namespace && o.metadata.name === name);
		},
	};
}

const metrics = (objects: KubeObject[] = [], options: Partial<PrometheusMetricsOptions> = {}) => new PrometheusMetrics({store: store(objects), clock, address: stub.url, ...options});

const successRate: CanaryMetric = {name: 'request-success-rate', thresholdRange: {min: 99}, interval: '1m'};
const duration: CanaryMetric = {name: 'request-duration', thresholdRange: {max: 500}, interval: '30s'};

describe('builtin metrics', () => {
	it('App Mesh: the §6.3 query to the global server, value as answered', async () => {
		stub.answer((query, response) => json(response, vector(query.includes('envoy_response_code') ? '99.5' : '212.9')));
		const port = metrics();
		const app = canary([successRate, duration], {provider: 'appmesh:v1beta2'});
		expect(await port.query(app, successRate, 'request-success-rate', '1m')).toEqual({ok: true, value: 99.5});
		expect(await port.query(app, duration, 'request-duration', '30s')).toEqual({ok: true, value: 212.9});
		expect(stub.seen.map(seen => seen.path)).toEqual(['/api/v1/query', '/api/v1/query']);
		expect(stub.seen[0]!.query).toContain('envoy_cluster_upstream_rq{ kubernetes_namespace="apps", kubernetes_pod_name=~"podinfo-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)", envoy_response_code!~"5.*" }[1m]');
		expect(stub.seen[1]!.query).toContain('envoy_cluster_upstream_rq_time_bucket{ kubernetes_namespace="apps", kubernetes_pod_name=~"podinfo-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)" }[30s]');
	});

	it('the mesh provider picks the queries of canaries without spec.provider; unknown ones are Istio', async () => {
		await metrics([], {meshProvider: 'appmesh'}).query(canary([successRate]), successRate, 'request-success-rate', '1m');
		await metrics([], {meshProvider: 'smi:v1alpha3'}).query(canary([successRate]), successRate, 'request-success-rate', '1m');
		expect(stub.seen[0]!.query).toContain('envoy_cluster_upstream_rq{');
		expect(stub.seen[1]!.query).toContain('istio_requests_total{ reporter="destination"');
	});

	it('kubernetes and Gateway API read the application\'s histogram in seconds and answer milliseconds', async () => {
		stub.answer((_query, response) => json(response, vector('0.2505')));
		for (const provider of ['kubernetes', 'gatewayapi:v1']) {
			expect(await metrics().query(canary([duration], {provider}), duration, 'request-duration', '1m')).toEqual({ok: true, value: 250.5});
		}
		expect(stub.seen.every(seen => seen.query.includes('http_request_duration_seconds_bucket{'))).toBe(true);
	});

	it('--speed scales the window: the demo\'s 1m is 3s at --speed 20', async () => {
		await metrics([], {scaleInterval: interval => (interval === '1m' ? '3s' : interval)}).query(canary([successRate], {provider: 'appmesh'}), successRate, 'request-success-rate', '1m');
		expect(stub.seen[0]!.query).toContain('}[3s]');
		expect(stub.seen[0]!.query).not.toContain('[1m]');
	});

	it('spec.metricsServer overrides the global server; an unusable one is Flagger\'s error event', async () => {
		await metrics().query(canary([successRate], {metricsServer: other.url}), successRate, 'request-success-rate', '1m');
		expect(stub.seen).toHaveLength(0);
		expect(other.seen).toHaveLength(1);
		const bad = await metrics().query(canary([successRate], {metricsServer: 'prometheus:9090'}), successRate, 'request-success-rate', '1m');
		expect(bad).toMatchObject({ok: false, noData: false, event: 'Error building Prometheus client for prometheus:9090 prometheus address prometheus:9090 is not a valid URL'});
	});

	it('a provider whose observer canary-tui lacks is a failed check naming it, never Istio\'s numbers', async () => {
		const answer = await metrics().query(canary([successRate], {provider: 'contour'}), successRate, 'request-success-rate', '1m');
		expect(answer).toEqual({ok: false, noData: false, error: "canary-tui has no builtin request-success-rate query for provider contour (Flagger's contour observer); use a MetricTemplate"});
		expect(stub.seen).toHaveLength(0);
	});

	it('inline queries go as written: Flagger does not template them', async () => {
		stub.answer((_query, response) => json(response, vector('3')));
		const inline: CanaryMetric = {name: 'errors', query: 'sum(errors{ns="{{ namespace }}"})', thresholdRange: {max: 5}};
		expect(await metrics().query(canary([inline]), inline, 'query', '1m')).toEqual({ok: true, value: 3});
		expect(stub.seen[0]!.query).toBe('sum(errors{ns="{{ namespace }}"})');
	});
});

describe('MetricTemplates', () => {
	const errorRate: CanaryMetric = {name: 'error-rate', templateRef: {name: 'error-rate'}, templateVariables: {code: '5.*'}, thresholdRange: {max: 1}, interval: '2m'};
	const query = 'sum(rate(requests{namespace="{{ namespace }}",workload="{{ target }}",code=~"{{ variables.code }}"}[{{ interval }}]))';

	it('use the template\'s address, headers and Secret token, with the query rendered', async () => {
		other.answer((_query, response) => json(response, vector('0.5')));
		const objects = [template('error-rate', {type: 'prometheus', address: `${other.url}/tenant`, headers: {'X-Scope-OrgID': ['team-a']}, secretRef: {name: 'prom-auth'}}, query), secret('prom-auth', {token: 'tok-123'})];
		expect(await metrics(objects).query(canary([errorRate]), errorRate, 'template', '2m')).toEqual({ok: true, value: 0.5});
		expect(stub.seen).toHaveLength(0);
		expect(other.seen[0]).toMatchObject({path: '/tenant/api/v1/query', query: 'sum(rate(requests{namespace="apps",workload="podinfo",code=~"5.*"}[2m]))'});
		expect(other.seen[0]!.headers).toMatchObject({authorization: 'Bearer tok-123', 'x-scope-orgid': 'team-a'});
	});

	it('basic auth from the Secret\'s username and password; no address means the global server', async () => {
		const objects = [template('error-rate', {type: 'prometheus', secretRef: {name: 'prom-auth'}}, query), secret('prom-auth', {username: 'ann', password: 'pw'})];
		await metrics(objects).query(canary([errorRate]), errorRate, 'template', '2m');
		expect(stub.seen[0]!.headers.authorization).toBe(`Basic ${Buffer.from('ann:pw').toString('base64')}`);
	});

	it('templateRef.namespace is where both the template and its Secret are read', async () => {
		const shared: CanaryMetric = {...errorRate, templateRef: {name: 'error-rate', namespace: 'monitoring'}};
		const objects = [template('error-rate', {type: 'prometheus', secretRef: {name: 'prom-auth'}}, query, 'monitoring'), secret('prom-auth', {token: 't'}, 'monitoring')];
		expect(await metrics(objects).query(canary([shared]), shared, 'template', '2m')).toEqual({ok: false, noData: true, error: 'no values found'});
	});

	it('each failure before the query is Flagger\'s error event', async () => {
		const cases: Array<[KubeObject[], string]> = [
			[[], 'Metric template error-rate.apps error: metrictemplate.flagger.app "error-rate" not found'],
			[[template('error-rate', {type: 'prometheus', secretRef: {name: 'prom-auth'}}, query)], 'Metric template error-rate.apps secret prom-auth error: secrets "prom-auth" not found'],
			[[template('error-rate', {type: 'prometheus', secretRef: {name: 'prom-auth'}}, query), secret('prom-auth', {password: 'pw'})], 'Metric template error-rate.apps provider prometheus error: prometheus credentials does not contain a username'],
			[[template('error-rate', {type: 'prometheus', secretRef: {name: 'prom-auth'}}, query), secret('prom-auth', {username: 'ann'})], 'Metric template error-rate.apps provider prometheus error: prometheus credentials does not contain a password'],
			[[template('error-rate', {type: 'prometheus', address: 'not a url'}, query)], 'Metric template error-rate.apps provider prometheus error: prometheus address not a url is not a valid URL'],
			[[template('error-rate', {type: 'prometheus'}, 'sum(x{region="{{ variables.region }}"})')], 'Metric template error-rate.apps query render error: template excution failed: template: tmpl:1:17: executing "tmpl" at <variables>: map has no entry for key "region"'],
		];
		for (const [objects, event] of cases) {
			expect(await metrics(objects).query(canary([errorRate]), errorRate, 'template', '2m')).toMatchObject({ok: false, noData: false, event});
		}
		expect(stub.seen, 'nothing was queried').toHaveLength(0);
	});

	it('a provider type other than prometheus is refused in one line naming the type', async () => {
		const objects = [template('error-rate', {type: 'datadog', address: stub.url}, query)];
		const answer = await metrics(objects).query(canary([errorRate]), errorRate, 'template', '2m');
		expect(answer).toMatchObject({
			ok: false,
			event: 'Metric template error-rate.apps provider datadog error: provider type "datadog" is not supported by canary-tui: only prometheus MetricTemplates can be queried',
		});
		expect(stub.seen).toHaveLength(0);
		expect(await metrics(objects).check(canary([errorRate]))).toEqual({
			ok: false,
			error: 'metric template error-rate.apps provider datadog error: provider type "datadog" is not supported by canary-tui: only prometheus MetricTemplates can be queried',
		});
	});

	it('a store that refuses the Secret: its message in the event', async () => {
		const port = new PrometheusMetrics({store: store([template('error-rate', {type: 'prometheus', secretRef: {name: 'prom-auth'}}, query)], 'Secret'), clock, address: stub.url});
		expect(await port.query(canary([errorRate]), errorRate, 'template', '2m')).toMatchObject({event: 'Metric template error-rate.apps secret prom-auth error: secrets "prom-auth" is forbidden: User "ci" cannot get resource'});
	});
});

describe('the provider check at initialization', () => {
	it('vector(1) on the global server for builtin metrics, and on each template\'s server with its auth', async () => {
		const objects = [template('error-rate', {type: 'prometheus', address: other.url, secretRef: {name: 'prom-auth'}}, 'x'), secret('prom-auth', {token: 'tok'})];
		const metric: CanaryMetric = {name: 'error-rate', templateRef: {name: 'error-rate'}};
		expect(await metrics(objects).check(canary([successRate, metric]))).toEqual({ok: true});
		expect(stub.seen.map(seen => seen.query)).toEqual(['vector(1)']);
		expect(other.seen.map(seen => [seen.query, seen.headers.authorization])).toEqual([['vector(1)', 'Bearer tok']]);
	});

	it('no metrics, or only inline queries: nothing to check', async () => {
		expect(await metrics().check(canary([]))).toEqual({ok: true});
		expect(stub.seen).toHaveLength(0);
	});

	it('each failure in Flagger\'s words (sic "avaiable")', async () => {
		const down = metrics([], {address: 'http://127.0.0.1:1'});
		expect(await down.check(canary([successRate]))).toEqual({
			ok: false,
			error: 'prometheus not avaiable: running query failed: request failed: Get "http://127.0.0.1:1/api/v1/query?query=vector%281%29": dial tcp 127.0.0.1:1: connect: connection refused',
		});
		const metric: CanaryMetric = {name: 'error-rate', templateRef: {name: 'error-rate'}};
		expect(await metrics().check(canary([metric]))).toEqual({ok: false, error: 'metric template error-rate.apps error: metrictemplate.flagger.app "error-rate" not found'});
		other.answer((_query, response) => json(response, vector('0')));
		expect(await metrics([template('error-rate', {type: 'prometheus', address: other.url}, 'x')]).check(canary([metric]))).toEqual({
			ok: false,
			error: 'prometheus in metric template error-rate.apps not avaiable: value is not 1 for query: vector(1)',
		});
	});
});

/** One analysis run of the engine with this port answering its metric ops; the events it records. */
async function analysisEvents(port: PrometheusMetrics, app: Canary): Promise<string[]> {
	const events: string[] = [];
	const answer = (op: Op): Answer | Promise<Answer> => {
		if (op.op === 'event') events.push(`${op.type}${op.error ? ' (error)' : ''}: ${op.message}`);
		if (op.op === 'metric') return port.query(app, op.metric, op.kind, op.interval);
		return op.op === 'event' || op.op === 'log' || op.op === 'alert' ? undefined : {ok: true};
	};
	await driveAsync(runAnalysis(makeContext(app, app.status!, {hash: 'rev-1'}, '2020-11-14T12:03:39Z', 'istio')), answer);
	return events;
}

describe('events of a tick: every error, NaN and empty result fails the check', () => {
	const app = canary([successRate, duration], {provider: 'appmesh:v1beta2'});

	it('healthy values pass; a low success rate halts with Flagger\'s message', async () => {
		stub.answer((query, response) => json(response, vector(query.includes('envoy_response_code') ? '100' : '12.7')));
		expect(await analysisEvents(metrics(), app)).toEqual([]);
		stub.answer((query, response) => json(response, vector(query.includes('envoy_response_code') ? '91.1666' : '12.7')));
		expect(await analysisEvents(metrics(), app)).toEqual(['Warning: Halt podinfo.apps advancement success rate 91.17% < 99%']);
	});

	it('request-duration compares truncated milliseconds', async () => {
		stub.answer((query, response) => json(response, vector(query.includes('envoy_response_code') ? '100' : '1515.9')));
		expect(await analysisEvents(metrics(), app)).toEqual(['Warning: Halt podinfo.apps advancement request duration 1.515s > 500ms']);
	});

	it('NaN and empty results: "no values found"', async () => {
		stub.answer((_query, response) => json(response, vector('NaN')));
		expect(await analysisEvents(metrics(), app)).toEqual([
			'Warning: Halt advancement no values found for appmesh:v1beta2 metric request-success-rate probably podinfo.apps is not receiving traffic: running query failed: no values found',
		]);
		stub.answer((query, response) => json(response, query.includes('envoy_response_code') ? vector('100') : vector()));
		expect(await analysisEvents(metrics(), app)).toEqual(['Warning: Halt advancement no values found for appmesh:v1beta2 metric request-duration probably podinfo.apps is not receiving traffic']);
	});

	it('Prometheus errors, down or slow: "Prometheus query failed"', async () => {
		stub.answer((_query, response) => json(response, '{"status":"error","errorType":"bad_data","error":"parse error"}', 400));
		expect(await analysisEvents(metrics(), app)).toEqual([
			'Warning (error): Prometheus query failed: running query failed: error response: Status 400 Bad Request: {"status":"error","errorType":"bad_data","error":"parse error"}',
		]);
		expect(await analysisEvents(metrics([], {address: 'http://127.0.0.1:1'}), app)).toEqual([
			expect.stringMatching(/^Warning \(error\): Prometheus query failed: running query failed: request failed: Get "http:\/\/127\.0\.0\.1:1\/api\/v1\/query\?query=\+sum%28.*": dial tcp 127\.0\.0\.1:1: connect: connection refused$/),
		]);
		stub.answer((_query, response) => {
			setTimeout(() => json(response, vector('100')), 1000);
			return true;
		});
		expect(await analysisEvents(metrics([], {timeoutMs: 200}), app)).toEqual([expect.stringMatching(/^Warning \(error\): Prometheus query failed: running query failed: request failed: Get ".*": context deadline exceeded$/)]);
	});

	it('template metrics: no data, query errors and template errors, with no secret in any text', async () => {
		const metric: CanaryMetric = {name: 'error-rate', templateRef: {name: 'error-rate'}, thresholdRange: {max: 1}};
		const objects = [template('error-rate', {type: 'prometheus', secretRef: {name: 'prom-auth'}}, 'errors'), secret('prom-auth', {token: 'tok-very-secret'})];
		const withTemplate = canary([metric]);
		stub.answer((_query, response) => json(response, vector()));
		expect(await analysisEvents(metrics(objects), withTemplate)).toEqual(['Warning: Halt advancement no values found for custom metric: error-rate: no values found']);
		stub.answer((_query, response, request) => json(response, `denied for ${request.headers.authorization}`, 403));
		expect(await analysisEvents(metrics(objects), withTemplate)).toEqual(['Warning (error): Metric query failed for error-rate: error response: Status 403 Forbidden: denied for Bearer ***']);
		stub.answer((_query, response) => json(response, vector('4.2')));
		expect(await analysisEvents(metrics(objects), withTemplate)).toEqual(['Warning: Halt podinfo.apps advancement error-rate 4.20 > 1']);
		expect(await analysisEvents(metrics([]), withTemplate)).toEqual(['Warning (error): Metric template error-rate.apps error: metrictemplate.flagger.app "error-rate" not found']);
	});
});
