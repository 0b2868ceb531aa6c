// Pieces of the Prometheus text exposition format 0.0.4.
import {formatFloatV} from '../../core/format/go-float.js';

export type Labels = ReadonlyArray<readonly [name: string, value: string]>;

/** Label values escape backslash, double quote and line feed. */
export function escapeLabelValue(value: string): string {
	return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** HELP text escapes backslash and line feed only. */
export function escapeHelp(text: string): string {
	return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** Numbers as Go's client library writes them (`strconv.FormatFloat(f, 'g', -1, 64)`, `+Inf`). */
export function formatSampleValue(value: number): string {
	return formatFloatV(value);
}

export function familyHeader(name: string, type: 'counter' | 'histogram', help: string): string {
	return `# HELP ${name} ${escapeHelp(help)}\n# TYPE ${name} ${type}\n`;
}

export function sampleLine(name: string, labels: Labels, value: number): string {
	const rendered = labels.map(([label, text]) => `${label}="${escapeLabelValue(text)}"`).join(',');
	return `${name}${rendered ? `{${rendered}}` : ''} ${formatSampleValue(value)}\n`;
}
