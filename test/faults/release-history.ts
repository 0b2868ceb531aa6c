// What "nothing lost" means for one release, checked on the history the API server showed
// (every status change of the Canary and every change of its HTTPRoute, as watched): each
// weight step once and in order, failedChecks counting up without passing the threshold,
// never promoted after reaching it, and the route back on the primary when it ends.

export type StatusSnapshot = {phase?: string; canaryWeight?: number; failedChecks?: number};
export type RouteWeights = [primary: number | undefined, canary: number | undefined];

export type ExpectedRelease = {
	outcome: 'Succeeded' | 'Failed';
	/** canaryWeight values the analysis goes through, in order, each once. */
	weights: number[];
	threshold: number;
	/** Distinct successive HTTPRoute weights from the release's start to its end. */
	routes: RouteWeights[];
};

const collapse = <T>(values: T[]): T[] => values.filter((value, i) => i === 0 || JSON.stringify(value) !== JSON.stringify(values[i - 1]));

/** Problems found in one release's history; empty when it went as expected. */
export function releaseProblems(statuses: StatusSnapshot[], routes: RouteWeights[], expected: ExpectedRelease): string[] {
	const problems: string[] = [];
	const phases = collapse(statuses.map(s => s.phase));
	const end = statuses.at(-1);
	if (end?.phase !== expected.outcome) problems.push(`ended ${end?.phase}, expected ${expected.outcome}`);
	const wantPhases = expected.outcome === 'Succeeded' ? ['Progressing', 'Promoting', 'Finalising', 'Succeeded'] : ['Progressing', 'Failed'];
	if (JSON.stringify(phases) !== JSON.stringify(wantPhases)) problems.push(`phases ${phases.join(' → ')}, expected ${wantPhases.join(' → ')}`);

	const progressing = statuses.filter(s => s.phase === 'Progressing');
	const weights = collapse(progressing.map(s => s.canaryWeight ?? 0)).filter((weight, i) => !(i === 0 && weight === 0));
	if (JSON.stringify(weights) !== JSON.stringify(expected.weights)) problems.push(`weights ${weights.join(', ')}, expected ${expected.weights.join(', ')} (a step repeated or skipped)`);

	let reached = false;
	for (const s of statuses) {
		if ((s.failedChecks ?? 0) > expected.threshold) problems.push(`failedChecks ${s.failedChecks} passed the threshold ${expected.threshold}`);
		if ((s.failedChecks ?? 0) >= expected.threshold) reached = true;
		if (reached && ['Promoting', 'Finalising', 'Succeeded'].includes(s.phase ?? '')) problems.push(`${s.phase} after failedChecks reached the threshold`);
	}
	const checks = collapse(progressing.map(s => s.failedChecks ?? 0));
	const wantChecks = expected.outcome === 'Failed' ? Array.from({length: expected.threshold + 1}, (_, i) => i) : [0];
	if (JSON.stringify(checks) !== JSON.stringify(wantChecks)) problems.push(`failedChecks went ${checks.join(', ')}, expected ${wantChecks.join(', ')}`);

	if (end?.phase === 'Failed' && (end.canaryWeight ?? 0) !== 0) problems.push(`Failed with canaryWeight ${end.canaryWeight}`);
	const seen = collapse(routes);
	if (JSON.stringify(seen) !== JSON.stringify(expected.routes)) problems.push(`HTTPRoute went ${seen.map(r => r.join('/')).join(' → ')}, expected ${expected.routes.map(r => r.join('/')).join(' → ')}`);
	if (JSON.stringify(seen.at(-1)) !== JSON.stringify([100, 0])) problems.push(`traffic not back on the primary at the end: ${seen.at(-1)?.join('/')}`);
	return problems;
}
