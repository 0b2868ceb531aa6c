// Flagger's Deployment controller and Kubernetes router (semantics §7.1, §8) against the
// ObjectStore port: the same code bootstraps podinfo-primary, scales the target, promotes
// by copying the template and keeps the three ClusterIP services, in the embedded cluster
// and (through the client-node store) in a real one.
import type {Readiness, Result} from '../core/engine/ops.js';
import type {Revision} from '../core/engine/status.js';
import {apexName, canaryReadyThreshold, primaryReadyThreshold, progressDeadlineSeconds} from '../core/spec/defaults.js';
import type {Canary} from '../core/spec/types.js';
import {deploymentReadiness, type DeploymentState} from '../core/workloads/deployment-readiness.js';
import {templateHash} from '../core/workloads/template-hash.js';
import {configChecksum, configKey, configReferences, isTracked, primaryConfigName, type ConfigKind} from '../core/workloads/config-tracking.js';
import {flaggerIdAnnotation, primaryPodTemplate, withoutToolkit} from '../core/workloads/primary-template.js';
import {ApiError, type KubeObject, type ObjectStore} from '../kube/objects.js';

const selectorLabels = ['app', 'name', 'app.kubernetes.io/name'];
const ok: Result = {ok: true};
const failure = (error: unknown): Result => ({ok: false, error: error instanceof Error ? error.message : String(error)});

/** A referenced ConfigMap or Secret that config tracking counts (§3.2). */
type TrackedConfig = {key: string; kind: ConfigKind; object: KubeObject; checksum: string};
const configKinds: Record<ConfigKind, string> = {configmap: 'ConfigMap', secret: 'Secret'};

export type WorkloadOptions = {store: ObjectStore; now: () => number; newId: () => string};

type TickScope = {target?: Promise<KubeObject>};
const tickKey = (canary: Canary) => `${canary.metadata.name}.${canary.metadata.namespace}`;

export class DeploymentWorkloads {
	/** Per canary (name.namespace), the tick running now and the target it read. */
	private readonly ticks = new Map<string, TickScope>();

	constructor(private readonly options: WorkloadOptions) {}

	private get store() {
		return this.options.store;
	}

	/**
	 * Runs one tick of `canary`: while it runs, the ops that only read the target (revision,
	 * selector, bootstrap, adoption) share one GET of it; writes read it afresh. Nothing read
	 * here outlives the tick, so the next tick sees every change made in between.
	 */
	async duringTick<T>(canary: Canary, run: () => Promise<T>): Promise<T> {
		const key = tickKey(canary);
		const scope: TickScope = {};
		this.ticks.set(key, scope);
		try {
			return await run();
		} finally {
			if (this.ticks.get(key) === scope) this.ticks.delete(key);
		}
	}

	/** The target Deployment: once per tick (see `duringTick`), else from the API server. */
	async target(canary: Canary): Promise<KubeObject> {
		const scope = this.ticks.get(tickKey(canary));
		if (!scope) return this.freshTarget(canary);
		scope.target ??= this.freshTarget(canary);
		return scope.target;
	}

	/** The target from the API server, even during a tick. */
	async freshTarget(canary: Canary): Promise<KubeObject> {
		const namespace = canary.metadata.namespace!;
		const {name} = canary.spec.targetRef;
		const found = await this.store.get('Deployment', namespace, name);
		if (!found) throw new Error(`deployment ${name}.${namespace} get query error: deployments.apps "${name}" not found`);
		return found;
	}

	/** After this tick wrote the target, its reads must see the write. */
	private forgetTarget(canary: Canary): void {
		const scope = this.ticks.get(tickKey(canary));
		if (scope) delete scope.target;
	}

	async revision(canary: Canary): Promise<Revision> {
		const target = await this.target(canary);
		const tracked = await this.trackedConfigs(canary, target);
		const revision: Revision = {hash: templateHash(target.spec?.template)};
		if (tracked.length > 0) revision.trackedConfigs = Object.fromEntries(tracked.map(config => [config.key, config.checksum]));
		return revision;
	}

	/** GetTargetConfigs: the tracked ConfigMaps and Secrets of the target's pod spec. */
	private async trackedConfigs(canary: Canary, target: KubeObject): Promise<TrackedConfig[]> {
		const namespace = canary.metadata.namespace!;
		const tracked: TrackedConfig[] = [];
		for (const ref of configReferences(target.spec?.template?.spec)) {
			const object = await this.store.get(configKinds[ref.kind], namespace, ref.name);
			if (!object) {
				// Optional and missing: skipped, as Flagger does after logging it.
				if (ref.optional) continue;
				throw new Error(`${ref.kind} ${ref.name}.${namespace} get query error: ${ref.kind === 'configmap' ? 'configmaps' : 'secrets'} "${ref.name}" not found`);
			}
			if (!isTracked(ref.kind, object)) continue;
			tracked.push({key: configKey(ref.kind, ref.name), kind: ref.kind, object, checksum: configChecksum(object.data as Record<string, string> | undefined)});
		}
		return tracked;
	}

