// The fields an alert carries (Flagger's alert() and alertMetadata() in pkg/controller/events.go):
// `Cluster` when --cluster-name is set, then, for alerts with metadata, Target, Failed checks
// threshold, Progress deadline and Traffic routing — read from the raw spec as Flagger does, so
// `max:` shows 0 when maxWeight is unset.
import {analysisThreshold, getAnalysis, progressDeadlineSeconds} from '../core/spec/defaults.js';
import type {Canary} from '../core/spec/types.js';

export type Field = {name: string; value: string};

export function alertFields(canary: Canary, withMetadata: boolean, clusterName?: string): Field[] {
	const fields: Field[] = [];
	if (clusterName) fields.push({name: 'Cluster', value: clusterName});
	if (!withMetadata) return fields;
	const {kind, name} = canary.spec.targetRef;
	fields.push(
		{name: 'Target', value: `${kind}/${name}.${canary.metadata.namespace}`},
		{name: 'Failed checks threshold', value: String(analysisThreshold(canary))},
		{name: 'Progress deadline', value: `${progressDeadlineSeconds(canary)}s`},
	);
	const routing = trafficRouting(canary);
	if (routing) fields.push({name: 'Traffic routing', value: routing});
	return fields;
}

function trafficRouting(canary: Canary): string | undefined {
	const analysis = getAnalysis(canary);
	const max = analysis.maxWeight ?? 0;
	if ((analysis.stepWeight ?? 0) > 0) return `Weight step: ${analysis.stepWeight} max: ${max}`;
	if ((analysis.stepWeights?.length ?? 0) > 0) return `Weight steps: ${analysis.stepWeights!.join(',')} max: ${max}`;
	if ((analysis.match?.length ?? 0) > 0) return 'A/B Testing';
	if ((analysis.iterations ?? 0) > 0) return 'Blue/Green';
	return undefined;
}
