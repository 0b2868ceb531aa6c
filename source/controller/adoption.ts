// Adopting canaries whose status Flagger wrote (semantics §11.1). Flagger's revision hashes
// come from a Go object dump that TypeScript cannot reproduce, so every Flagger canary looks
// "changed" to us. When the canary is at rest (Initialized or Succeeded) and its `-primary`
// already runs exactly what the target describes — the same pod template once mapped the way
// a promotion maps it, ignoring Flagger's `flagger-id`, and the same data in every tracked
// ConfigMap/Secret copy — nothing was released since the last promotion: we re-baseline the
// hashes to ours silently (one Normal event) instead of starting a release. Any real difference
// starts a release as usual.
import type {Revision} from '../core/engine/status.js';
import {hasTargetChanged, haveDependenciesChanged} from '../core/engine/status.js';
import type {Canary, CanaryStatus} from '../core/spec/types.js';
import {primaryConfigName} from '../core/workloads/config-tracking.js';
import {flaggerIdAnnotation, primaryPodTemplate} from '../core/workloads/primary-template.js';
import {canonicalJson} from '../core/workloads/template-hash.js';
import type {KubeObject, ObjectStore} from '../kube/objects.js';
import type {DeploymentWorkloads} from './deployment-workloads.js';

export type AdoptionInput = {
	status: CanaryStatus | undefined;
	revision: Revision;
	target: KubeObject;
	primary: KubeObject | undefined;
	selector: {label: string; value: string};
	/** Each tracked config's content and its `-primary` copy's (undefined when missing). */
	configs: Array<{key: string; source: unknown; copy: unknown}>;
};

export type Adoption = {adopt: false} | {adopt: true; status: CanaryStatus};

const atRest = ['Initialized', 'Succeeded'];

/** At rest, and the stored hashes say "changed": ours would start a release, Flagger's always do. */
const mayAdopt = (status: CanaryStatus | undefined, revision: Revision): status is CanaryStatus =>
	!!status && atRest.includes(status.phase) && !!status.lastAppliedSpec && (hasTargetChanged(status, revision) || haveDependenciesChanged(status, revision));

/** Whether the stored hashes differ from ours although the primary already runs the target. */
export function adoptionDecision({status, revision, target, primary, selector, configs}: AdoptionInput): Adoption {
	if (!mayAdopt(status, revision)) return {adopt: false};
	if (!primary?.spec?.template) return {adopt: false};
	const expected = primaryPodTemplate(target.spec?.template, selector.label, selector.value, configs.map(config => config.key));
	const {[flaggerIdAnnotation]: _id, ...annotations} = primary.spec.template.metadata?.annotations ?? {};
	const running = {...primary.spec.template, metadata: {...primary.spec.template.metadata, annotations}};
	if (canonicalJson(expected) !== canonicalJson(running)) return {adopt: false};
	if (configs.some(config => config.copy === undefined || canonicalJson(config.source) !== canonicalJson(config.copy))) return {adopt: false};
	const next: CanaryStatus = {...status, lastAppliedSpec: revision.hash, lastPromotedSpec: revision.hash};
	if (revision.trackedConfigs) next.trackedConfigs = revision.trackedConfigs;
	else delete next.trackedConfigs;
	return {adopt: true, status: next};
}

export const adoptedMessage = (canary: Canary) =>
	`Adopted ${canary.metadata.name}.${canary.metadata.namespace}: ${canary.spec.targetRef.name}-primary already runs the target's template; revision hashes re-baselined without a release`;

const content = (object: KubeObject | undefined) => object && {data: object.data ?? {}, binaryData: object.binaryData ?? {}};

/** Reads what `adoptionDecision` compares; undefined when a read fails (the tick then decides as usual). */
export async function checkAdoption(store: ObjectStore, workloads: DeploymentWorkloads, canary: Canary, revision: Revision): Promise<Adoption> {
	const status = canary.status;
	// The common case (our own hashes, nothing new) costs no request.
	if (!mayAdopt(status, revision)) return {adopt: false};
	const namespace = canary.metadata.namespace!;
	// Read again, not the tick's copy: a target that moved on since the tick began is a release.
	const target = await workloads.freshTarget(canary);
	const primary = await store.get('Deployment', namespace, `${target.metadata.name}-primary`);
	const selector = await workloads.selector(canary);
	const configs = await Promise.all(
		Object.keys(revision.trackedConfigs ?? {}).map(async key => {
			const [kind, name] = key.split('/') as ['configmap' | 'secret', string];
			const storeKind = kind === 'configmap' ? 'ConfigMap' : 'Secret';
			const [source, copy] = await Promise.all([store.get(storeKind, namespace, name), store.get(storeKind, namespace, primaryConfigName(name))]);
			return {key, source: content(source), copy: content(copy)};
		}),
	);
	return adoptionDecision({status, revision, target, primary, selector, configs});
}