	/** CreatePrimaryConfigs: `<name>-primary` copies of the tracked objects, owned by the Canary. */
	private async applyPrimaryConfigs(canary: Canary, tracked: TrackedConfig[]): Promise<void> {
		const namespace = canary.metadata.namespace!;
		const owner = this.owner(canary);
		for (const {kind, object} of tracked) {
			const name = primaryConfigName(object.metadata.name);
			const content: Record<string, unknown> =
				kind === 'configmap'
					? {data: object.data, binaryData: object.binaryData}
					: {type: (object.type as string | undefined) || 'Opaque', data: object.data};
			for (const field of Object.keys(content)) if (content[field] === undefined) delete content[field];
			const labels = withoutToolkit(object.metadata.labels);
			const annotations = withoutToolkit(object.metadata.annotations);
			for (let attempt = 0; ; attempt++) {
				const existing = await this.store.get(configKinds[kind], namespace, name);
				if (!existing) {
					await this.store.create({
						apiVersion: 'v1',
						kind: configKinds[kind],
						metadata: {name, namespace, labels, annotations, ownerReferences: [owner]},
						...content,
					});
					break;
				}
				// Other owners are kept, as non-controllers.
				const ownerReferences = [
					...(existing.metadata.ownerReferences ?? []).filter(ref => ref.uid !== owner.uid || ref.kind !== owner.kind).map(ref => ({...ref, controller: false})),
					owner,
				];
				const updated: KubeObject = {...existing, metadata: {...existing.metadata, labels, annotations, ownerReferences}, ...content};
				if (kind === 'configmap') {
					if (!('data' in content)) delete updated.data;
					if (!('binaryData' in content)) delete updated.binaryData;
				} else if (!('data' in content)) delete updated.data;
				if (JSON.stringify(updated) === JSON.stringify(existing)) break;
				try {
					await this.store.update(updated);
					break;
				} catch (error) {
					if (error instanceof ApiError && error.reason === 'Conflict' && attempt < 4) continue;
					throw new Error(`updating ${kind} ${name}.${namespace} failed: ${(error as Error).message}`);
				}
			}
		}
	}

	/** The selector label and its value, e.g. app: podinfo. */
	async selector(canary: Canary): Promise<{label: string; value: string}> {
		const target = await this.target(canary);
		const labels: Record<string, string> = target.spec?.selector?.matchLabels ?? {};
		const label = selectorLabels.find(candidate => labels[candidate] !== undefined);
		if (!label) {
			throw new Error(`deployment ${target.metadata.name}.${target.metadata.namespace} spec.selector.matchLabels must contain one of [${selectorLabels.join(' ')}]`);
		}
		return {label, value: labels[label]!};
	}

	/** Kubernetes router Initialize: the -canary and -primary services. */
	async initializeServices(canary: Canary): Promise<Result> {
		try {
			const {label, value} = await this.selector(canary);
			const apex = apexName(canary);
			await this.upsertService(canary, `${apex}-canary`, {[label]: value}, canary.spec.service.canary?.labels, label);
			await this.upsertService(canary, `${apex}-primary`, {[label]: `${value}-primary`}, canary.spec.service.primary?.labels, label);
			return ok;
		} catch (error) {
			return failure(error);
		}
	}

	/** Kubernetes router Reconcile: the apex service selects the primary's pods. */
	async reconcileApexService(canary: Canary): Promise<Result> {
		try {
			const {label, value} = await this.selector(canary);
			await this.upsertService(canary, apexName(canary), {[label]: `${value}-primary`}, canary.spec.service.apex?.labels, label);
			return ok;
		} catch (error) {
			return failure(error);
		}
	}

	private async upsertService(canary: Canary, name: string, selector: Record<string, string>, labels: Record<string, string> | undefined, label: string): Promise<void> {
		const namespace = canary.metadata.namespace!;
		const {service} = canary.spec;
		const spec = {
			type: 'ClusterIP',
			selector,
			ports: [{name: service.portName || 'http', protocol: 'TCP', port: service.port, targetPort: service.targetPort ?? service.port}],
		};
		const existing = await this.store.get('Service', namespace, name);
		if (!existing) {
			await this.store.create({
				apiVersion: 'v1',
				kind: 'Service',
				metadata: {name, namespace, labels: {...labels, [label]: name}, ownerReferences: [this.owner(canary)]},
				spec,
			});
			return;
		}
		if (JSON.stringify(existing.spec?.selector) !== JSON.stringify(selector) || JSON.stringify(existing.spec?.ports) !== JSON.stringify(spec.ports)) {
			await this.store.update({...existing, spec: {...existing.spec, selector, ports: spec.ports}});
		}
	}

