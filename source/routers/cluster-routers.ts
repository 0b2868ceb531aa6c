// Which router drives a canary in a cluster, by its provider (Flagger's router factory, for
// the providers canary-tui implements).
import type {Canary} from '../core/spec/types.js';
import type {DeploymentWorkloads} from '../controller/deployment-workloads.js';
import type {MeshRouter} from '../controller/ports.js';
import type {ObjectStore} from '../kube/objects.js';
import {AppMeshRouter} from './appmesh-router.js';
import {GatewayApiRouter} from './gatewayapi-router.js';
import {KubernetesNoopRouter} from './kubernetes-router.js';

export function clusterRouters(store: ObjectStore, workloads: DeploymentWorkloads): (canary: Canary) => MeshRouter {
	const kubernetes = new KubernetesNoopRouter();
	const appMesh = new AppMeshRouter(store, async canary => (await workloads.selector(canary)).label);
	const gatewayV1 = new GatewayApiRouter(store, 'v1');
	const gatewayV1beta1 = new GatewayApiRouter(store, 'v1beta1');
	return canary => {
		const provider = canary.spec.provider ?? '';
		if (provider === 'kubernetes') return kubernetes;
		if (provider.startsWith('appmesh')) return appMesh;
		if (provider === 'gatewayapi:v1') return gatewayV1;
		if (provider === 'gatewayapi:v1beta1') return gatewayV1beta1;
		const refuse = {ok: false as const, error: `provider ${provider || '(empty)'} is not supported by canary-tui yet: use kubernetes, gatewayapi:v1 or appmesh:v1beta2`};
		return {reconcile: async () => refuse, getRoutes: async () => refuse, setRoutes: async () => refuse};
	};
}
