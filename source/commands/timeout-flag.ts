// `--timeout` in Go's duration syntax (`90s`, `10m`, `1h30m`), as kubectl reads it.
import {parseGoDuration} from '../core/format/go-duration.js';
import type {CommandIO} from './io.js';

/** Milliseconds, or undefined after printing why the value is not a positive duration. */
export function parseTimeout(value: string | undefined, fallback: string, io: CommandIO): number | undefined {
	const text = value ?? fallback;
	const ns = parseGoDuration(text);
	if (ns === undefined || ns <= 0) {
		io.stderr(`--timeout: expected a positive Go duration like 90s, 10m or 1h30m, got "${text}"`);
		return undefined;
	}
	return ns / 1e6;
}