	private owner(canary: Canary) {
		return {apiVersion: 'flagger.app/v1beta1', kind: 'Canary', name: canary.metadata.name, uid: canary.metadata.uid ?? '', controller: true};
	}

	/** createPrimaryDeployment (§8.1), only when the primary does not exist yet. */
	async initializePrimary(canary: Canary): Promise<Result> {
		try {
			const target = await this.target(canary);
			const namespace = canary.metadata.namespace!;
			const primaryName = `${target.metadata.name}-primary`;
			if (await this.store.get('Deployment', namespace, primaryName)) return ok;
			const {label, value} = await this.selector(canary);
			const spec = target.spec;
			const tracked = await this.trackedConfigs(canary, target);
			await this.applyPrimaryConfigs(canary, tracked);
			await this.store.create({
				apiVersion: 'apps/v1',
				kind: 'Deployment',
				metadata: {
					name: primaryName,
					namespace,
					labels: {[label]: `${value}-primary`},
					annotations: withoutToolkit(target.metadata.annotations),
					ownerReferences: [this.owner(canary)],
				},
				spec: {
					progressDeadlineSeconds: spec.progressDeadlineSeconds,
					minReadySeconds: spec.minReadySeconds,
					revisionHistoryLimit: spec.revisionHistoryLimit,
					strategy: spec.strategy,
					replicas: (spec.replicas ?? 1) > 0 ? spec.replicas ?? 1 : 1,
					selector: {matchLabels: {[label]: `${value}-primary`}},
					template: this.primaryTemplate(spec.template, label, value, tracked),
				},
			});
			return ok;
		} catch (error) {
			return failure(error);
		}
	}

	private primaryTemplate(template: any, label: string, value: string, tracked: TrackedConfig[]) {
		const primary = primaryPodTemplate(template, label, value, tracked.map(config => config.key));
		// A new id on every promotion forces a rolling update of the primary.
		return {...primary, metadata: {...primary.metadata, annotations: {...primary.metadata.annotations, [flaggerIdAnnotation]: this.options.newId()}}};
	}

	/** Promote (§8.2): copy the target's template and rollout settings into the primary. */
	async promote(canary: Canary): Promise<Result> {
		const namespace = canary.metadata.namespace!;
		for (let attempt = 0; attempt < 5; attempt++) {
			try {
				// Promotion copies what the target says now, like Flagger's own read here.
				const target = await this.freshTarget(canary);
				const primaryName = `${target.metadata.name}-primary`;
				const primary = await this.store.get('Deployment', namespace, primaryName);
				if (!primary) return {ok: false, error: `deployment ${primaryName}.${namespace} get query error: deployments.apps "${primaryName}" not found`};
				const {label, value} = await this.selector(canary);
				const spec = target.spec;
				const tracked = await this.trackedConfigs(canary, target);
				await this.applyPrimaryConfigs(canary, tracked);
				await this.store.update({
					...primary,
					spec: {
						...primary.spec,
						progressDeadlineSeconds: spec.progressDeadlineSeconds,
						minReadySeconds: spec.minReadySeconds,
						revisionHistoryLimit: spec.revisionHistoryLimit,
						strategy: spec.strategy,
						...(canary.spec.autoscalerRef ? {} : {replicas: spec.replicas}),
						template: this.primaryTemplate(spec.template, label, value, tracked),
					},
				});
				return ok;
			} catch (error) {
				if (error instanceof ApiError && error.reason === 'Conflict') continue;
				return {ok: false, error: `updating deployment ${canary.spec.targetRef.name}-primary.${namespace} template spec failed: ${(error as Error).message}`};
			}
		}
		return {ok: false, error: `updating deployment ${canary.spec.targetRef.name}-primary.${namespace} template spec failed: too many conflicts`};
	}

	async scaleToZero(canary: Canary): Promise<Result> {
		return this.scale(canary, 0);
	}

