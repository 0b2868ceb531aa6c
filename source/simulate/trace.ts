// Metric traces for `simulate --trace FILE.csv`: header `time,<metric>,...`; time in seconds
// or Go durations; an empty cell (or NaN) is "no data". A tick reads the last row at or
// before its time.
import {parseGoDuration} from '../core/format/go-duration.js';

export type TraceValue = number | 'no-data';
export type Trace = {
	metrics: string[];
	/** Rows sorted by time (nanoseconds); a later row with the same time wins. */
	rows: Array<{time: number; values: Map<string, TraceValue>}>;
};
export type TraceError = {file: string; line: number; column?: string; message: string};

const second = 1_000_000_000;

function parseTime(cell: string): number | undefined {
	if (/^[0-9]+(\.[0-9]+)?$/.test(cell)) return Math.round(Number(cell) * second);
	const duration = parseGoDuration(cell);
	return duration !== undefined && duration >= 0 ? duration : undefined;
}

function parseValue(cell: string): TraceValue | undefined {
	if (cell === '' || cell.toLowerCase() === 'nan') return 'no-data';
	if (/^[+]?inf$/i.test(cell)) return Number.POSITIVE_INFINITY;
	if (/^-inf$/i.test(cell)) return Number.NEGATIVE_INFINITY;
	const value = Number(cell);
	return /^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$/.test(cell) && Number.isFinite(value) ? value : undefined;
}

export function parseTrace(text: string, file: string): {trace?: Trace; errors: TraceError[]} {
	const errors: TraceError[] = [];
	const lines = text.split(/\r?\n/);
	const headerIndex = lines.findIndex(line => line.trim() !== '' && !line.startsWith('#'));
	if (headerIndex < 0) return {errors: [{file, line: 1, message: 'expected a header line "time,<metric name>,...", got an empty file'}]};
	const header = lines[headerIndex]!.split(',').map(cell => cell.trim());
	if (header[0] !== 'time') {
		errors.push({file, line: headerIndex + 1, column: header[0], message: `expected the first column to be "time", got "${header[0]}"`});
	}
	const metrics = header.slice(1);
	metrics.forEach((name, i) => {
		if (name === '') errors.push({file, line: headerIndex + 1, message: `expected a metric name in header column ${i + 2}, got an empty cell`});
		else if (metrics.indexOf(name) !== i) errors.push({file, line: headerIndex + 1, column: name, message: 'expected each metric once, got a repeated column'});
	});
	const rows: Trace['rows'] = [];
	for (let i = headerIndex + 1; i < lines.length; i++) {
		const raw = lines[i]!;
		if (raw.trim() === '' || raw.startsWith('#')) continue;
		const cells = raw.split(',').map(cell => cell.trim());
		if (cells.length > header.length) {
			errors.push({file, line: i + 1, message: `expected at most ${header.length} cells (one per header column), got ${cells.length}`});
			continue;
		}
		const time = parseTime(cells[0] ?? '');
		if (time === undefined) {
			errors.push({file, line: i + 1, column: 'time', message: `expected seconds (e.g. 90) or a Go duration (e.g. 1m30s), got "${cells[0]}"`});
			continue;
		}
		const values = new Map<string, TraceValue>();
		metrics.forEach((name, j) => {
			const cell = cells[j + 1] ?? '';
			const value = parseValue(cell);
			if (value === undefined) errors.push({file, line: i + 1, column: name, message: `expected a number, NaN or an empty cell (no data), got "${cell}"`});
			else values.set(name, value);
		});
		rows.push({time, values});
	}
	if (errors.length > 0) return {errors};
	rows.sort((a, b) => a.time - b.time);
	return {trace: {metrics, rows}, errors};
}

/** The value a tick at `time` reads; undefined when the trace has no such column. */
export function traceValueAt(trace: Trace, metric: string, time: number): TraceValue | undefined {
	if (!trace.metrics.includes(metric)) return undefined;
	let found: TraceValue = 'no-data';
	for (const row of trace.rows) {
		if (row.time > time) break;
		found = row.values.get(metric) ?? 'no-data';
	}
	return found;
}

export function formatTraceError(error: TraceError): string {
	return `${error.file}:${error.line}: ${error.column ? `column ${error.column}: ` : ''}${error.message}`;
}
