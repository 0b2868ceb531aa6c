// Small text helpers of the dashboard.

/** "12s ago", "3m ago", "2h ago", "4d ago". */
export function ago(from: string | undefined, now: number): string {
	if (!from) return '-';
	const seconds = Math.max(0, Math.floor((now - Date.parse(from)) / 1000));
	if (Number.isNaN(seconds)) return '-';
	// Five-second steps: a repaint a second per recent canary would cost more than it tells.
	if (seconds < 60) return `${seconds - (seconds % 5)}s ago`;
	if (seconds < 3600) return `${Math.floor(seconds / 60)}m ago`;
	if (seconds < 86400) return `${Math.floor(seconds / 3600)}h ago`;
	return `${Math.floor(seconds / 86400)}d ago`;
}

export function clockTime(ms: number): string {
	return new Date(ms).toISOString().slice(11, 19);
}

export function pad(text: string, width: number): string {
	return text.length >= width ? text.slice(0, width) : text + ' '.repeat(width - text.length);
}

export function padStart(text: string, width: number): string {
	return text.length >= width ? text.slice(0, width) : ' '.repeat(width - text.length) + text;
}

export function formatMetricValue(value: number | undefined, unit: string): string {
	if (value === undefined) return 'no data';
	if (unit === '%') return `${value.toFixed(1)}%`;
	if (unit === 'ms') return `${Math.round(value)}ms`;
	return Number.isInteger(value) ? String(value) : value.toFixed(2);
}
