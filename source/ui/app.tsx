// The dashboard: header, canary list, the selected canary's detail (versions, weight bar,
// phase path, metric sparklines), the event log and a footer with the keys that work now.
import {Box, Text, useApp, useInput, type Key} from 'ink';
import {useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore} from 'react';
import {refusalOf, type ManualAction} from '../core/engine/manual-actions.js';
import {sanitize} from '../text/sanitize.js';
import {footerKeys, type Focus} from './keymap.js';
import {CanaryList} from './panels/canary-list.js';
import {EventLog} from './panels/event-log.js';
import {Header} from './panels/header.js';
import {MetricCharts} from './panels/metric-charts.js';
import {Footer, Help} from './panels/overlays.js';
import {PhasePath} from './panels/phase-path.js';
import {WeightBar} from './panels/weight-bar.js';
import type {DashboardSource} from './source.js';
import {useTheme} from './theme.js';
import type {CanaryView} from './view-model.js';

export type AppProps = {source: DashboardSource; columns: number; rows: number};

type Mode = {kind: 'normal'} | {kind: 'help'} | {kind: 'filter'; text: string} | {kind: 'confirm'; action: ManualAction; canary: string};

const actionNames: Record<ManualAction, string> = {promote: 'Promote', rollback: 'Roll back', pause: 'Pause', resume: 'Resume'};
const focusOrder: Focus[] = ['list', 'detail', 'log'];

