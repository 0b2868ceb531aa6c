// Test helpers for the dashboard: plain Canary objects, a hand-written DashboardSource with
// spies, and an ink-testing-library render with the "tick, write, tick" pattern that ink 6.8
// needs before a keystroke lands (ink-notes §5.4).
import {render} from 'ink-testing-library';
import {vi, type Mock} from 'vitest';
import type {RecordedEvent} from '../../source/controller/ports.js';
import type {ManualAction} from '../../source/core/engine/manual-actions.js';
import type {Canary, CanaryAnalysis, Phase} from '../../source/core/spec/types.js';
import type {MetricPoint} from '../../source/events/metric-series.js';
import {App} from '../../source/ui/app.js';
import type {DashboardSnapshot, DashboardSource} from '../../source/ui/source.js';
import {makeTheme, ThemeContext} from '../../source/ui/theme.js';
import {canaryView, type CanaryView} from '../../source/ui/view-model.js';

/** 2025-06-01T12:00:30Z: the fixed "now" of every fake source. */
export const NOW = Date.parse('2025-06-01T12:00:30.000Z');
export const secondsAgo = (s: number) => new Date(NOW - s * 1000).toISOString();

export type CanaryInput = {
	name?: string;
	namespace?: string;
	phase?: Phase;
	weight?: number;
	failedChecks?: number;
	iterations?: number;
	lastTransitionTime?: string;
	suspend?: boolean;
	analysis?: Partial<CanaryAnalysis>;
};

/** A canary like the podinfo one: step 5, max 50, threshold 5, success rate and p99. */
export function canaryObject(input: CanaryInput = {}): Canary {
	const name = input.name ?? 'podinfo';
	return {
		apiVersion: 'flagger.app/v1beta1',
		kind: 'Canary',
		metadata: {name, namespace: input.namespace ?? 'apps'},
		spec: {
			provider: 'appmesh:v1beta2',
			targetRef: {apiVersion: 'apps/v1', kind: 'Deployment', name},
			service: {port: 9898},
			...(input.suspend ? {suspend: true} : {}),
			analysis: {
				interval: '15s',
				threshold: 5,
				maxWeight: 50,
				stepWeight: 5,
				metrics: [
					{name: 'request-success-rate', thresholdRange: {min: 99}, interval: '1m'},
					{name: 'request-duration', thresholdRange: {max: 500}, interval: '1m'},
				],
				...input.analysis,
			},
		},
		status: {
			phase: input.phase ?? 'Progressing',
			failedChecks: input.failedChecks ?? 0,
			canaryWeight: input.weight ?? 0,
			iterations: input.iterations ?? 0,
			lastAppliedSpec: 'abc',
			lastPromotedSpec: 'abc',
			lastTransitionTime: input.lastTransitionTime ?? secondsAgo(12),
		},
	};
}

export const abAnalysis: Partial<CanaryAnalysis> = {
	maxWeight: undefined,
	stepWeight: undefined,
	iterations: 10,
	match: [{headers: {'user-agent': {regex: '.*(Firefox|curl).*'}}}],
};

let eventClock = 0;
export function event(message: string, options: {type?: 'Normal' | 'Warning'; time?: number; canary?: string; error?: boolean} = {}): RecordedEvent {
	return {
		op: 'event',
		type: options.type ?? 'Normal',
		error: options.error ?? false,
		message,
		phase: 'Progressing',
		time: options.time ?? NOW - 60_000 + eventClock++ * 1000,
		canary: options.canary ?? 'podinfo.apps',
		namespace: 'apps',
		name: 'podinfo',
		weight: 0,
		failedChecks: 0,
		iterations: 0,
		statusPhase: 'Progressing',
	};
}

/** `count` readings ending at NOW, one a minute apart. */
export const points = (values: Array<number | undefined>): MetricPoint[] =>
	values.map((value, i) => ({time: NOW - (values.length - 1 - i) * 60_000, value}));

export type ViewInput = CanaryInput & {
	canaryImage?: string;
	primaryImage?: string;
	events?: RecordedEvent[];
	series?: Record<string, Array<number | undefined>>;
};

