// The traffic split a mesh router holds, with what each provider's router can and cannot
// do (semantics §3.7, §7): only Istio and Gateway API mirror; the kubernetes provider has
// no weights at all and reports 100/0 before the first iteration and 0/100 after it.
import type {Routes} from '../core/engine/ops.js';
import type {Canary} from '../core/spec/types.js';
import {missingGatewayRefs} from './gatewayapi-router.js';
import {kubernetesRoutes} from './kubernetes-router.js';

const mirroring = (provider: string) => provider === 'istio' || provider.startsWith('gatewayapi') || !knownProviders.has(provider);
const knownProviders = new Set(['apisix', 'appmesh', 'appmesh:v1beta2', 'contour', 'gatewayapi:v1', 'gatewayapi:v1beta1', 'gloo', 'istio', 'knative', 'kubernetes', 'kuma', 'linkerd', 'nginx', 'osm', 'skipper', 'smi:v1alpha1', 'smi:v1alpha2', 'smi:v1alpha3', 'traefik']);

export class RouterModel {
	private routes: Routes = {primary: 100, canary: 0, mirrored: false};

	constructor(private readonly provider: string) {}

	/** Reconcile: the Gateway API router refuses to work without parent gateways. */
	reconcile(canary: Canary): {ok: true} | {ok: false; error: string} {
		if (this.provider.startsWith('gatewayapi:') && (canary.spec.service.gatewayRefs?.length ?? 0) === 0) {
			return {ok: false, error: missingGatewayRefs};
		}
		return {ok: true};
	}

	get(canary: Canary): Routes {
		if (this.provider === 'kubernetes') return kubernetesRoutes(canary);
		return {...this.routes};
	}

	set(primary: number, canary: number, mirrored: boolean): void {
		if (this.provider === 'kubernetes') return;
		this.routes = {primary, canary, mirrored: mirrored && mirroring(this.provider)};
	}
}
