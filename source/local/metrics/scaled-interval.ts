// The demo's --speed applied to PromQL range windows: at --speed 20 a metric's `interval: 1m`
// is 3s of real time, and that is what Prometheus (which only knows real time) must look at.

const units: ReadonlyArray<readonly [unit: string, ms: number]> = [
	['y', 365 * 24 * 3_600_000],
	['w', 7 * 24 * 3_600_000],
	['d', 24 * 3_600_000],
	['h', 3_600_000],
	['m', 60_000],
	['s', 1000],
	['ms', 1],
];

// Prometheus' model.ParseDuration: units in descending order, each at most once ("1m30s").
const durationPattern = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;

/** Milliseconds of a Prometheus duration, or undefined when Prometheus would not parse it. */
export function parsePrometheusDuration(text: string): number | undefined {
	const match = durationPattern.exec(text);
	if (!match || text === '') return undefined;
	return units.reduce((total, [, ms], index) => total + Number(match[index + 1] ?? 0) * ms, 0);
}

/** Milliseconds as a Prometheus duration: whole seconds as "3s", anything finer as "8571ms". */
export function formatPrometheusDuration(ms: number): string {
	const whole = Math.max(1, Math.round(ms));
	return whole % 1000 === 0 ? `${whole / 1000}s` : `${whole}ms`;
}

/**
 * A window in virtual time → the same window in real time at `speed`. Text Prometheus would not
 * parse is passed on unchanged, so Prometheus reports it exactly as it would without --speed.
 */
export function scaledInterval(speed: number): (duration: string) => string {
	return duration => {
		if (speed === 1) return duration;
		const ms = parsePrometheusDuration(duration);
		return ms === undefined || ms === 0 ? duration : formatPrometheusDuration(ms / speed);
	};
}
