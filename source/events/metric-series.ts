// The last values of each canary's metrics, as the analysis read them, for sparklines.
// Bounded: a fixed number of points per metric.
import type {MetricAnswer, MetricKind} from '../core/engine/ops.js';

export type MetricPoint = {time: number; value?: number};
export type Series = {kind: MetricKind; points: MetricPoint[]};

export class MetricSeries {
	private readonly series = new Map<string, Map<string, Series>>();
	private readonly listeners = new Set<() => void>();

	constructor(private readonly capacity = 60) {}

	record(canary: string, metric: string, kind: MetricKind, answer: MetricAnswer, time: number): void {
		const byMetric = this.series.get(canary) ?? new Map<string, Series>();
		this.series.set(canary, byMetric);
		const series = byMetric.get(metric) ?? {kind, points: []};
		byMetric.set(metric, series);
		series.points.push({time, value: answer.ok ? answer.value : undefined});
		if (series.points.length > this.capacity) series.points.splice(0, series.points.length - this.capacity);
		for (const listener of this.listeners) listener();
	}

	of(canary: string, metric: string): Series | undefined {
		return this.series.get(canary)?.get(metric);
	}

	subscribe(listener: () => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}
}
