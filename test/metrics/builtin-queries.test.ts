// Builtin queries per provider against the texts of flagger-semantics §6.3, and the observer
// choice of §6.2.
import {describe, expect, it} from 'vitest';
import {builtinQuery, collapseWhitespace, type BuiltinMetric} from '../../source/core/metrics/builtin-queries.js';
import {metricsProviderFor, observerFor} from '../../source/core/metrics/metrics-provider.js';
import {renderQuery, templateModel} from '../../source/core/metrics/query-template.js';
import type {Canary} from '../../source/core/spec/types.js';

const canary = (spec: Partial<Canary['spec']> = {}): Canary =>
	({
		apiVersion: 'flagger.app/v1beta1',
		kind: 'Canary',
		metadata: {name: 'podinfo', namespace: 'apps'},
		spec: {targetRef: {apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo'}, service: {port: 9898}, analysis: {interval: '1m', stepWeight: 5}, ...spec},
	}) as Canary;

// §6.3 verbatim, with namespace apps, target podinfo, interval 1m filled in.
const spec = {
	appmesh: {
		'request-success-rate':
			'sum(rate(envoy_cluster_upstream_rq{kubernetes_namespace="apps",kubernetes_pod_name=~"podinfo-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)",envoy_response_code!~"5.*"}[1m])) / sum(rate(envoy_cluster_upstream_rq{kubernetes_namespace="apps",kubernetes_pod_name=~"podinfo-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)"}[1m])) * 100',
		'request-duration': 'histogram_quantile(0.99, sum(rate(envoy_cluster_upstream_rq_time_bucket{kubernetes_namespace="apps",kubernetes_pod_name=~"podinfo-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)"}[1m])) by (le))',
	},
	istio: {
		'request-success-rate':
			'sum(rate(istio_requests_total{reporter="destination",destination_workload_namespace="apps",destination_workload=~"podinfo",response_code!~"5.*"}[1m])) / sum(rate(istio_requests_total{reporter="destination",destination_workload_namespace="apps",destination_workload=~"podinfo"}[1m])) * 100',
		'request-duration': 'histogram_quantile(0.99, sum(rate(istio_request_duration_milliseconds_bucket{reporter="destination",destination_workload_namespace="apps",destination_workload=~"podinfo"}[1m])) by (le))',
	},
	linkerd: {
		'request-success-rate':
			'sum(rate(response_total{namespace="apps",deployment=~"podinfo",classification!="failure",direction="inbound"}[1m])) / sum(rate(response_total{namespace="apps",deployment=~"podinfo",direction="inbound"}[1m])) * 100',
		'request-duration': 'histogram_quantile(0.99, sum(rate(response_latency_ms_bucket{namespace="apps",deployment=~"podinfo",direction="inbound"}[1m])) by (le))',
	},
	http: {
		'request-success-rate':
			'sum(rate(http_request_duration_seconds_count{kubernetes_namespace="apps",kubernetes_pod_name=~"podinfo-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)",status!~"5.*"}[1m])) / sum(rate(http_request_duration_seconds_count{kubernetes_namespace="apps",kubernetes_pod_name=~"podinfo-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)"}[1m])) * 100',
		'request-duration': 'histogram_quantile(0.99, sum(rate(http_request_duration_seconds_bucket{kubernetes_namespace="apps",kubernetes_pod_name=~"podinfo-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)"}[1m])) by (le))',
	},
} as const;

const metrics: BuiltinMetric[] = ['request-success-rate', 'request-duration'];
const noSpace = (text: string) => text.replace(/\s+/g, '');

function rendered(observer: keyof typeof spec, metric: BuiltinMetric): string {
	const result = renderQuery(builtinQuery(observer, metric).template, templateModel(canary(), '1m'));
	if (!result.ok) throw new Error(result.error);
	return collapseWhitespace(result.query);
}

describe('builtin queries (§6.3)', () => {
	for (const observer of Object.keys(spec) as Array<keyof typeof spec>) {
		for (const metric of metrics) {
			it(`${observer} ${metric} is the §6.3 query`, () => {
				expect(noSpace(rendered(observer, metric))).toBe(noSpace(spec[observer][metric]));
			});
		}
	}

	it('whitespace is collapsed exactly as Flagger\'s trimQuery does (the query Prometheus receives)', () => {
		expect(rendered('appmesh', 'request-success-rate')).toBe(
			' sum( rate( envoy_cluster_upstream_rq{ kubernetes_namespace="apps", kubernetes_pod_name=~"podinfo-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)", envoy_response_code!~"5.*" }[1m] ) ) / sum( rate( envoy_cluster_upstream_rq{ kubernetes_namespace="apps", kubernetes_pod_name=~"podinfo-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)" }[1m] ) ) * 100',
		);
		expect(rendered('istio', 'request-duration')).toBe(
			' histogram_quantile( 0.99, sum( rate( istio_request_duration_milliseconds_bucket{ reporter="destination", destination_workload_namespace="apps", destination_workload=~"podinfo" }[1m] ) ) by (le) )',
		);
	});

	it('durations are in milliseconds: the generic HTTP histogram (seconds) is scaled by 1000', () => {
		expect(builtinQuery('http', 'request-duration').scale).toBe(1000);
		expect(builtinQuery('appmesh', 'request-duration').scale).toBe(1);
		expect(builtinQuery('istio', 'request-duration').scale).toBe(1);
		expect(builtinQuery('http', 'request-success-rate').scale).toBe(1);
	});
});

describe('provider and observer (§6.2)', () => {
	it('spec.provider, else the mesh provider; linkerd meshes force linkerd; Service targets get :service', () => {
		expect(metricsProviderFor(canary(), 'istio')).toBe('istio');
		expect(metricsProviderFor(canary({provider: 'appmesh:v1beta2'}), 'istio')).toBe('appmesh:v1beta2');
		expect(metricsProviderFor(canary({provider: 'kubernetes'}), 'linkerd')).toBe('linkerd');
		expect(metricsProviderFor(canary(), 'smi:crossover')).toBe('crossover');
		expect(metricsProviderFor(canary({provider: 'kubernetes', targetRef: {apiVersion: 'v1', kind: 'Service', name: 'podinfo'}}))).toBe('kubernetes:service');
	});

	it('picks the observer as Flagger\'s factory; anything unknown is Istio', () => {
		expect(observerFor('appmesh')).toBe('appmesh');
		expect(observerFor('appmesh:v1beta2')).toBe('appmesh');
		expect(observerFor('gatewayapi:v1')).toBe('http');
		expect(observerFor('gatewayapi:v1beta1')).toBe('http');
		expect(observerFor('kubernetes')).toBe('http');
		expect(observerFor('istio')).toBe('istio');
		expect(observerFor('linkerd')).toBe('linkerd');
		// Exact-match observers fall back to Istio with the :service suffix, as in Flagger.
		expect(observerFor('kubernetes:service')).toBe('istio');
		expect(observerFor('smi:v1alpha3')).toBe('istio');
		expect(observerFor('something-new')).toBe('istio');
	});

	it('observers canary-tui lacks are named rather than answered with Istio\'s metrics', () => {
		expect(observerFor('contour')).toEqual({unsupported: 'contour'});
		expect(observerFor('gloo:v1')).toEqual({unsupported: 'gloo'});
		expect(observerFor('nginx')).toEqual({unsupported: 'nginx'});
	});
});