export function App({source, columns, rows}: AppProps) {
	const theme = useTheme();
	const {exit} = useApp();
	const snapshot = useSyncExternalStore(source.subscribe, source.snapshot);
	const [selectedKey, setSelectedKey] = useState<string | undefined>();
	const [focus, setFocus] = useState<Focus>('list');
	// The mode lives in a ref as well: a key that arrives before React re-renders (the `y`
	// right after `r`, in the same read or before Ink re-subscribes) must see the new mode.
	const [mode, setModeState] = useState<Mode>({kind: 'normal'});
	const modeRef = useRef<Mode>(mode);
	const setMode = useCallback((next: Mode) => {
		modeRef.current = next;
		setModeState(next);
	}, []);
	const [filter, setFilter] = useState('');
	const [notice, setNotice] = useState<string | undefined>();
	const [scroll, setScroll] = useState(0);

	const canaries = useMemo(() => snapshot.canaries.filter(c => c.name.includes(filter)), [snapshot, filter]);
	const selectedIndex = Math.max(0, canaries.findIndex(c => c.key === selectedKey));
	const selected: CanaryView | undefined = canaries[selectedIndex];

	useEffect(() => {
		if (!notice) return;
		const timer = setTimeout(() => setNotice(undefined), 6000);
		return () => clearTimeout(timer);
	}, [notice]);

	const select = useCallback((index: number) => {
		const canary = canaries[Math.max(0, Math.min(index, canaries.length - 1))];
		if (canary) setSelectedKey(canary.key);
		setScroll(0);
	}, [canaries]);

	const ask = (action: ManualAction) => {
		if (!selected) return setNotice('no canary selected');
		if (source.readonly) return setNotice(`${actionNames[action]} refused: read-only (--readonly)`);
		const refusal = refusalOf(action, {phase: selected.phase, suspended: selected.suspended});
		if (refusal) return setNotice(`${actionNames[action]} ${selected.key} refused: ${refusal}`);
		setMode({kind: 'confirm', action, canary: selected.key});
	};

	const demoAction = (run: () => Promise<string> | string) => {
		if (!source.demo) return;
		void Promise.resolve(run()).then(setNotice, (error: Error) => setNotice(error.message));
	};

	const onInput = (input: string, key: Key) => {
		const mode = modeRef.current;
		const enter = key.return || input === '\n' || input === '\r';
		if (key.ctrl && input === 'c') return exit();
		if (mode.kind === 'help') {
			if (input === 'q') return exit();
			if (key.escape || input === '?') setMode({kind: 'normal'});
			return;
		}
		if (mode.kind === 'confirm') {
			if (input === 'y' || input === 'Y') {
				setMode({kind: 'normal'});
				void source.request(mode.action, mode.canary).then(setNotice, (error: Error) => setNotice(error.message));
			} else if (input === 'n' || input === 'N' || key.escape) {
				setMode({kind: 'normal'});
				setNotice(`${actionNames[mode.action]} cancelled`);
			}
			return;
		}
		if (mode.kind === 'filter') {
			if (key.escape) {
				setFilter('');
				setMode({kind: 'normal'});
			} else if (enter) setMode({kind: 'normal'});
			else if (key.backspace || key.delete) {
				const text = mode.text.slice(0, -1);
				setMode({kind: 'filter', text});
				setFilter(text);
			} else if (input && !key.ctrl && !key.meta && input >= ' ') {
				const text = mode.text + input;
				setMode({kind: 'filter', text});
				setFilter(text);
			}
			return;
		}
		if (input === 'q') return exit();
		if (input === '?') return setMode({kind: 'help'});
		if (input === '/') return setMode({kind: 'filter', text: filter});
		if (key.escape) {
			if (filter) setFilter('');
			setFocus('list');
			setScroll(0);
			return;
		}
		if (key.tab || enter) return setFocus(focusOrder[(focusOrder.indexOf(focus) + 1) % focusOrder.length]!);
		const down = input === 'j' || key.downArrow;
		const up = input === 'k' || key.upArrow;
		if (focus === 'log' && selected) {
			if (up) return setScroll(s => Math.min(s + 1, Math.max(0, selected.events.length - 1)));
			if (down) return setScroll(s => Math.max(0, s - 1));
			if (input === 'g') return setScroll(Math.max(0, selected.events.length - 1));
			if (input === 'G') return setScroll(0);
		} else {
			if (down) return select(selectedIndex + 1);
			if (up) return select(selectedIndex - 1);
			if (input === 'g') return select(0);
			if (input === 'G') return select(canaries.length - 1);
		}
		if (input === 'p') return ask('promote');
		if (input === 'r') return ask('rollback');
		if (input === ' ') return ask(selected?.suspended ? 'resume' : 'pause');
		if (source.demo) {
			if (input === 'n') return demoAction(source.demo.next);
			if (input === 'a') return demoAction(source.demo.togglePolicy);
			if (input === 'e') return demoAction(source.demo.toggleErrors);
			if (input === 'l') return demoAction(source.demo.toggleSlow);
		}
	};
	// One stable subscription that always calls the latest handler.
	const latestInput = useRef(onInput);
	latestInput.current = onInput;
	useInput(useCallback((input: string, key: Key) => latestInput.current(input, key), []));

	// Ink 6 clears the whole terminal on every update once a frame is as tall as the screen: stay one row short.
	const height = Math.max(3, rows - 1);
	const compact = columns < 80 || rows < 24;
	const listRows = Math.max(1, Math.min(canaries.length || 1, compact ? 2 : 5));
	const chartHeight = compact ? 0 : 4;
	const fixed = 1 + 1 + listRows + (selected ? 3 + (chartHeight || 1) : 0) + 1 + 1;
	const logRows = Math.max(1, height - fixed);
	const prompt =
		mode.kind === 'confirm'
			? `${actionNames[mode.action]} ${mode.canary} now? y/n`
			: mode.kind === 'filter'
				? `/ filter: ${mode.text}_`
				: undefined;

	return (
		<Box flexDirection="column" width={columns} height={height} overflow="hidden">
			<Header context={sanitize(source.context)} namespace={sanitize(source.allNamespaces ? 'all' : source.namespace)} role={sanitize(snapshot.role ?? source.role)} now={source.now} />
			{mode.kind === 'help' ? (
				<Help demo={!!source.demo} readonly={source.readonly} rows={height - 1} />
			) : (
				<>
					<CanaryList canaries={canaries} selected={selectedIndex} focused={focus === 'list'} allNamespaces={source.allNamespaces} clock={source.now} rows={listRows} />
					{selected && (
						<>
							<Text wrap="truncate" bold={focus === 'detail'} color={focus === 'detail' ? theme.tint('cyan') : undefined}>
								{detailTitle(selected, columns, theme.glyph.rule, theme.glyph.arrow)}
							</Text>
							<WeightBar view={selected} width={columns} />
							<PhasePath phase={selected.phase} />
							<MetricCharts metrics={selected.metrics} width={columns} height={chartHeight} />
						</>
					)}
					<EventLog events={selected?.events ?? []} rows={logRows} scroll={scroll} focused={focus === 'log'} width={columns} />
					<Box flexGrow={1} />
					<Footer keys={footerKeys({demo: !!source.demo, readonly: source.readonly, focus, canary: selected, wide: columns >= 100})} notice={notice} prompt={prompt} width={columns} />
				</>
			)}
		</Box>
	);
}

function detailTitle(view: CanaryView, columns: number, rule: string, arrow: string): string {
	const versions = view.canaryVersion ? ` canary ${sanitize(view.canaryVersion)} vs primary ${sanitize(view.primaryVersion ?? '?')} ${rule}` : '';
	const policy =
		view.strategy === 'canary'
			? ` ${view.stepLabel} ${arrow} max ${view.maxWeight} ${rule}`
			: ` ${view.strategy === 'ab-testing' ? 'A/B' : 'Blue/Green'} ${view.totalIterations} iterations ${rule}`;
	const text = `${rule} ${sanitize(view.key)} ${rule}${versions}${policy}`;
	return text + rule.repeat(Math.max(0, columns - text.length));
}
