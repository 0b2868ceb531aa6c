// Which builtin observer answers a canary's request-success-rate and request-duration
// (semantics §6.2, `runBuiltinMetricChecks` and `observers/factory.go`).
import {defaultMeshProvider} from '../spec/defaults.js';
import type {Canary} from '../spec/types.js';

/** The provider name Flagger picks its observer by (and prints in "no values found" events). */
export function metricsProviderFor(canary: Canary, meshProvider: string = defaultMeshProvider): string {
	let provider = meshProvider.includes('crossover') ? 'crossover' : meshProvider;
	if (canary.spec.provider) {
		provider = canary.spec.provider;
		if (meshProvider.includes('linkerd')) provider = 'linkerd';
	}
	if (canary.spec.targetRef.kind === 'Service') provider += ':service';
	return provider;
}

export type Observer = 'appmesh' | 'linkerd' | 'istio' | 'http' | {unsupported: string};

// Observers Flagger has and canary-tui does not: querying Istio's metrics for them instead
// would be a silent lie, so they are refused by name.
const unsupported: Array<[match: (provider: string) => boolean, name: string]> = [
	[p => p === 'contour', 'contour'],
	[p => p.startsWith('gloo'), 'gloo'],
	[p => p === 'nginx', 'nginx'],
	[p => p === 'skipper', 'skipper'],
	[p => p === 'traefik', 'traefik'],
	[p => p === 'osm', 'osm'],
	[p => p === 'kuma', 'kuma'],
	[p => p === 'apisix', 'apisix'],
	[p => p === 'knative', 'knative'],
	[p => p === 'crossover' || p === 'crossover:service', 'crossover'],
];

/** Flagger's observer switch: prefix appmesh, linkerd, istio, kubernetes or prefix gatewayapi; anything else is Istio. */
export function observerFor(provider: string): Observer {
	if (provider.startsWith('appmesh')) return 'appmesh';
	if (provider === 'linkerd') return 'linkerd';
	if (provider === 'istio') return 'istio';
	if (provider === 'kubernetes' || provider.startsWith('gatewayapi')) return 'http';
	const refused = unsupported.find(([match]) => match(provider));
	if (refused) return {unsupported: refused[1]};
	return 'istio';
}
