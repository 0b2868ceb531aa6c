// The `kubernetes` provider's router (Flagger's NopRouter): no traffic weights at all; it
// reports primary 100/canary 0 before the first Blue/Green iteration and 0/100 after it.
import type {Result, Routes, RoutesAnswer} from '../core/engine/ops.js';
import type {Canary} from '../core/spec/types.js';

/** What the no-op router reports: traffic moves with the Blue/Green iterations, not weights. */
export function kubernetesRoutes(canary: Canary): Routes {
	const started = (canary.status?.iterations ?? 0) > 0;
	return {primary: started ? 0 : 100, canary: started ? 100 : 0, mirrored: false};
}

export class KubernetesNoopRouter {
	async reconcile(): Promise<Result> {
		return {ok: true};
	}

	async getRoutes(canary: Canary): Promise<RoutesAnswer> {
		return {ok: true, ...kubernetesRoutes(canary)};
	}

	async setRoutes(): Promise<Result> {
		return {ok: true};
	}
}
