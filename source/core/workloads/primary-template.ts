// The pod template a primary Deployment gets from its target (Flagger's createPrimaryDeployment
// and Promote, semantics §8.1–8.2): the selector label's value gets `-primary`, Flux's toolkit
// keys are dropped and tracked ConfigMaps/Secrets are renamed to their `-primary` copies. The
// `flagger-id` annotation (a new UUID per promotion) is added by the caller.
import {renameForPrimary, type TrackedSet} from './config-tracking.js';

export const flaggerIdAnnotation = 'flagger-id';

export const withoutToolkit = (map: Record<string, string> | undefined) =>
	Object.fromEntries(Object.entries(map ?? {}).filter(([key]) => !key.includes('toolkit.fluxcd.io')));

export function primaryPodTemplate(template: any, label: string, value: string, tracked: TrackedSet) {
	return {
		metadata: {
			...template?.metadata,
			labels: {...withoutToolkit(template?.metadata?.labels), [label]: `${value}-primary`},
			annotations: withoutToolkit(template?.metadata?.annotations),
		},
		spec: renameForPrimary(template?.spec ?? {}, tracked),
	};
}
