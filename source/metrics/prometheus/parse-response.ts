// One `/api/v1/query` answer → one number, as Flagger's `providers/prometheus.go` reads it:
// HTTP >= 400 is an error with the body; a vector's samples are read in order and the last
// one wins; no sample, or NaN, is "no values found"; a range result is "query returned
// multiple values"; +Inf is a number. Beyond Flagger: a scalar result is its value, and a
// 2xx answer with `status: error` is that error rather than "no values found".
import http from 'node:http';
import {sanitize} from '../../text/sanitize.js';
import {bodySuffix} from '../../webhooks/webhook-client.js';

export type QueryOutcome = {ok: true; value: number} | {ok: false; noData: boolean; error: string};

export const noValuesFound: QueryOutcome = {ok: false, noData: true, error: 'no values found'};

// Error texts quote the server's words: no escape sequence or control character gets through.
const failed = (error: string): QueryOutcome => ({ok: false, noData: false, error: sanitize(error)});

export function parseQueryResponse(status: number, body: string): QueryOutcome {
	if (status >= 400) return failed(`error response: Status ${status} ${http.STATUS_CODES[status] ?? ''}${bodySuffix(body)}`);
	let parsed: unknown;
	try {
		parsed = JSON.parse(body);
	} catch (error) {
		return failed(`error unmarshaling result: ${goJsonError(body, error as Error)}, '${bodySuffix(body).slice(2)}'`);
	}
	if (!isRecord(parsed)) return failed(`error unmarshaling result: expected a JSON object, '${bodySuffix(body).slice(2)}'`);
	if (parsed['status'] === 'error') return failed(`${String(parsed['errorType'] ?? 'error')}: ${String(parsed['error'] ?? '')}`);
	const data = isRecord(parsed['data']) ? parsed['data'] : {};
	const result = data['result'];
	if ((data['resultType'] === 'scalar' || data['resultType'] === 'string') && Array.isArray(result)) return sampleOutcome(result[1]);
	if (data['resultType'] === 'matrix') return failed('query returned multiple values');
	let value: number | undefined;
	for (const series of Array.isArray(result) ? result : []) {
		if (!isRecord(series)) continue;
		if (series['values'] !== undefined) return failed('query returned multiple values');
		const sample = Array.isArray(series['value']) ? series['value'][1] : undefined;
		// Flagger only reads string values (Prometheus always sends them); others are skipped.
		if (typeof sample !== 'string') continue;
		const number = parseGoFloat(sample);
		if (number === undefined) return failed(`strconv.ParseFloat: parsing ${JSON.stringify(sample)}: invalid syntax`);
		value = number;
	}
	return value === undefined || Number.isNaN(value) ? noValuesFound : {ok: true, value};
}

function sampleOutcome(sample: unknown): QueryOutcome {
	if (typeof sample !== 'string') return noValuesFound;
	const value = parseGoFloat(sample);
	if (value === undefined) return failed(`strconv.ParseFloat: parsing ${JSON.stringify(sample)}: invalid syntax`);
	return Number.isNaN(value) ? noValuesFound : {ok: true, value};
}

/** strconv.ParseFloat's accepted forms (decimal and the special values Prometheus sends). */
export function parseGoFloat(text: string): number | undefined {
	if (/^[+-]?(inf|infinity)$/i.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
	if (/^[+-]?nan$/i.test(text)) return Number.NaN;
	if (!/^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/.test(text)) return undefined;
	return Number(text);
}

/** encoding/json's wording for the usual non-JSON answers (an HTML error page, nothing). */
function goJsonError(body: string, error: Error): string {
	const first = body.trimStart()[0];
	if (first === undefined) return 'unexpected end of JSON input';
	if (!'{["-0123456789tfn'.includes(first)) return `invalid character '${first}' looking for beginning of value`;
	return error.message;
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
