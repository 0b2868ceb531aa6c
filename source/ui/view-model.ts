// What the dashboard shows of one canary, computed from the objects: a pure function, so
// every panel can be tested from plain data.
import {analysisThreshold, deploymentStrategy, getAnalysis, maxWeight, nextStepWeight, type Strategy} from '../core/spec/defaults.js';
import type {Canary, HttpMatchRequest, Phase} from '../core/spec/types.js';
import type {RecordedEvent} from '../controller/ports.js';
import type {MetricPoint} from '../events/metric-series.js';
import {imageTag} from '../core/workloads/image-tag.js';

export type MetricView = {
	name: string;
	unit: '%' | 'ms' | '';
	min?: number;
	max?: number;
	points: MetricPoint[];
	current?: number;
	/** Pass or fail of the last reading; undefined before any reading. */
	passing?: boolean;
};

export type CanaryView = {
	key: string;
	name: string;
	namespace: string;
	phase: Phase;
	weight: number;
	failedChecks: number;
	threshold: number;
	lastTransitionTime?: string;
	suspended: boolean;
	strategy: Strategy;
	maxWeight: number;
	/** "step 5" or "steps 1,10,80". */
	stepLabel: string;
	/** The weights still to go before the promotion point. */
	stepsToGo: number[];
	iterations: number;
	totalIterations: number;
	routedUsers?: string;
	canaryVersion?: string;
	primaryVersion?: string;
	metrics: MetricView[];
	events: readonly RecordedEvent[];
};

export type CanaryObjects = {
	canary: Canary;
	targetImage?: string;
	primaryImage?: string;
	events: readonly RecordedEvent[];
	series: (metric: string) => MetricPoint[];
};

export function tagOf(image: string | undefined): string | undefined {
	return image ? imageTag(image) : undefined;
}

/** "user-agent ~ .*(Firefox|curl).*" for the A/B rules. */
export function describeMatch(match: HttpMatchRequest[] | undefined): string | undefined {
	const condition = (m: {exact?: string; regex?: string; prefix?: string; suffix?: string}) =>
		m.exact !== undefined ? `= ${m.exact}` : m.regex !== undefined ? `~ ${m.regex}` : m.prefix !== undefined ? `^= ${m.prefix}` : `$= ${m.suffix ?? ''}`;
	const parts = (match ?? []).flatMap(rule => [
		...Object.entries(rule.headers ?? {}).map(([name, m]) => `${name} ${condition(m)}`),
		...Object.entries(rule.queryParams ?? {}).map(([name, m]) => `?${name} ${condition(m)}`),
	]);
	return parts.length > 0 ? parts.join(' or ') : undefined;
}

function passes(value: number, min: number | undefined, max: number | undefined): boolean {
	return (min === undefined || value >= min) && (max === undefined || value <= max);
}

function stepsToGo(canary: Canary, from: number): number[] {
	const steps: number[] = [];
	const limit = maxWeight(canary);
	let weight = from;
	for (let i = 0; i < 20 && weight < limit; i++) {
		const step = nextStepWeight(canary, weight);
		if (step <= 0) break;
		weight = Math.min(weight + step, 100);
		steps.push(weight);
	}
	return steps;
}

export function canaryView(objects: CanaryObjects): CanaryView {
	const {canary} = objects;
	const analysis = getAnalysis(canary);
	const status = canary.status;
	const strategy = deploymentStrategy(canary);
	const metrics: MetricView[] = (analysis.metrics ?? []).map(metric => {
		const unit = metric.name === 'request-success-rate' ? '%' : metric.name === 'request-duration' ? 'ms' : '';
		const legacy = metric.threshold;
		const min = metric.thresholdRange?.min ?? (unit === '%' && legacy ? legacy : undefined);
		const max = metric.thresholdRange?.max ?? (unit !== '%' && legacy ? legacy : undefined);
		const points = objects.series(metric.name);
		const last = points.at(-1);
		return {
			name: metric.name,
			unit,
			min,
			max,
			points,
			current: last?.value,
			passing: last === undefined ? undefined : last.value !== undefined && passes(last.value, min, max),
		};
	});
	const weight = status?.canaryWeight ?? 0;
	return {
		key: `${canary.metadata.name}.${canary.metadata.namespace}`,
		name: canary.metadata.name,
		namespace: canary.metadata.namespace ?? 'default',
		phase: status?.phase || 'Initializing',
		weight,
		failedChecks: status?.failedChecks ?? 0,
		threshold: analysisThreshold(canary),
		lastTransitionTime: status?.lastTransitionTime || undefined,
		suspended: canary.spec.suspend === true,
		strategy,
		maxWeight: maxWeight(canary),
		stepLabel: analysis.stepWeights?.length ? `steps ${analysis.stepWeights.join(',')}` : `step ${analysis.stepWeight ?? 0}`,
		stepsToGo: strategy === 'canary' && (status?.phase === 'Progressing' || status?.phase === 'WaitingPromotion') ? stepsToGo(canary, weight) : [],
		iterations: Math.max(0, status?.iterations ?? 0),
		totalIterations: analysis.iterations ?? 0,
		routedUsers: strategy === 'ab-testing' ? describeMatch(analysis.match) : undefined,
		canaryVersion: tagOf(objects.targetImage),
		primaryVersion: tagOf(objects.primaryImage),
		metrics,
		events: objects.events,
	};
}
