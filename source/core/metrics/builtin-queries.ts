// Flagger's builtin PromQL (semantics §6.3), kept in the layout of `pkg/metrics/observers/*.go`
// so that, once whitespace is collapsed as Flagger's Prometheus client does, the query sent is
// byte for byte Flagger's.
import type {Observer} from './metrics-provider.js';

export type BuiltinMetric = 'request-success-rate' | 'request-duration';

type Queries = Record<BuiltinMetric, string>;

const appMesh: Queries = {
	'request-success-rate': `
	sum(
		rate(
			envoy_cluster_upstream_rq{
				kubernetes_namespace="{{ namespace }}",
				kubernetes_pod_name=~"{{ target }}-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)",
				envoy_response_code!~"5.*"
			}[{{ interval }}]
		)
	) 
	/ 
	sum(
		rate(
			envoy_cluster_upstream_rq{
				kubernetes_namespace="{{ namespace }}",
				kubernetes_pod_name=~"{{ target }}-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)"
			}[{{ interval }}]
		)
	) 
	* 100`,
	'request-duration': `
	histogram_quantile(
		0.99,
		sum(
			rate(
				envoy_cluster_upstream_rq_time_bucket{
					kubernetes_namespace="{{ namespace }}",
					kubernetes_pod_name=~"{{ target }}-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)"
				}[{{ interval }}]
			)
		) by (le)
	)`,
};

const istio: Queries = {
	'request-success-rate': `
	sum(
		rate(
			istio_requests_total{
				reporter="destination",
				destination_workload_namespace="{{ namespace }}",
				destination_workload=~"{{ target }}",
				response_code!~"5.*"
			}[{{ interval }}]
		)
	) 
	/ 
	sum(
		rate(
			istio_requests_total{
				reporter="destination",
				destination_workload_namespace="{{ namespace }}",
				destination_workload=~"{{ target }}"
			}[{{ interval }}]
		)
	) 
	* 100`,
	'request-duration': `
	histogram_quantile(
		0.99,
		sum(
			rate(
				istio_request_duration_milliseconds_bucket{
					reporter="destination",
					destination_workload_namespace="{{ namespace }}",
					destination_workload=~"{{ target }}"
				}[{{ interval }}]
			)
		) by (le)
	)`,
};

const linkerd: Queries = {
	'request-success-rate': `
	sum(
		rate(
			response_total{
				namespace="{{ namespace }}",
				deployment=~"{{ target }}",
				classification!="failure",
				direction="inbound"
			}[{{ interval }}]
		)
	) 
	/ 
	sum(
		rate(
			response_total{
				namespace="{{ namespace }}",
				deployment=~"{{ target }}",
				direction="inbound"
			}[{{ interval }}]
		)
	) 
	* 100`,
	'request-duration': `
	histogram_quantile(
		0.99,
		sum(
			rate(
				response_latency_ms_bucket{
					namespace="{{ namespace }}",
					deployment=~"{{ target }}",
					direction="inbound"
				}[{{ interval }}]
			)
		) by (le)
	)`,
};

/** The application's own http_request_duration_seconds (kubernetes and Gateway API providers). */
const http: Queries = {
	'request-success-rate': `
	sum(
		rate(
			http_request_duration_seconds_count{
				kubernetes_namespace="{{ namespace }}",
				kubernetes_pod_name=~"{{ target }}-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)",
				status!~"5.*"
			}[{{ interval }}]
		)
	) 
	/ 
	sum(
		rate(
			http_request_duration_seconds_count{
				kubernetes_namespace="{{ namespace }}",
				kubernetes_pod_name=~"{{ target }}-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)"
			}[{{ interval }}]
		)
	) 
	* 100`,
	'request-duration': `
	histogram_quantile(
		0.99,
		sum(
			rate(
				http_request_duration_seconds_bucket{
					kubernetes_namespace="{{ namespace }}",
					kubernetes_pod_name=~"{{ target }}-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)"
				}[{{ interval }}]
			)
		) by (le)
	)`,
};

const byObserver = {appmesh: appMesh, istio, linkerd, http};

export type BuiltinQuery = {
	/** The query template, before rendering. */
	template: string;
	/** Multiplier from the query's unit to what the engine expects (percent, milliseconds). */
	scale: number;
};

export function builtinQuery(observer: Exclude<Observer, {unsupported: string}>, metric: BuiltinMetric): BuiltinQuery {
	// The generic HTTP histogram is in seconds; Flagger converts it with int64(value*1000) ms.
	const scale = observer === 'http' && metric === 'request-duration' ? 1000 : 1;
	return {template: byObserver[observer][metric], scale};
}

/** Flagger's trimQuery: every run of whitespace becomes one space (leading and trailing kept). */
export function collapseWhitespace(query: string): string {
	return query.replace(/[\t\n\f\r ]+/g, ' ');
}
