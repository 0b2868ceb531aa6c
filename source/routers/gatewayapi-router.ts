// Flagger's Gateway API router (semantics §7.3) against the ObjectStore port: one HTTPRoute
// <apex> with weighted backendRefs to <apex>-primary and <apex>-canary; for A/B a matched
// weighted rule plus a primary-only rule; Blue/Green mirroring as a RequestMirror filter;
// parents must have accepted the route before weights are trusted.
import type {Result, RoutesAnswer} from '../core/engine/ops.js';
import {apexName, getAnalysis} from '../core/spec/defaults.js';
import type {Canary, HttpMatchRequest, StringMatch} from '../core/spec/types.js';
import type {KubeObject, ObjectStore} from '../kube/objects.js';
import {canonicalJson} from '../core/workloads/template-hash.js';

export const missingGatewayRefs = 'GatewayRefs must be specified when using Gateway API as a provider.';

type BackendRef = {group: string; kind: string; name: string; port: number; weight: number};
type Rule = {matches?: unknown[]; filters?: Array<Record<string, unknown>>; timeouts?: Record<string, string>; backendRefs: BackendRef[]};

export class GatewayApiRouter {
	constructor(
		private readonly store: ObjectStore,
		private readonly version: 'v1' | 'v1beta1' = 'v1',
	) {}

	async reconcile(canary: Canary): Promise<Result> {
		if ((canary.spec.service.gatewayRefs?.length ?? 0) === 0) {
			return {ok: false, error: missingGatewayRefs};
		}
		try {
			const namespace = canary.metadata.namespace!;
			const apex = apexName(canary);
			const existing = await this.store.get('HTTPRoute', namespace, apex);
			const desired = this.spec(canary, 100, 0, false);
			if (!existing) {
				const owner = {apiVersion: 'flagger.app/v1beta1', kind: 'Canary', name: canary.metadata.name, uid: canary.metadata.uid ?? '', controller: true};
				await this.store.create({
					apiVersion: `gateway.networking.k8s.io/${this.version}`,
					kind: 'HTTPRoute',
					metadata: {name: apex, namespace, labels: canary.spec.service.apex?.labels, annotations: canary.spec.service.apex?.annotations, ownerReferences: [owner]},
					spec: desired,
				});
				return {ok: true};
			}
			// Weights and mirroring are the run's business; any other drift is reset (with 100/0, as Flagger does).
			const current = this.routes(existing);
			const keep = current.ok ? this.spec(canary, current.primary, current.canary, current.mirrored) : desired;
			if (canonicalJson(withDefaults(withoutWeights(existing.spec))) !== canonicalJson(withDefaults(withoutWeights(keep)))) {
				await this.store.update({...existing, spec: desired});
			}
			return {ok: true};
		} catch (error) {
			return {ok: false, error: (error as Error).message};
		}
	}

	async getRoutes(canary: Canary): Promise<RoutesAnswer> {
		const namespace = canary.metadata.namespace!;
		const apex = apexName(canary);
		const route = await this.store.get('HTTPRoute', namespace, apex);
		if (!route) return {ok: false, error: `HTTPRoute ${apex}.${namespace} get query error: httproutes.gateway.networking.k8s.io "${apex}" not found`};
		const notReady = parentNotReady(route);
		if (notReady) return {ok: false, error: notReady};
		return this.routes(route);
	}

	async setRoutes(canary: Canary, primary: number, canaryWeight: number, mirrored: boolean): Promise<Result> {
		const namespace = canary.metadata.namespace!;
		const apex = apexName(canary);
		try {
			const route = await this.store.get('HTTPRoute', namespace, apex);
			if (!route) return {ok: false, error: `HTTPRoute ${apex}.${namespace} get query error: httproutes.gateway.networking.k8s.io "${apex}" not found`};
			await this.store.update({...route, spec: this.spec(canary, primary, canaryWeight, mirrored)});
			return {ok: true};
		} catch (error) {
			return {ok: false, error: `HTTPRoute ${apex}.${namespace} update error: ${(error as Error).message}`};
		}
	}

	private routes(route: KubeObject): RoutesAnswer {
		const rules: Rule[] = route.spec?.rules ?? [];
		const weighted = rules.find(rule => rule.backendRefs?.length === 2);
		if (!weighted) return {ok: false, error: `HTTPRoute ${route.metadata.name}.${route.metadata.namespace} has no rule with primary and canary backends`};
		const weight = (suffix: string) => weighted.backendRefs.find(ref => ref.name.endsWith(`-${suffix}`))?.weight ?? 0;
		const mirrored = (weighted.filters ?? []).some(filter => filter['type'] === 'RequestMirror');
		return {ok: true, primary: weight('primary'), canary: weight('canary'), mirrored};
	}

