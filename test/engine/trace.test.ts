// Metric traces for `simulate --trace` (DESIGN.md §4): header `time,<metric>,...`, time in
// seconds or Go durations, empty cell / NaN = no data, a tick reads the last row <= t.
import {describe, expect, it} from 'vitest';
import {formatTraceError, parseTrace, traceValueAt} from '../../source/simulate/trace.js';
import {second} from './helpers.js';

const ok = (csv: string) => {
	const parsed = parseTrace(csv, 'trace.csv');
	expect(parsed.errors).toEqual([]);
	return parsed.trace!;
};

describe('parseTrace', () => {
	it('reads seconds and Go durations', () => {
		const trace = ok('time,request-success-rate\n0,100\n90,99\n2m30s,98\n1h,97\n12.5,96');
		expect(trace.metrics).toEqual(['request-success-rate']);
		expect(trace.rows.map(row => row.time / second)).toEqual([0, 12.5, 90, 150, 3600]);
	});

	it('an empty cell, NaN and a missing trailing cell are no data', () => {
		const trace = ok('time,a,b\n0,,NaN\n10,1');
		expect(traceValueAt(trace, 'a', 0)).toBe('no-data');
		expect(traceValueAt(trace, 'b', 0)).toBe('no-data');
		expect(traceValueAt(trace, 'a', 10 * second)).toBe(1);
		expect(traceValueAt(trace, 'b', 10 * second)).toBe('no-data');
	});

	it('a tick reads the last row at or before its time; a later duplicate time wins', () => {
		const trace = ok('time,a\n0,1\n90s,2\n1m30s,3\n120,4');
		expect(traceValueAt(trace, 'a', 0)).toBe(1);
		expect(traceValueAt(trace, 'a', 89 * second)).toBe(1);
		expect(traceValueAt(trace, 'a', 90 * second)).toBe(3);
		expect(traceValueAt(trace, 'a', 10_000 * second)).toBe(4);
	});

	it('a metric that is not a column is not in the trace (healthy)', () => {
		expect(traceValueAt(ok('time,a\n0,1'), 'b', 0)).toBeUndefined();
	});

	it('accepts Windows line endings, comments and blank lines', () => {
		const trace = ok('# a comment\r\ntime,a\r\n\r\n0,1\r\n# another\r\n30,2\r\n');
		expect(traceValueAt(trace, 'a', 30 * second)).toBe(2);
	});

	it('accepts numbers in exponent form, signs and infinities', () => {
		const trace = ok('time,a,b,c\n0,1e3,-2.5,+Inf');
		expect(traceValueAt(trace, 'a', 0)).toBe(1000);
		expect(traceValueAt(trace, 'b', 0)).toBe(-2.5);
		expect(traceValueAt(trace, 'c', 0)).toBe(Number.POSITIVE_INFINITY);
	});

	it('accepts a UTF-8 byte order mark before the header (spreadsheet exports)', () => {
		const trace = ok('\uFEFFtime,request-success-rate\n0,100');
		expect(trace.metrics).toEqual(['request-success-rate']);
	});

	it('reports a bad cell with file, line and column', () => {
		const parsed = parseTrace('time,request-success-rate\n0,100\n15s,ninety-nine', 'bad.csv');
		expect(parsed.trace).toBeUndefined();
		expect(parsed.errors.map(formatTraceError)).toEqual(['bad.csv:3: column request-success-rate: expected a number, NaN or an empty cell (no data), got "ninety-nine"']);
	});

	it('reports a bad time, a bad header, too many cells and an empty file', () => {
		expect(parseTrace('time,a\nsoon,1', 'x.csv').errors[0]).toMatchObject({file: 'x.csv', line: 2, column: 'time'});
		expect(parseTrace('t,a\n0,1', 'x.csv').errors[0]).toMatchObject({file: 'x.csv', line: 1});
		expect(parseTrace('time,a\n0,1,2', 'x.csv').errors[0]).toMatchObject({file: 'x.csv', line: 2});
		expect(parseTrace('', 'x.csv').errors[0]).toMatchObject({file: 'x.csv', line: 1});
		expect(parseTrace('time,a,a\n0,1,2', 'x.csv').errors[0]).toMatchObject({file: 'x.csv', line: 1, column: 'a'});
	});

	it('reads fractional and compound Go durations', () => {
		const trace = ok('time,a\n1.5m,1\n1h30m,2\n500ms,3\n90.0,4');
		expect(trace.rows.map(row => row.time / second)).toEqual([0.5, 90, 90, 5400]);
	});

	it('rejects a duration without a unit on its last number (Go: missing unit)', () => {
		expect(parseTrace('time,a\n1m30,1', 'x.csv').errors[0]).toMatchObject({line: 2, column: 'time'});
	});

	it('rejects negative times', () => {
		expect(parseTrace('time,a\n-5,1', 'x.csv').errors[0]).toMatchObject({line: 2, column: 'time'});
	});
});
