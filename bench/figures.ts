// The figures of `npm run bench`: each with its goal, whether it met it, and how it was measured.
export type Figure = {
	/** Which group of the bench measured it (startup, terminal, cpu, memory, engine, cluster). */
	group: string;
	name: string;
	value: number | null;
	unit: string;
	/** The goal as text, e.g. "< 400 ms". */
	goal?: string;
	/** True when the value meets the goal; undefined without a goal or without a value. */
	pass?: boolean;
	method: string;
	/** Why there is no value (a skipped measurement), or what else to know about it. */
	note?: string;
	/** Raw samples or extra detail, for bench.json only. */
	detail?: unknown;
};

/** A figure whose goal is "below `limit`". */
export function below(figure: Omit<Figure, 'goal' | 'pass'>, limit: number, goalUnit = figure.unit): Figure {
	const pass = figure.value === null || Number.isNaN(figure.value) ? undefined : figure.value < limit;
	return {...figure, goal: `< ${limit} ${goalUnit}`, pass};
}

export function skipped(group: string, name: string, unit: string, goal: string | undefined, method: string, reason: string): Figure {
	return {group, name, value: null, unit, goal, method, note: `NOT MEASURED: ${reason}`};
}

export function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Least-squares slope of y over x. */
export function slope(points: Array<[number, number]>): number {
	const n = points.length;
	if (n < 2) return Number.NaN;
	const mx = points.reduce((s, [x]) => s + x, 0) / n;
	const my = points.reduce((s, [, y]) => s + y, 0) / n;
	const sxy = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
	const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
	return sxy / sxx;
}

function formatValue(value: number | null): string {
	if (value === null || Number.isNaN(value)) return '—';
	if (Math.abs(value) >= 100) return value.toFixed(0);
	if (Math.abs(value) >= 10) return value.toFixed(1);
	return value.toFixed(2);
}

export function table(figures: Figure[]): string {
	const rows = [
		['figure', 'value', 'unit', 'goal', 'ok'],
		...figures.map(f => [f.name, formatValue(f.value), f.unit, f.goal ?? '', f.value === null ? 'SKIPPED' : f.pass === undefined ? '' : f.pass ? 'yes' : 'MISSED']),
	];
	const widths = rows[0]!.map((_, i) => Math.max(...rows.map(row => row[i]!.length)));
	const lines = rows.map(row => row.map((cell, i) => (i === 1 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ').trimEnd());
	lines.splice(1, 0, widths.map(w => '-'.repeat(w)).join('  '));
	return lines.join('\n');
}
