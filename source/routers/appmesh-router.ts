// Flagger's App Mesh v1beta2 router (semantics §7.2) against the ObjectStore port:
// VirtualNodes <apex>-primary/-canary, VirtualRouters <apex> (the live split) and
// <apex>-canary, VirtualServices for both. A/B runs use a header-matched route 0.
import type {Result, RoutesAnswer} from '../core/engine/ops.js';
import {apexName, getAnalysis} from '../core/spec/defaults.js';
import type {Canary, HttpMatchRequest} from '../core/spec/types.js';
import {parseGoDuration} from '../core/format/go-duration.js';
import type {KubeObject, ObjectStore} from '../kube/objects.js';
import {canonicalJson} from '../core/workloads/template-hash.js';

const apiVersion = 'appmesh.k8s.aws/v1beta2';
type WeightedTarget = {virtualNodeRef: {name: string}; weight: number};

export class AppMeshRouter {
	constructor(
		private readonly store: ObjectStore,
		private readonly selectorLabel: (canary: Canary) => Promise<string>,
	) {}

	async reconcile(canary: Canary): Promise<Result> {
		try {
			const apex = apexName(canary);
			const label = await this.selectorLabel(canary);
			const target = canary.spec.targetRef.name;
			await this.upsert(canary, 'VirtualNode', `${apex}-primary`, this.virtualNode(canary, `${apex}-primary`, label, `${target}-primary`));
			await this.upsert(canary, 'VirtualNode', `${apex}-canary`, this.virtualNode(canary, `${apex}-canary`, label, target));
			await this.upsertRouter(canary, apex, false);
			await this.upsertRouter(canary, `${apex}-canary`, true);
			await this.upsert(canary, 'VirtualService', apex, {provider: {virtualRouter: {virtualRouterRef: {name: apex}}}}, true);
			await this.upsert(canary, 'VirtualService', `${apex}-canary`, {provider: {virtualRouter: {virtualRouterRef: {name: `${apex}-canary`}}}}, true);
			return {ok: true};
		} catch (error) {
			return {ok: false, error: (error as Error).message};
		}
	}

	async getRoutes(canary: Canary): Promise<RoutesAnswer> {
		const apex = apexName(canary);
		const router = await this.store.get('VirtualRouter', canary.metadata.namespace!, apex);
		if (!router) return {ok: false, error: `VirtualRouter ${apex} get query error: virtualrouters.appmesh.k8s.aws "${apex}" not found`};
		const targets: WeightedTarget[] = router.spec?.routes?.[0]?.httpRoute?.action?.weightedTargets ?? [];
		if (targets.length !== 2) return {ok: false, error: `VirtualRouter routes ${apex} not found`};
		const weight = (suffix: string) => targets.find(t => t.virtualNodeRef.name === `${apex}-${suffix}`)?.weight ?? 0;
		const primary = weight('primary');
		const canaryWeight = weight('canary');
		if (primary === 0 && canaryWeight === 0) {
			return {ok: false, error: `VirtualRouter ${apex} does not contain routes for ${apex}-primary and ${apex}-canary`};
		}
		return {ok: true, primary, canary: canaryWeight, mirrored: false};
	}

	/** Rewrites only routes[0]'s weighted targets; mirroring is not supported by App Mesh. */
	async setRoutes(canary: Canary, primary: number, canaryWeight: number): Promise<Result> {
		const apex = apexName(canary);
		try {
			const router = await this.store.get('VirtualRouter', canary.metadata.namespace!, apex);
			if (!router?.spec?.routes?.[0]) return {ok: false, error: `VirtualRouter routes ${apex} not found`};
			const routes = structuredClone(router.spec.routes);
			routes[0].httpRoute.action.weightedTargets = this.targets(apex, primary, canaryWeight);
			await this.store.update({...router, spec: {...router.spec, routes}});
			return {ok: true};
		} catch (error) {
			return {ok: false, error: `VirtualRouter ${apex} update error: ${(error as Error).message}`};
		}
	}

	private targets(apex: string, primary: number, canary: number): WeightedTarget[] {
		return [
			{virtualNodeRef: {name: `${apex}-canary`}, weight: canary},
			{virtualNodeRef: {name: `${apex}-primary`}, weight: primary},
		];
	}

