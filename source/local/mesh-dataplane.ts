// The embedded mesh's data plane: where a request goes. Service names resolve through
// Service selectors to ready pods (cluster DNS + kube-proxy); the gateway follows the App
// Mesh objects Flagger's router writes — GatewayRoute → VirtualService → VirtualRouter
// routes (priority, prefix and header matches, weighted targets) → VirtualNode pod selector.
import type {Clock} from '../clock.js';
import type {HttpMatchRequest} from '../core/spec/types.js';
import type {KubeObject} from '../kube/objects.js';
import type {DeploymentSimulator, Pod} from './cluster/deployment-simulator.js';
import type {MemoryStore} from './cluster/memory-store.js';
import {matchesRequest, pickWeighted, type MatchableRequest} from './http/route-match.js';
import type {Address, Directory, Endpoint} from './http/types.js';
import type {PodRuntime} from './pod-runtime.js';

type Named = {name: string; address: Address};

export class MeshDataplane implements Directory {
	private readonly cursor = new Map<string, number>();
	private readonly named = new Map<string, Address>();

	constructor(
		private readonly store: MemoryStore,
		private readonly simulator: DeploymentSimulator,
		private readonly runtime: PodRuntime,
		private readonly options: {clock: Clock; random?: () => number},
	) {}

	/** Registers a fixed listener under a service name, e.g. flagger-loadtester (any namespace). */
	register(service: Named): void {
		this.named.set(service.name, service.address);
	}

	resolve(host: string): Address | undefined {
		const [name, namespace] = (host.split(':')[0] ?? host).split('.');
		if (!name) return undefined;
		const fixed = this.named.get(name);
		if (fixed) return fixed;
		if (!namespace) return undefined;
		const service = this.store.getSync('Service', namespace, name);
		if (!service?.spec?.selector) return undefined;
		return this.pick(`svc/${namespace}/${name}`, this.ready(namespace, service.spec.selector))?.address;
	}

	/** The gateway's choice for a request to the app behind `gatewayRoute`. */
	choose(namespace: string, gatewayRoute: string, request: MatchableRequest): Endpoint | undefined {
		const route = this.store.getSync('GatewayRoute', namespace, gatewayRoute);
		const serviceName: string = route?.spec?.httpRoute?.action?.target?.virtualService?.virtualServiceRef?.name ?? gatewayRoute;
		const virtualService = this.store.getSync('VirtualService', namespace, serviceName);
		const routerName: string | undefined = virtualService?.spec?.provider?.virtualRouter?.virtualRouterRef?.name;
		const router = routerName ? this.store.getSync('VirtualRouter', namespace, routerName) : undefined;
		if (!router) return this.viaService(namespace, serviceName);
		const node = this.routeTarget(router, request);
		if (!node) return undefined;
		const selector = this.store.getSync('VirtualNode', namespace, node)?.spec?.podSelector?.matchLabels;
		return selector ? this.pick(`node/${namespace}/${node}`, this.ready(namespace, selector)) : undefined;
	}

	/** Before Flagger has initialized the canary there is no mesh yet: use the plain Service, or the app's own pods. */
	private viaService(namespace: string, name: string): Endpoint | undefined {
		const selector = this.store.getSync('Service', namespace, name)?.spec?.selector ?? this.store.getSync('Deployment', namespace, name)?.spec?.selector?.matchLabels;
		return selector ? this.pick(`svc/${namespace}/${name}`, this.ready(namespace, selector)) : undefined;
	}

	private routeTarget(router: KubeObject, request: MatchableRequest): string | undefined {
		const routes: any[] = [...(router.spec?.routes ?? [])].sort((a, b) => (a.priority ?? 1000) - (b.priority ?? 1000));
		for (const route of routes) {
			const http = route.httpRoute ?? {};
			const rule: HttpMatchRequest = {uri: {prefix: http.match?.prefix ?? '/'}};
			const headers = (http.match?.headers ?? []) as Array<{name: string; match?: Record<string, string>}>;
			if (headers.length > 0) rule.headers = Object.fromEntries(headers.map(header => [header.name, header.match ?? {}]));
			if (!matchesRequest([rule], request)) continue;
			const targets = (http.action?.weightedTargets ?? []) as Array<{virtualNodeRef: {name: string}; weight: number}>;
			return this.pickTarget(targets);
		}
		return undefined;
	}

	private pickTarget(targets: Array<{virtualNodeRef: {name: string}; weight: number}>): string | undefined {
		const canary = targets.find(t => t.virtualNodeRef.name.endsWith('-canary'));
		const primary = targets.find(t => t.virtualNodeRef.name.endsWith('-primary'));
		if (canary && primary) return pickWeighted(primary.weight, canary.weight, this.options.random ?? Math.random) === 'canary' ? canary.virtualNodeRef.name : primary.virtualNodeRef.name;
		return targets.find(t => t.weight > 0)?.virtualNodeRef.name;
	}

	private ready(namespace: string, selector: Record<string, string>): Endpoint[] {
		return this.simulator
			.podsOf(namespace)
			.filter(pod => Object.entries(selector).every(([key, value]) => pod.labels[key] === value) && this.simulator.isReady(pod))
			.flatMap(pod => this.endpoint(pod));
	}

	private endpoint(pod: Pod): Endpoint[] {
		const address = this.runtime.address(pod.name);
		return address ? [{pod: pod.name, workload: pod.deployment, namespace: pod.namespace, address}] : [];
	}

	private pick(key: string, endpoints: Endpoint[]): Endpoint | undefined {
		if (endpoints.length === 0) return undefined;
		const next = ((this.cursor.get(key) ?? -1) + 1) % endpoints.length;
		this.cursor.set(key, next);
		return endpoints[next];
	}
}
