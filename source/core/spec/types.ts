// Types of the flagger.app/v1beta1 Canary (../shared/reference/flagger-semantics.md §1).
// Field names and shapes follow Flagger's Go types so that unchanged YAML round-trips.

export type Provider =
	| 'apisix'
	| 'appmesh'
	| 'appmesh:v1beta2'
	| 'contour'
	| 'gatewayapi:v1'
	| 'gatewayapi:v1beta1'
	| 'gloo'
	| 'istio'
	| 'knative'
	| 'kubernetes'
	| 'kuma'
	| 'linkerd'
	| 'nginx'
	| 'osm'
	| 'skipper'
	| 'smi:v1alpha1'
	| 'smi:v1alpha2'
	| 'smi:v1alpha3'
	| 'traefik';

export type ObjectMeta = {
	name: string;
	namespace?: string;
	labels?: Record<string, string>;
	annotations?: Record<string, string>;
	generation?: number;
	resourceVersion?: string;
	uid?: string;
	creationTimestamp?: string;
};

export type CrossNamespaceObjectReference = {
	apiVersion: string;
	kind: string;
	name: string;
	namespace?: string;
};

export type AutoscalerRef = CrossNamespaceObjectReference & {
	primaryScalerQueries?: Record<string, string>;
	primaryScalerReplicas?: {minReplicas?: number; maxReplicas?: number};
};

export type StringMatch = {exact?: string; prefix?: string; suffix?: string; regex?: string};

export type HttpMatchRequest = {
	name?: string;
	uri?: StringMatch;
	scheme?: StringMatch;
	method?: StringMatch;
	authority?: StringMatch;
	headers?: Record<string, StringMatch>;
	queryParams?: Record<string, StringMatch>;
	port?: number;
	sourceLabels?: Record<string, string>;
	gateways?: string[];
	ignoreUriCase?: boolean;
	withoutHeaders?: Record<string, StringMatch>;
	sourceNamespace?: string;
};

export type ServiceMetadata = {labels?: Record<string, string>; annotations?: Record<string, string>};

export type CanaryService = {
	name?: string;
	port: number;
	portName?: string;
	targetPort?: number | string;
	appProtocol?: string;
	trafficDistribution?: string;
	portDiscovery?: boolean;
	headless?: boolean;
	timeout?: string;
	backendTimeout?: string;
	gateways?: string[];
	gatewayRefs?: Array<{
		group?: string;
		kind?: string;
		namespace?: string;
		name: string;
		sectionName?: string;
		port?: number;
	}>;
	hosts?: string[];
	delegation?: boolean;
	trafficPolicy?: Record<string, unknown>;
	match?: HttpMatchRequest[];
	rewrite?: {uri?: string; authority?: string; type?: string};
	retries?: {attempts?: number; perTryTimeout?: string; retryOn?: string};
	headers?: Record<string, unknown>;
	mirror?: Array<Record<string, unknown>>;
	corsPolicy?: Record<string, unknown>;
	meshName?: string;
	backends?: string[];
	apex?: ServiceMetadata;
	primary?: ServiceMetadata;
	canary?: ServiceMetadata;
	unmanagedMetadata?: {annotations?: string[]; labels?: string[]};
};

export type ThresholdRange = {min?: number; max?: number};

export type CanaryMetric = {
	name: string;
	interval?: string;
	threshold?: number;
	thresholdRange?: ThresholdRange;
	query?: string;
	templateRef?: {name: string; namespace?: string};
	templateVariables?: Record<string, string>;
};

export type HookType =
	| ''
	| 'confirm-rollout'
	| 'pre-rollout'
	| 'rollout'
	| 'confirm-promotion'
	| 'post-rollout'
	| 'event'
	| 'rollback'
	| 'confirm-traffic-increase';

export type CanaryWebhook = {
	name: string;
	type?: HookType;
	url: string;
	timeout?: string;
	metadata?: Record<string, string>;
	muteAlert?: boolean;
	retries?: number;
	disableTLS?: boolean;
};

export type AlertSeverity = '' | 'info' | 'warn' | 'error';

export type CanaryAlert = {
	name: string;
	severity?: AlertSeverity;
	providerRef: {name: string; namespace?: string};
};

export type SessionAffinity = {
	cookieName: string;
	primaryCookieName?: string;
	domain?: string;
	httpOnly?: boolean;
	maxAge?: number;
	partitioned?: boolean;
	path?: string;
	sameSite?: 'Strict' | 'Lax' | 'None';
	secure?: boolean;
};

export type CanaryAnalysis = {
	interval?: string;
	threshold?: number;
	maxWeight?: number;
	stepWeight?: number;
	stepWeights?: number[];
	stepWeightPromotion?: number;
	iterations?: number;
	match?: HttpMatchRequest[];
	mirror?: boolean;
	mirrorWeight?: number;
	primaryReadyThreshold?: number;
	canaryReadyThreshold?: number;
	alerts?: CanaryAlert[];
	metrics?: CanaryMetric[];
	webhooks?: CanaryWebhook[];
	sessionAffinity?: SessionAffinity;
};

export type CanarySpec = {
	provider?: Provider | string;
	metricsServer?: string;
	targetRef: CrossNamespaceObjectReference;
	autoscalerRef?: AutoscalerRef;
	ingressRef?: CrossNamespaceObjectReference;
	routeRef?: CrossNamespaceObjectReference;
	upstreamRef?: CrossNamespaceObjectReference;
	service: CanaryService;
	analysis?: CanaryAnalysis;
	/** Deprecated alias, read when `analysis` is absent. */
	canaryAnalysis?: CanaryAnalysis;
	progressDeadlineSeconds?: number;
	skipAnalysis?: boolean;
	revertOnDeletion?: boolean;
	suspend?: boolean;
};

export type Phase =
	| ''
	| 'Initializing'
	| 'Initialized'
	| 'Waiting'
	| 'Progressing'
	| 'WaitingPromotion'
	| 'Promoting'
	| 'Finalising'
	| 'Succeeded'
	| 'Failed'
	| 'Terminating'
	| 'Terminated';

export type CanaryCondition = {
	type: 'Promoted';
	status: 'True' | 'False' | 'Unknown';
	lastUpdateTime: string;
	lastTransitionTime: string;
	reason: string;
	message: string;
};

export type CanaryStatus = {
	phase: Phase;
	failedChecks: number;
	canaryWeight: number;
	iterations: number;
	lastAppliedSpec: string;
	lastPromotedSpec: string;
	lastTransitionTime: string;
	trackedConfigs?: Record<string, string>;
	conditions?: CanaryCondition[];
	sessionAffinityCookie?: string;
	primarySessionAffinityCookie?: string;
	previousSessionAffinityCookie?: string;
};

export type Canary = {
	apiVersion: 'flagger.app/v1beta1';
	kind: 'Canary';
	metadata: ObjectMeta;
	spec: CanarySpec;
	status?: CanaryStatus;
};
