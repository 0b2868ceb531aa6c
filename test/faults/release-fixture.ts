// One namespace on the real API server with the seed's podinfo, a Gateway and a Canary
// (gatewayapi:v1, 10s interval, threshold 2, steps of 20 up to 60) whose only check is a
// rollout webhook served by the test; the Canary's status and the HTTPRoute's weights are
// recorded as the API shows them, for releaseProblems() to judge each release.
import type {Connection} from '../../source/kube/connection.js';
import {KubeStore} from '../../source/kube/kube-store.js';
import type {KubeObject} from '../../source/kube/objects.js';
import {fixture, sleep} from '../cluster/controller-harness.js';
import {GateWebhook} from './gate-webhook.js';
import {releaseProblems, type ExpectedRelease, type RouteWeights, type StatusSnapshot} from './release-history.js';

export const threshold = 2;
export const succeeds: ExpectedRelease = {outcome: 'Succeeded', weights: [20, 40, 60], threshold, routes: [[100, 0], [80, 20], [60, 40], [40, 60], [100, 0]]};
export const failsAt40: ExpectedRelease = {outcome: 'Failed', weights: [20, 40], threshold, routes: [[100, 0], [80, 20], [60, 40], [100, 0]]};

export class ReleaseFixture {
	readonly namespace: string;
	readonly statuses: StatusSnapshot[] = [];
	readonly routes: RouteWeights[] = [];
	/** While true, the webhook fails from weight 40 on (a failsAt40 release). */
	failing = false;
	admin!: KubeStore;
	private observer!: KubeStore;
	private stopObserving?: () => void;
	private version = 1;
	// Reads the weight from the API at call time, so the answer does not depend on when a watch event arrives.
	readonly gate = new GateWebhook(async () => {
		const weight = (await this.admin.get('Canary', this.namespace, 'podinfo'))?.status?.canaryWeight ?? 0;
		return this.failing && weight >= 40 ? {status: 500, body: 'gate closed'} : {status: 200, body: 'ok'};
	});

	constructor(
		private readonly connection: Connection,
		prefix: string,
	) {
		this.namespace = `${prefix}-${Math.floor(Math.random() * 0xffffff).toString(16)}`;
	}

	async start(): Promise<void> {
		const {kc} = this.connection;
		const namespace = this.namespace;
		this.admin = new KubeStore({kc});
		await this.gate.start();
		await this.admin.create({apiVersion: 'v1', kind: 'Namespace', metadata: {name: namespace}});
		this.observer = new KubeStore({kc, namespace, kinds: ['Canary', 'HTTPRoute']});
		this.stopObserving = this.observer.watch(({object}) => this.record(object));
		await this.observer.synced();
		await this.admin.create({apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: {name: 'gw', namespace}, spec: {gatewayClassName: 'none', listeners: [{name: 'http', port: 80, protocol: 'HTTP'}]}});
		const [deployment] = fixture('deployment.yaml');
		await this.admin.create({...deployment!, metadata: {...deployment!.metadata, namespace}});
		const [canary] = fixture('canary.yaml');
		const {autoscalerRef: _autoscalerRef, analysis: _analysis, ...spec} = canary!.spec;
		await this.admin.create({
			...canary!,
			metadata: {name: 'podinfo', namespace},
			spec: {
				...spec,
				provider: 'gatewayapi:v1',
				service: {port: 9898, targetPort: 9898, gatewayRefs: [{name: 'gw', namespace}]},
				analysis: {interval: '10s', threshold, stepWeight: 20, maxWeight: 60, webhooks: [{name: 'gate', type: 'rollout', url: this.gate.url, timeout: '5s'}]},
			},
		} as KubeObject);
	}

	private record(object: KubeObject): void {
		if (object.kind === 'HTTPRoute') {
			const backends: any[] = object.spec?.rules?.[0]?.backendRefs ?? [];
			const weight = (suffix: string) => backends.find(ref => ref.name.endsWith(suffix))?.weight;
			this.routes.push([weight('-primary'), weight('-canary')]);
		} else if (object.status) {
			const {phase, canaryWeight, failedChecks} = object.status;
			const last = this.statuses.at(-1);
			if (!last || last.phase !== phase || last.canaryWeight !== canaryWeight || last.failedChecks !== failedChecks) this.statuses.push({phase, canaryWeight, failedChecks});
		}
	}

	phase(): string | undefined {
		return this.statuses.at(-1)?.phase;
	}

	/**
	 * Ships the next image and waits for the release to end (`during` runs meanwhile: kills,
	 * faults); returns what went wrong, judged against `expected`.
	 */
	async release(expected: ExpectedRelease, during: (ended: () => boolean) => Promise<void>, timeoutMs = 300_000): Promise<string[]> {
		this.failing = expected.outcome === 'Failed';
		const from = {statuses: this.statuses.length, routes: Math.max(0, this.routes.length - 1)};
		const window = () => this.statuses.slice(from.statuses);
		const ended = () => window().some(s => s.phase === 'Progressing') && ['Succeeded', 'Failed'].includes(window().at(-1)?.phase ?? '');
		await setImage(this.admin, this.namespace, `ghcr.io/stefanprodan/podinfo:5.0.${this.version++}`);
		await during(ended);
		const deadline = Date.now() + timeoutMs;
		while (!ended()) {
			if (Date.now() > deadline) return [`did not end within ${timeoutMs / 1000}s: ${JSON.stringify(window())}`];
			await sleep(250);
		}
		return releaseProblems(window(), this.routes.slice(from.routes), expected);
	}

	async stop(): Promise<void> {
		this.stopObserving?.();
		await this.observer?.close();
		await this.gate.stop();
		if (process.env['CANARY_TUI_KEEP'] !== '1') await this.admin?.delete('Namespace', '', this.namespace).catch(() => {});
		await this.admin?.close();
	}
}

/** Ships `image` in the podinfo Deployment, retrying when the controller's scaling got there first. */
export async function setImage(store: KubeStore, namespace: string, image: string): Promise<void> {
	for (let attempt = 0; ; attempt++) {
		const target = (await store.get('Deployment', namespace, 'podinfo'))!;
		target.spec.template.spec.containers[0].image = image;
		try {
			await store.update(target);
			return;
		} catch (error) {
			if (attempt >= 4) throw error;
		}
	}
}
