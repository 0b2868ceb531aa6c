import {Box, Text} from 'ink';
import {memo, useEffect, useState} from 'react';
import {clockTime} from '../format.js';
import {useTheme} from '../theme.js';

/**
 * The clock lives alone so a tick repaints one line, nothing else. It shows minutes: with
 * Ink 6's line renderer any repaint of a 23-line frame costs about 90 bytes of cursor
 * movement, so a seconds clock alone would send ~180 B/s to an idle SSH session.
 */
function Clock({now}: {now: () => number}) {
	const [time, setTime] = useState(() => clockTime(now()).slice(0, 5));
	useEffect(() => {
		const timer = setInterval(() => setTime(clockTime(now()).slice(0, 5)), 1000);
		return () => clearInterval(timer);
	}, [now]);
	return <Text>{time}</Text>;
}

export const Header = memo(function Header(props: {context: string; namespace: string; role: string; now: () => number}) {
	const theme = useTheme();
	return (
		<Box width="100%">
			<Box flexGrow={1} flexShrink={1}>
				<Text wrap="truncate">
				<Text bold color={theme.tint('cyan')}> canary-tui</Text>  ctx: {props.context}  ns: {props.namespace}  {props.role} <Text color={theme.tint('green')}>{theme.glyph.dot}</Text>
				</Text>
			</Box>
			<Box flexShrink={0}>
				<Text>
					<Clock now={props.now} />   ? help
				</Text>
			</Box>
		</Box>
	);
});
