import {Box, Text} from 'ink';
import type {RecordedEvent} from '../../controller/ports.js';
import {sanitize} from '../../text/sanitize.js';
import {clockTime} from '../format.js';
import {useTheme} from '../theme.js';

const severe = (event: RecordedEvent) => event.error || event.message.startsWith('Rolling back') || event.message.startsWith('Canary failed!') || event.message.startsWith('Promotion of');

/** Flagger's messages with their time, newest last (like `logs -f`); `scroll` lines up from the end. */
export function EventLog({events, rows, scroll, focused, width}: {events: readonly RecordedEvent[]; rows: number; scroll: number; focused: boolean; width: number}) {
	const theme = useTheme();
	const end = Math.max(0, events.length - scroll);
	const visible = events.slice(Math.max(0, end - rows), end);
	const title = ` events${scroll > 0 ? ` (${scroll} newer below)` : ''} `;
	return (
		<Box flexDirection="column">
			<Text wrap="truncate" bold={focused} color={focused ? theme.tint('cyan') : undefined}>
				{theme.glyph.rule}
				{title}
				{theme.glyph.rule.repeat(Math.max(0, width - title.length - 1))}
			</Text>
			{visible.length === 0 && <Text dimColor> no events yet</Text>}
			{visible.map((event, index) => (
				<Text key={`${event.time}-${end - visible.length + index}`} wrap="truncate" color={event.type === 'Warning' ? theme.tint(severe(event) ? 'red' : 'yellow') : undefined}>
					{' '}
					{clockTime(event.time)} {sanitize(event.message)}
				</Text>
			))}
		</Box>
	);
}