	private virtualNode(canary: Canary, name: string, label: string, podValue: string) {
		const {service} = canary.spec;
		const port = typeof service.targetPort === 'number' && service.targetPort > 0 ? service.targetPort : service.port;
		const timeout = timeoutMs(service.timeout);
		return {
			listeners: [
				{
					portMapping: {port, protocol: (service.portName ?? '').includes('grpc') ? 'grpc' : 'http'},
					...(timeout === undefined ? {} : {timeout: {http: {perRequest: {unit: 'ms', value: timeout}}}}),
				},
			],
			serviceDiscovery: {dns: {hostname: `${name}.${canary.metadata.namespace}.svc.cluster.local.`}},
			podSelector: {matchLabels: {[label]: podValue}},
			backends: (service.backends ?? []).map(backend =>
				backend.startsWith('arn:aws') ? {virtualService: {virtualServiceARN: backend}} : {virtualService: {virtualServiceRef: {name: backend}}},
			),
		};
	}

	private async upsertRouter(canary: Canary, name: string, canaryOnly: boolean): Promise<void> {
		const apex = apexName(canary);
		const {service} = canary.spec;
		const namespace = canary.metadata.namespace!;
		const existing = await this.store.get('VirtualRouter', namespace, name);
		const oldTargets: WeightedTarget[] | undefined = existing?.spec?.routes?.[0]?.httpRoute?.action?.weightedTargets;
		const weights = canaryOnly ? {primary: 0, canary: 100} : {primary: weightOf(oldTargets, `${apex}-primary`) ?? 100, canary: weightOf(oldTargets, `${apex}-canary`) ?? 0};
		const prefix = service.match?.[0]?.uri?.prefix ?? '/';
		const timeout = timeoutMs(service.timeout);
		const base = {
			match: {prefix},
			...(timeout === undefined ? {} : {timeout: {perRequest: {unit: 'ms', value: timeout}}}),
			...(service.retries
				? {
						retryPolicy: {
							maxRetries: service.retries.attempts || 1,
							perRetryTimeout: {unit: 'ms', value: timeoutMs(service.retries.perTryTimeout) ?? 250},
							httpRetryEvents: service.retries.retryOn ? service.retries.retryOn.split(',') : ['gateway-error'],
						},
					}
				: {}),
		};
		const weighted = {weightedTargets: this.targets(apex, weights.primary, weights.canary)};
		const match = canaryOnly ? [] : getAnalysis(canary).match ?? [];
		const routes =
			match.length > 0
				? [
						{name: `${apex}-a`, priority: 10, httpRoute: {...base, match: {prefix, headers: headerMatches(match)}, action: weighted}},
						{name: `${apex}-b`, priority: 20, httpRoute: {...base, action: {weightedTargets: [{virtualNodeRef: {name: `${apex}-primary`}, weight: 100}]}}},
					]
				: [{name, httpRoute: {...base, action: weighted}}];
		const listeners = [{portMapping: {port: service.port, protocol: (service.portName ?? '').includes('grpc') ? 'grpc' : 'http'}}];
		await this.upsert(canary, 'VirtualRouter', name, {listeners, routes});
	}

	private async upsert(canary: Canary, kind: string, name: string, spec: Record<string, unknown>, createOnly = false): Promise<void> {
		const namespace = canary.metadata.namespace!;
		const existing = await this.store.get(kind, namespace, name);
		if (!existing) {
			const owner = {apiVersion: 'flagger.app/v1beta1', kind: 'Canary', name: canary.metadata.name, uid: canary.metadata.uid ?? '', controller: true};
			await this.store.create({apiVersion, kind, metadata: {name, namespace, labels: canary.spec.service.apex?.labels, ownerReferences: [owner]}, spec} as KubeObject);
			return;
		}
		if (createOnly) return;
		const merged = {...existing.spec, ...spec};
		if (canonicalJson(merged) !== canonicalJson(existing.spec)) await this.store.update({...existing, spec: merged});
	}
}

function weightOf(targets: WeightedTarget[] | undefined, node: string): number | undefined {
	return targets?.find(target => target.virtualNodeRef.name === node)?.weight;
}

function timeoutMs(value: string | undefined): number | undefined {
	if (!value) return undefined;
	const ns = parseGoDuration(value);
	return ns === undefined ? undefined : Math.floor(ns / 1_000_000);
}

/** One App Mesh header match per header of every analysis.match item. */
function headerMatches(match: HttpMatchRequest[]) {
	return match.flatMap(rule =>
		Object.entries(rule.headers ?? {}).map(([name, condition]) => ({
			name,
			match: Object.fromEntries(Object.entries(condition).filter(([, value]) => value !== undefined && value !== '')),
		})),
	);
}