export function view(input: ViewInput = {}): CanaryView {
	return canaryView({
		canary: canaryObject(input),
		targetImage: input.canaryImage ?? 'ghcr.io/stefanprodan/podinfo:6.0.1',
		primaryImage: input.primaryImage ?? 'ghcr.io/stefanprodan/podinfo:6.0.0',
		events: input.events ?? [],
		series: metric => points(input.series?.[metric] ?? []),
	});
}

export type FakeSource = DashboardSource & {
	request: Mock<(action: ManualAction, canary: string) => Promise<string>>;
	demoSpies: {
		next: Mock<() => Promise<string>>;
		togglePolicy: Mock<() => Promise<string>>;
		toggleErrors: Mock<() => string>;
		toggleSlow: Mock<() => string>;
	};
	/** Replaces the canaries and tells the subscribers, as a store change would. */
	update(canaries: CanaryView[]): void;
	listeners: Set<() => void>;
};

export function fakeSource(canaries: CanaryView[], options: {readonly?: boolean; demo?: boolean; allNamespaces?: boolean; context?: string; namespace?: string; role?: string} = {}): FakeSource {
	let snapshot: DashboardSnapshot = {now: NOW, canaries};
	const listeners = new Set<() => void>();
	const request = vi.fn(async (action: ManualAction, canary: string) => `${action} of ${canary} requested`);
	const demoSpies = {
		next: vi.fn(async () => 'shipping podinfo 6.0.2 (images[0].newTag in kustomization.yaml)'),
		togglePolicy: vi.fn(async () => 'policy: A/B test (Firefox and curl users) from the next release'),
		toggleErrors: vi.fn(() => 'the canary now answers 10% of requests with HTTP 500'),
		toggleSlow: vi.fn(() => 'the canary now answers 1.5s late'),
	};
	const now = () => NOW;
	return {
		context: options.context ?? 'kind-dev',
		namespace: options.namespace ?? 'apps',
		allNamespaces: options.allNamespaces ?? false,
		role: options.role ?? 'leader',
		readonly: options.readonly ?? false,
		requester: 'tester@host',
		now,
		snapshot: () => snapshot,
		subscribe(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
		request,
		...(options.demo === false ? {} : {demo: demoSpies}),
		demoSpies,
		update(next) {
			snapshot = {now: NOW, canaries: next};
			for (const listener of listeners) listener();
		},
		listeners,
	};
}

export const tick = (ms = 10) => new Promise<void>(resolve => setTimeout(resolve, ms));

export type Rendered = ReturnType<typeof render> & {
	/** The last frame (what the terminal shows now). */
	frame(): string;
	/** Waits a tick, writes, waits again. */
	press(...keys: string[]): Promise<string>;
	/** Waits until the frame matches (polling every 10 ms, at most `ms`). */
	waitFor(pattern: RegExp | string, ms?: number): Promise<string>;
};

export const keys = {
	enter: '\r',
	tab: '\t',
	escape: '\u001b',
	up: '\u001b[A',
	down: '\u001b[B',
	ctrlC: '\u0003',
	backspace: '\u007f',
} as const;

export async function renderApp(source: DashboardSource, options: {columns?: number; rows?: number; color?: boolean; ascii?: boolean} = {}): Promise<Rendered> {
	const theme = makeTheme({color: options.color ?? false, ascii: options.ascii ?? false});
	const instance = render(
		<ThemeContext.Provider value={theme}>
			<App source={source} columns={options.columns ?? 80} rows={options.rows ?? 24} />
		</ThemeContext.Provider>,
	);
	const frame = () => instance.lastFrame() ?? '';
	const rendered: Rendered = {
		...instance,
		frame,
		async press(...sequence) {
			for (const key of sequence) {
				await tick();
				instance.stdin.write(key);
				await tick();
			}
			await tick();
			return frame();
		},
		async waitFor(pattern, ms = 1000) {
			const deadline = performance.now() + ms;
			for (;;) {
				const text = frame();
				if (typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text)) return text;
				if (performance.now() > deadline) throw new Error(`frame never matched ${String(pattern)}; last frame:\n${text}`);
				await tick();
			}
		},
	};
	await tick();
	return rendered;
}

/** The frame's lines, without the trailing blank ones ink pads the box with. */
export const lines = (frame: string) => frame.split('\n');
export const lineWith = (frame: string, text: string) => lines(frame).find(line => line.includes(text));
/** Display width of a frame line (all glyphs used here are one cell wide). */
export const width = (line: string) => [...line].length;
