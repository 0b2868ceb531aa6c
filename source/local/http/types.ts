// Shared shapes of the embedded HTTP mesh: what the pod sidecars record, where listeners are,
// and how Kubernetes-style host names reach them.

export type RequestRecord = {
	/** Virtual ms at which the response was sent. */
	time: number;
	namespace: string;
	pod: string;
	/** Deployment name, e.g. podinfo or podinfo-primary. */
	workload: string;
	code: number;
	/** Virtual ms from arrival to response. */
	durationMs: number;
};

export type RecordRequest = (record: RequestRecord) => void;

export type Address = {host: string; port: number};

export type Endpoint = {pod: string; workload: string; namespace: string; address: Address};

/**
 * Resolves Kubernetes-style hosts to local listeners: "podinfo-canary.apps", "podinfo-canary.apps:9898",
 * "podinfo-canary.apps.svc.cluster.local:9898", "flagger-loadtester.apps" (port optional, ignored for
 * matching). Services resolve to one ready pod (caller balances); undefined when unknown or no ready pod.
 */
export interface Directory {
	resolve(host: string): Address | undefined;
}

export type Faults = {
	/** 0..1 share of requests answered 500. */
	errorRate: number;
	/** Virtual ms added to every response. */
	extraLatencyMs: number;
};
