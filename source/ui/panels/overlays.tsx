import {Box, Text} from 'ink';
import {sanitize} from '../../text/sanitize.js';
import {keyHelp} from '../keymap.js';
import {useTheme} from '../theme.js';

export function Help({demo, readonly, rows}: {demo: boolean; readonly: boolean; rows: number}) {
	const theme = useTheme();
	const shown = keyHelp.filter(key => demo || !key.demoOnly);
	return (
		<Box flexDirection="column" height={rows}>
			<Text bold color={theme.tint('cyan')}> keys{readonly ? ' (read-only: p, r and space are refused)' : ''}</Text>
			{shown.slice(0, Math.max(1, rows - 2)).map(key => (
				<Text key={key.keys} wrap="truncate">
					{'  '}
					{key.keys.padEnd(12)}
					{key.does}
					{key.demoOnly ? ' (demo)' : ''}
				</Text>
			))}
			<Text dimColor> esc or ? to close</Text>
		</Box>
	);
}

/** The keys that fit, dropping from the middle: `q quit` always stays. */
export function fitKeys(keys: string[], width: number): string {
	const shown = [...keys];
	while (shown.length > 1 && ` ${shown.join('  ')}`.length > width) shown.splice(shown.length - 2, 1);
	return shown.join('  ');
}

export function Footer({keys, notice, prompt, width}: {keys: string[]; notice?: string; prompt?: string; width: number}) {
	const theme = useTheme();
	if (prompt) {
		return (
			<Text wrap="truncate" bold color={theme.tint('yellow')}>
				{' '}
				{sanitize(prompt)}
			</Text>
		);
	}
	if (notice) {
		return (
			<Text wrap="truncate" color={theme.tint('magenta')}>
				{' '}
				{sanitize(notice)}
			</Text>
		);
	}
	return (
		<Text wrap="truncate" dimColor>
			{' '}
			{fitKeys(keys, width)}
		</Text>
	);
}
