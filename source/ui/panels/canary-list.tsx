import {Box, Text} from 'ink';
import {sanitize} from '../../text/sanitize.js';
import {ago, pad, padStart} from '../format.js';
import {useTheme} from '../theme.js';
import {useTicker} from '../use-ticker.js';
import type {CanaryView} from '../view-model.js';

export const phaseTint = (phase: string) =>
	phase === 'Failed' ? 'red' : phase === 'Succeeded' ? 'green' : phase === 'Waiting' || phase === 'WaitingPromotion' ? 'yellow' : phase === 'Initialized' ? undefined : 'cyan';

type Props = {canaries: CanaryView[]; selected: number; focused: boolean; allNamespaces: boolean; clock: () => number; rows: number};

export function CanaryList({canaries, selected, focused, allNamespaces, clock, rows}: Props) {
	const theme = useTheme();
	const nameWidth = Math.min(32, Math.max(8, ...canaries.map(c => sanitize(c.name).length + 1)));
	const statusOf = (canary: CanaryView) => sanitize(canary.suspended ? `${canary.phase} (paused)` : canary.phase);
	const statusWidth = Math.max(17, ...canaries.map(c => statusOf(c).length + 1));
	// Keep the selection in view when there are more canaries than rows.
	const first = Math.max(0, Math.min(selected - rows + 1, canaries.length - rows));
	const visible = canaries.slice(first, first + rows);
	const now = useTicker(clock, 1000, time => visible.map(c => ago(c.lastTransitionTime, time)).join('\n'));
	const header = ` ${pad('NAME', nameWidth)}${allNamespaces ? pad('NAMESPACE', 12) : ''}${pad('STATUS', statusWidth)}${padStart('WEIGHT', 6)}  ${pad('FAILED', 7)}LAST TRANSITION`;
	return (
		<Box flexDirection="column">
			<Text bold wrap="truncate">
				{header}
			</Text>
			{canaries.length === 0 && <Text dimColor> no canaries</Text>}
			{visible.map((canary, index) => {
				const isSelected = first + index === selected;
				const status = statusOf(canary);
				return (
					<Text key={canary.key} wrap="truncate" inverse={isSelected && focused && theme.color} bold={isSelected}>
						{isSelected ? theme.glyph.pointer : ' '}
						{pad(sanitize(canary.name), nameWidth)}
						{allNamespaces ? pad(sanitize(canary.namespace), 12) : ''}
						<Text color={theme.tint(phaseTint(canary.phase) as 'red')}>{pad(status, statusWidth)}</Text>
						{padStart(String(canary.weight), 6)}  {pad(`${canary.failedChecks}/${canary.threshold}`, 7)}
						{ago(canary.lastTransitionTime, now)}
					</Text>
				);
			})}
		</Box>
	);
}