	private spec(canary: Canary, primary: number, canaryWeight: number, mirrored: boolean) {
		const {service} = canary.spec;
		const apex = apexName(canary);
		const analysis = getAnalysis(canary);
		const backend = (suffix: string, weight: number): BackendRef => ({group: '', kind: 'Service', name: `${apex}-${suffix}`, port: service.port, weight});
		const serviceMatches = (service.match ?? []).map(toRouteMatch);
		const timeouts = service.timeout || service.backendTimeout ? {...(service.timeout ? {request: service.timeout} : {}), ...(service.backendTimeout ? {backendRequest: service.backendTimeout} : {})} : undefined;
		const filters: Array<Record<string, unknown>> = [];
		if (service.rewrite?.uri) filters.push({type: 'URLRewrite', urlRewrite: {path: {type: service.rewrite.type === 'ReplacePrefixMatch' ? 'ReplacePrefixMatch' : 'ReplaceFullPath', ...(service.rewrite.type === 'ReplacePrefixMatch' ? {replacePrefixMatch: service.rewrite.uri} : {replaceFullPath: service.rewrite.uri})}}});
		if (mirrored && analysis.mirror) filters.push({type: 'RequestMirror', requestMirror: {backendRef: {group: '', kind: 'Service', name: `${apex}-canary`, port: service.port}}});
		const base = {
			...(serviceMatches.length ? {matches: serviceMatches} : {matches: [{path: {type: 'PathPrefix', value: '/'}}]}),
			...(filters.length ? {filters} : {}),
			...(timeouts ? {timeouts} : {}),
		};
		const weighted: Rule = {...base, backendRefs: [backend('primary', primary), backend('canary', canaryWeight)]};
		const abMatches = analysis.match ?? [];
		const rules: Rule[] =
			abMatches.length > 0
				? [{...weighted, matches: crossMatches(abMatches, service.match ?? [])}, {...base, backendRefs: [backend('primary', 100)]}]
				: [weighted];
		return {
			parentRefs: service.gatewayRefs,
			...(service.hosts?.length ? {hostnames: service.hosts} : {}),
			rules,
		};
	}
}

/** The API server fills in the Gateway API CRD's defaults; compare like with like. */
function withDefaults(spec: any): unknown {
	return {
		...spec,
		parentRefs: (spec?.parentRefs ?? []).map((ref: object) => ({group: 'gateway.networking.k8s.io', kind: 'Gateway', ...ref})),
		rules: (spec?.rules ?? []).map((rule: any) => ({
			...rule,
			matches: (rule.matches ?? [{}]).map((match: any) => ({
				path: {type: 'PathPrefix', value: '/'},
				...match,
				...(match.headers ? {headers: match.headers.map((header: object) => ({type: 'Exact', ...header}))} : {}),
				...(match.queryParams ? {queryParams: match.queryParams.map((param: object) => ({type: 'Exact', ...param}))} : {}),
			})),
			backendRefs: (rule.backendRefs ?? []).map((ref: object) => ({group: '', kind: 'Service', ...ref})),
		})),
	};
}

function withoutWeights(spec: any): any {
	return {...spec, rules: (spec?.rules ?? []).map((rule: Rule) => ({...rule, filters: rule.filters?.filter(f => f['type'] !== 'RequestMirror'), backendRefs: rule.backendRefs?.map(ref => ({...ref, weight: 0}))}))};
}

function stringMatch(match: StringMatch, what: string): {type: string; value: string} {
	if (match.exact !== undefined) return {type: 'Exact', value: match.exact};
	if (match.regex !== undefined) return {type: 'RegularExpression', value: match.regex};
	throw new Error(`Gateway API doesn't support the specified ${what} matching selector: ${JSON.stringify(match)}`);
}

function toRouteMatch(match: HttpMatchRequest): Record<string, unknown> {
	const path = match.uri?.regex !== undefined ? {type: 'RegularExpression', value: match.uri.regex} : match.uri?.exact !== undefined ? {type: 'Exact', value: match.uri.exact} : match.uri?.prefix !== undefined ? {type: 'PathPrefix', value: match.uri.prefix} : undefined;
	const headers = Object.entries(match.headers ?? {}).map(([name, m]) => ({name, ...stringMatch(m, 'header')}));
	const queryParams = Object.entries(match.queryParams ?? {}).map(([name, m]) => ({name, ...stringMatch(m, 'query param')}));
	return {
		...(path ? {path} : {}),
		...(headers.length ? {headers} : {}),
		...(queryParams.length ? {queryParams} : {}),
		...(match.method?.exact ? {method: match.method.exact} : {}),
	};
}

/** Every analysis match combined with every service match; the analysis' headers and query params win. */
function crossMatches(analysis: HttpMatchRequest[], service: HttpMatchRequest[]): Record<string, unknown>[] {
	if (service.length === 0) return analysis.map(toRouteMatch);
	return analysis.flatMap(a => service.map(s => toRouteMatch({...s, headers: {...s.headers, ...a.headers}, queryParams: {...s.queryParams, ...a.queryParams}})));
}

/** The route is usable only once every parent has accepted its current generation. */
function parentNotReady(route: KubeObject): string | undefined {
	const generation = route.metadata.generation ?? 0;
	for (const parent of route.status?.parents ?? []) {
		const accepted = (parent.conditions ?? []).find((c: {type: string}) => c.type === 'Accepted');
		const observed = accepted?.observedGeneration ?? 0;
		if (!accepted || accepted.status !== 'True' || observed < generation) {
			return `HTTPRoute ${route.metadata.name}.${route.metadata.namespace} parent ${parent.parentRef?.name ?? ''} is not ready (status: ${accepted?.status ?? 'Unknown'}, observed generation: ${observed}, current generation: ${generation})`;
		}
	}
	return undefined;
}
