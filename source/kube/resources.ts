// Where each kind the controller touches lives in the Kubernetes REST API: its group, version,
// plural and scope, and the URL paths built from them. The ObjectStore port speaks in kinds;
// the client-node store (kube-store.ts) turns them into paths with this table.

export type Resource = {
	kind: string;
	/** '' for the core group (`/api/v1`). */
	group: string;
	version: string;
	plural: string;
	namespaced: boolean;
};

const table: Resource[] = [
	// Flagger's CRDs (deploy/crds/).
	{kind: 'Canary', group: 'flagger.app', version: 'v1beta1', plural: 'canaries', namespaced: true},
	{kind: 'MetricTemplate', group: 'flagger.app', version: 'v1beta1', plural: 'metrictemplates', namespaced: true},
	{kind: 'AlertProvider', group: 'flagger.app', version: 'v1beta1', plural: 'alertproviders', namespaced: true},
	// Workloads and what the deployment controller creates next to them.
	{kind: 'Deployment', group: 'apps', version: 'v1', plural: 'deployments', namespaced: true},
	{kind: 'ReplicaSet', group: 'apps', version: 'v1', plural: 'replicasets', namespaced: true},
	{kind: 'Service', group: '', version: 'v1', plural: 'services', namespaced: true},
	{kind: 'Event', group: '', version: 'v1', plural: 'events', namespaced: true},
	{kind: 'ConfigMap', group: '', version: 'v1', plural: 'configmaps', namespaced: true},
	{kind: 'Secret', group: '', version: 'v1', plural: 'secrets', namespaced: true},
	{kind: 'Pod', group: '', version: 'v1', plural: 'pods', namespaced: true},
	{kind: 'Namespace', group: '', version: 'v1', plural: 'namespaces', namespaced: false},
	{kind: 'HorizontalPodAutoscaler', group: 'autoscaling', version: 'v2', plural: 'horizontalpodautoscalers', namespaced: true},
	// Routers.
	{kind: 'VirtualNode', group: 'appmesh.k8s.aws', version: 'v1beta2', plural: 'virtualnodes', namespaced: true},
	{kind: 'VirtualRouter', group: 'appmesh.k8s.aws', version: 'v1beta2', plural: 'virtualrouters', namespaced: true},
	{kind: 'VirtualService', group: 'appmesh.k8s.aws', version: 'v1beta2', plural: 'virtualservices', namespaced: true},
	{kind: 'HTTPRoute', group: 'gateway.networking.k8s.io', version: 'v1', plural: 'httproutes', namespaced: true},
	{kind: 'Gateway', group: 'gateway.networking.k8s.io', version: 'v1', plural: 'gateways', namespaced: true},
	// Leader election.
	{kind: 'Lease', group: 'coordination.k8s.io', version: 'v1', plural: 'leases', namespaced: true},
];

export const resources: ReadonlyMap<string, Resource> = new Map(table.map(resource => [resource.kind, resource]));

export function resourceFor(kind: string): Resource {
	const resource = resources.get(kind);
	if (!resource) throw new Error(`canary-tui: unknown kind ${JSON.stringify(kind)} (known: ${[...resources.keys()].join(', ')})`);
	return resource;
}

/** `flagger.app/v1beta1`, or `v1` for the core group. */
export const apiVersionOf = (resource: Resource): string => (resource.group ? `${resource.group}/${resource.version}` : resource.version);

/** The name RBAC and error messages use: `canaries.flagger.app`, `services`. */
export const qualifiedName = (resource: Resource): string => (resource.group ? `${resource.plural}.${resource.group}` : resource.plural);

/**
 * The resource at an object's own apiVersion when it names the same group (e.g. an HTTPRoute
 * written as `gateway.networking.k8s.io/v1beta1`), else the table's preferred version.
 */
export function resourceAt(kind: string, apiVersion?: string): Resource {
	const resource = resourceFor(kind);
	if (!apiVersion) return resource;
	const slash = apiVersion.lastIndexOf('/');
	const group = slash < 0 ? '' : apiVersion.slice(0, slash);
	const version = apiVersion.slice(slash + 1);
	return group === resource.group && version ? {...resource, version} : resource;
}

const segment = (value: string) => encodeURIComponent(value);

/**
 * The collection path: `/apis/apps/v1/namespaces/apps/deployments`, or across all namespaces
 * (`namespace` undefined) `/apis/apps/v1/deployments`.
 */
export function collectionPath(resource: Resource, namespace?: string): string {
	const root = resource.group ? `/apis/${resource.group}/${resource.version}` : `/api/${resource.version}`;
	const scope = resource.namespaced && namespace !== undefined ? `/namespaces/${segment(namespace)}` : '';
	return `${root}${scope}/${resource.plural}`;
}

/** One object, optionally a subresource: `/apis/flagger.app/v1beta1/namespaces/apps/canaries/podinfo/status`. */
export function objectPath(resource: Resource, namespace: string | undefined, name: string, subresource?: string): string {
	if (resource.namespaced && namespace === undefined) throw new Error(`canary-tui: ${qualifiedName(resource)} "${name}" needs a namespace`);
	return `${collectionPath(resource, namespace)}/${segment(name)}${subresource ? `/${subresource}` : ''}`;
}

/** A path with query parameters (undefined values left out). */
export function withQuery(path: string, query: Record<string, string | number | boolean | undefined>): string {
	const parameters = new URLSearchParams();
	for (const [key, value] of Object.entries(query)) if (value !== undefined) parameters.set(key, String(value));
	const text = parameters.toString();
	return text ? `${path}?${text}` : path;
}
