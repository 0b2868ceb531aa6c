// Flagger's defaulting getters (pkg/apis/flagger/v1beta1/canary.go). The CRD applies no
// defaults; Flagger applies them in code each time a field is read, and so do we.
import {parseGoDuration} from '../format/go-duration.js';
import type {Canary, CanaryAnalysis, CanaryMetric, CanaryWebhook} from './types.js';

const second = 1_000_000_000;
export const defaultAnalysisInterval = 60 * second;
export const minAnalysisInterval = 10 * second;
export const defaultMetricInterval = '1m';
export const defaultWebhookTimeout = 10 * second;
export const defaultProgressDeadlineSeconds = 600;
export const defaultReadyThreshold = 100;
export const totalWeight = 100;
/** Flagger's `-mesh-provider` default when neither the flag nor spec.provider is set. */
export const defaultMeshProvider = 'istio';

const emptyAnalysis: CanaryAnalysis = {};

export function getAnalysis(canary: Canary): CanaryAnalysis {
	return canary.spec.analysis ?? canary.spec.canaryAnalysis ?? emptyAnalysis;
}

/** Analysis is skipped when asked to, or when the canary has no analysis at all. */
export function skipAnalysis(canary: Canary): boolean {
	if (!canary.spec.analysis && !canary.spec.canaryAnalysis) return true;
	return canary.spec.skipAnalysis === true;
}

/** Nanoseconds between ticks: 60s when unset or unparsable, never below 10s. */
export function analysisInterval(canary: Canary): number {
	const raw = getAnalysis(canary).interval;
	if (!raw) return defaultAnalysisInterval;
	const parsed = parseGoDuration(raw);
	if (parsed === undefined) return defaultAnalysisInterval;
	return parsed < minAnalysisInterval ? minAnalysisInterval : parsed;
}

export function analysisThreshold(canary: Canary): number {
	const threshold = getAnalysis(canary).threshold ?? 0;
	return threshold > 0 ? threshold : 1;
}

export function maxWeight(canary: Canary): number {
	const analysis = getAnalysis(canary);
	const steps = analysis.stepWeights ?? [];
	if (steps.length > 0) return Math.min(steps[steps.length - 1]!, totalWeight);
	if ((analysis.maxWeight ?? 0) > 0) return analysis.maxWeight!;
	return totalWeight;
}

/** Flagger's nextStepWeight: the increment from the current canary weight. */
export function nextStepWeight(canary: Canary, canaryWeight: number): number {
	const analysis = getAnalysis(canary);
	const steps = analysis.stepWeights ?? [];
	const stepWeight = analysis.stepWeight ?? 0;
	if (stepWeight > 0 || steps.length === 0) return stepWeight;
	const maxStep = totalWeight - canaryWeight;
	// At full weight any positive step sends the canary down the promotion branch.
	if (maxStep === 0) return 1;
	if (canaryWeight === 0) return Math.min(steps[0]!, maxStep);
	for (let i = 0; i < steps.length; i++) {
		if (steps[i] === canaryWeight && i + 1 < steps.length) return Math.min(steps[i + 1]! - steps[i]!, maxStep);
	}
	return maxStep;
}

export function progressDeadlineSeconds(canary: Canary): number {
	return canary.spec.progressDeadlineSeconds ?? defaultProgressDeadlineSeconds;
}

export function primaryReadyThreshold(canary: Canary): number {
	return getAnalysis(canary).primaryReadyThreshold ?? defaultReadyThreshold;
}

export function canaryReadyThreshold(canary: Canary): number {
	return getAnalysis(canary).canaryReadyThreshold ?? defaultReadyThreshold;
}

/** The window of a builtin or inline-query metric; template metrics get none (quirk Q6). */
export function metricInterval(metric: CanaryMetric): string {
	return metric.interval ?? '';
}

export function builtinMetricInterval(metric: CanaryMetric): string {
	return metric.interval || defaultMetricInterval;
}

/** Webhook timeout in nanoseconds: values shorter than two characters mean 10s. */
export function webhookTimeout(hook: CanaryWebhook): number {
	const raw = hook.timeout ?? '';
	if (raw.length < 2) return defaultWebhookTimeout;
	return parseGoDuration(raw) ?? defaultWebhookTimeout;
}

export type Strategy = 'canary' | 'blue-green' | 'ab-testing';

export function deploymentStrategy(canary: Canary): Strategy {
	const analysis = getAnalysis(canary);
	const iterations = analysis.iterations ?? 0;
	if ((analysis.match?.length ?? 0) > 0 && iterations > 0) return 'ab-testing';
	if (iterations > 0) return 'blue-green';
	return 'canary';
}

export function effectiveProvider(canary: Canary, meshProvider = defaultMeshProvider): string {
	return canary.spec.provider || meshProvider;
}

/** The apex service name: spec.service.name or the target's name. */
export function apexName(canary: Canary): string {
	return canary.spec.service?.name || canary.spec.targetRef.name;
}

export function canaryKey(canary: Canary): string {
	return `${canary.metadata.name}.${canary.metadata.namespace ?? 'default'}`;
}
