// Is a Flagger controller running, and which namespaces does it watch? A Deployment whose
// container image is `…/flagger:<tag>` with at least one available replica is one; its
// `-namespace` argument (Flagger's flag, `--namespace` too) limits it to one namespace, else it
// watches them all. canary-tui leaves the canaries of those namespaces to Flagger.
import type {KubeObject} from './objects.js';

export type FlaggerController = {
	/** `namespace/name` of the Deployment. */
	deployment: string;
	/** The one namespace it watches, or undefined for all namespaces. */
	watches?: string;
};

/** `ghcr.io/fluxcd/flagger:1.38.0`, `flagger:latest`, `…/flagger@sha256:…` — not flagger-loadtester. */
const flaggerImage = /(^|\/)flagger(:[^/]*|@sha256:[0-9a-f]+)?$/;

/** Flagger's `-namespace` flag in any of Go's spellings: -namespace=x, --namespace=x, -namespace x. */
export function namespaceArgument(args: readonly string[]): string | undefined {
	for (let i = 0; i < args.length; i++) {
		const match = /^--?namespace(?:=(.*))?$/.exec(args[i]!);
		if (!match) continue;
		const value = match[1] ?? args[i + 1];
		return value ? value : undefined;
	}
	return undefined;
}

export function flaggerControllers(deployments: readonly KubeObject[]): FlaggerController[] {
	const found: FlaggerController[] = [];
	for (const deployment of deployments) {
		if ((deployment.status?.availableReplicas ?? 0) < 1) continue;
		const container = (deployment.spec?.template?.spec?.containers ?? []).find((c: any) => typeof c?.image === 'string' && flaggerImage.test(c.image));
		if (!container) continue;
		const args = [...(container.command ?? []), ...(container.args ?? [])].map(String);
		found.push({deployment: `${deployment.metadata.namespace}/${deployment.metadata.name}`, watches: namespaceArgument(args)});
	}
	return found.sort((a, b) => a.deployment.localeCompare(b.deployment));
}

/** The Flagger controller that drives canaries of `namespace`, if any. */
export function flaggerFor(controllers: readonly FlaggerController[], namespace: string): FlaggerController | undefined {
	return controllers.find(controller => controller.watches === undefined || controller.watches === namespace);
}

/** The header line for a scope some Flagger drives (all of it for `-n`, some namespaces for `-A`). */
export function flaggerNotice(controllers: readonly FlaggerController[], namespace: string | undefined): string | undefined {
	if (controllers.length === 0) return undefined;
	if (namespace !== undefined) {
		const owner = flaggerFor(controllers, namespace);
		return owner ? `Flagger ${owner.deployment} drives these canaries; read-only` : undefined;
	}
	const everything = controllers.find(controller => controller.watches === undefined);
	if (everything) return `Flagger ${everything.deployment} drives these canaries; read-only`;
	const scoped = controllers.map(controller => controller.watches!);
	return `Flagger ${controllers.map(c => c.deployment).join(', ')} drives the canaries in ${[...new Set(scoped)].join(', ')}; those are read-only`;
}
