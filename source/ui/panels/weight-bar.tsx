import {Text} from 'ink';
import {sanitize} from '../../text/sanitize.js';
import {useTheme} from '../theme.js';
import type {CanaryView} from '../view-model.js';

/** primary ███████░░░ 75 | 25 canary, with the maxWeight mark; A/B and Blue/Green show iterations. */
export function WeightBar({view, width}: {view: CanaryView; width: number}) {
	const theme = useTheme();
	if (view.strategy !== 'canary') {
		const label = view.strategy === 'ab-testing' ? 'A/B test' : 'Blue/Green';
		const users = view.strategy === 'ab-testing' ? ` ${theme.glyph.arrow} canary gets ${sanitize(view.routedUsers ?? 'matching requests')}` : '';
		return (
			<Text wrap="truncate">
				{' '}
				{label} iteration <Text bold>{view.iterations}</Text>/{view.totalIterations}
				{users}
			</Text>
		);
	}
	const next = view.stepsToGo.length > 0 ? `  next ${view.stepsToGo.slice(0, 3).join(', ')}${view.stepsToGo.length > 3 ? ` ${theme.glyph.arrow} ${view.stepsToGo.at(-1)}` : ''}` : '';
	// ' primary ' and ' 100 | 0  canary' take 25 columns; one more keeps clear of the edge.
	const barWidth = Math.max(10, width - 26 - next.length);
	const primaryCells = barWidth - Math.round((view.weight / 100) * barWidth);
	// The canary grows from the right; the mark shows how far it may go (maxWeight).
	const mark = barWidth - Math.round((Math.min(view.maxWeight, 100) / 100) * barWidth);
	const cell = (i: number) => (i === mark && view.maxWeight < 100 ? theme.glyph.mark : i < primaryCells ? theme.glyph.full : theme.glyph.empty);
	const cells = Array.from({length: barWidth}, (_, i) => cell(i));
	const primaryPart = cells.slice(0, primaryCells).join('');
	const canaryPart = cells.slice(primaryCells).join('');
	return (
		<Text wrap="truncate">
			{' primary '}
			<Text color={theme.tint('green')}>{primaryPart}</Text>
			<Text color={theme.tint('yellow')}>{canaryPart}</Text>
			{` ${String(100 - view.weight).padStart(3)} | ${String(view.weight).padEnd(3)}canary`}
			<Text dimColor>{next}</Text>
		</Text>
	);
}