	/** ScaleFromZero (§8.3): the target's replicas, else the primary's, else the HPA minimum, else 1. */
	async scaleFromZero(canary: Canary): Promise<Result> {
		try {
			const target = await this.target(canary);
			let replicas: number = target.spec?.replicas ?? 0;
			const namespace = canary.metadata.namespace!;
			if (replicas <= 0 && !canary.spec.autoscalerRef) {
				const primary = await this.store.get('Deployment', namespace, `${target.metadata.name}-primary`);
				replicas = primary?.spec?.replicas ?? 0;
			}
			if (replicas <= 0 && canary.spec.autoscalerRef?.kind === 'HorizontalPodAutoscaler') {
				const hpa = await this.store.get('HorizontalPodAutoscaler', namespace, canary.spec.autoscalerRef.name);
				if ((hpa?.spec?.minReplicas ?? 0) > 1) replicas = hpa!.spec.minReplicas;
			}
			return this.scale(canary, replicas > 0 ? replicas : 1);
		} catch (error) {
			return failure(error);
		}
	}

	private async scale(canary: Canary, replicas: number): Promise<Result> {
		const namespace = canary.metadata.namespace!;
		for (let attempt = 0; attempt < 5; attempt++) {
			try {
				const target = await this.freshTarget(canary);
				if (target.spec?.replicas === replicas) return ok;
				await this.store.update({...target, spec: {...target.spec, replicas}});
				this.forgetTarget(canary);
				return ok;
			} catch (error) {
				if (error instanceof ApiError && error.reason === 'Conflict') continue;
				return {ok: false, error: `scaling ${canary.spec.targetRef.name}.${namespace} to ${replicas} failed: ${(error as Error).message}`};
			}
		}
		return {ok: false, error: `scaling ${canary.spec.targetRef.name}.${namespace} to ${replicas} failed: too many conflicts`};
	}

	/** The primary HPA `<hpa>-primary`, created at init and updated while promoting (§8.4). */
	async reconcilePrimaryScaler(canary: Canary, init: boolean): Promise<Result> {
		const ref = canary.spec.autoscalerRef;
		if (!ref || ref.kind !== 'HorizontalPodAutoscaler') return ok;
		try {
			const namespace = canary.metadata.namespace!;
			const hpa = await this.store.get('HorizontalPodAutoscaler', namespace, ref.name);
			if (!hpa) return {ok: false, error: `HorizontalPodAutoscaler ${ref.name}.${namespace} get query error: horizontalpodautoscalers.autoscaling "${ref.name}" not found`};
			const spec = {
				...hpa.spec,
				scaleTargetRef: {...hpa.spec.scaleTargetRef, name: `${canary.spec.targetRef.name}-primary`},
				minReplicas: ref.primaryScalerReplicas?.minReplicas ?? hpa.spec.minReplicas,
				maxReplicas: ref.primaryScalerReplicas?.maxReplicas ?? hpa.spec.maxReplicas,
			};
			const name = `${ref.name}-primary`;
			const existing = await this.store.get('HorizontalPodAutoscaler', namespace, name);
			if (!existing) {
				await this.store.create({apiVersion: hpa.apiVersion, kind: 'HorizontalPodAutoscaler', metadata: {name, namespace, labels: withoutToolkit(hpa.metadata.labels), ownerReferences: [this.owner(canary)]}, spec});
			} else if (!init && JSON.stringify(existing.spec) !== JSON.stringify(spec)) {
				await this.store.update({...existing, spec});
			}
			return ok;
		} catch (error) {
			return failure(error);
		}
	}

	async primaryReady(canary: Canary): Promise<Readiness> {
		return this.readiness(canary, `${canary.spec.targetRef.name}-primary`, 'primary', primaryReadyThreshold(canary));
	}

	async canaryReady(canary: Canary): Promise<Readiness> {
		return this.readiness(canary, canary.spec.targetRef.name, 'canary', canaryReadyThreshold(canary));
	}

	private async readiness(canary: Canary, name: string, role: 'primary' | 'canary', threshold: number): Promise<Readiness> {
		const namespace = canary.metadata.namespace!;
		const deployment = await this.store.get('Deployment', namespace, name);
		if (!deployment) return {ready: false, retriable: true, error: `deployment ${name}.${namespace} get query error: deployments.apps "${name}" not found`};
		const status = deployment.status ?? {};
		const state: DeploymentState = {
			name,
			namespace,
			generation: deployment.metadata.generation ?? 1,
			replicas: deployment.spec?.replicas ?? 1,
			status: {
				observedGeneration: status.observedGeneration ?? 0,
				replicas: status.replicas ?? 0,
				updatedReplicas: status.updatedReplicas ?? 0,
				availableReplicas: status.availableReplicas ?? 0,
				conditions: status.conditions ?? [],
			},
		};
		return deploymentReadiness(state, role, threshold, progressDeadlineSeconds(canary), this.options.now());
	}
}
