import {Text} from 'ink';
import {Fragment} from 'react';
import type {Phase} from '../../core/spec/types.js';
import {useTheme} from '../theme.js';

const happyPath: Phase[] = ['Initialized', 'Progressing', 'Promoting', 'Finalising', 'Succeeded'];

/** Initialized ▸ Progressing ▸ Promoting ▸ Finalising ▸ Succeeded (or ▸ Failed), current one highlighted. */
export function PhasePath({phase}: {phase: Phase}) {
	const theme = useTheme();
	const path: Phase[] =
		phase === 'Failed'
			? ['Initialized', 'Progressing', 'Failed']
			: phase === 'Waiting'
				? ['Initialized', 'Waiting', ...happyPath.slice(1)]
				: phase === 'WaitingPromotion'
					? ['Initialized', 'Progressing', 'WaitingPromotion', ...happyPath.slice(2)]
					: phase === 'Initializing' || phase === ''
						? ['Initializing', ...happyPath]
						: happyPath;
	return (
		<Text wrap="truncate">
			{' '}
			{path.map((step, index) => (
				<Fragment key={step}>
					{index > 0 && <Text dimColor> {theme.glyph.arrow} </Text>}
					{step === phase ? (
						<Text bold inverse={theme.color} color={theme.tint(phase === 'Failed' ? 'red' : phase === 'Succeeded' ? 'green' : 'cyan')}>
							{theme.color ? step : `[${step}]`}
						</Text>
					) : (
						<Text dimColor>{step}</Text>
					)}
				</Fragment>
			))}
		</Text>
	);
}
