// Starts the interactive dashboard, or renders its first frame once (`--once`).
import {render, renderToString} from 'ink';
import {useEffect, useState} from 'react';
import {App} from './app.js';
import type {DashboardSource} from './source.js';
import {makeTheme, ThemeContext, type Theme} from './theme.js';

export type TuiOptions = {color: boolean; ascii: boolean; stdout?: NodeJS.WriteStream; stdin?: NodeJS.ReadStream};

type Size = {columns: number; rows: number};

function Root({source, theme, stdout}: {source: DashboardSource; theme: Theme; stdout: NodeJS.WriteStream}) {
	const [size, setSize] = useState<Size>({columns: stdout.columns || 80, rows: stdout.rows || 24});
	useEffect(() => {
		let timer: NodeJS.Timeout | undefined;
		// A drag-resize fires many events; lay out once it settles.
		const onResize = () => {
			clearTimeout(timer);
			timer = setTimeout(() => setSize({columns: stdout.columns || 80, rows: stdout.rows || 24}), 100);
		};
		stdout.on('resize', onResize);
		return () => {
			clearTimeout(timer);
			stdout.off('resize', onResize);
		};
	}, [stdout]);
	return (
		<ThemeContext.Provider value={theme}>
			<App source={source} columns={size.columns} rows={size.rows} />
		</ThemeContext.Provider>
	);
}

/** Runs until the user quits (q, Ctrl-C) or `stop` resolves; the terminal is restored either way. */
export async function runTui(source: DashboardSource, options: TuiOptions, stop?: Promise<void>): Promise<void> {
	const stdout = options.stdout ?? process.stdout;
	const theme = makeTheme(options);
	// The alternate screen, as k9s and less use: quitting gives the shell back as it was.
	stdout.write('\u001b[?1049h\u001b[H');
	const instance = render(<Root source={source} theme={theme} stdout={stdout} />, {
		stdout,
		stdin: options.stdin ?? process.stdin,
		incrementalRendering: true,
		maxFps: 10,
		exitOnCtrlC: false,
		patchConsole: true,
	});
	try {
		await Promise.race([instance.waitUntilExit(), stop]);
	} finally {
		instance.unmount();
		instance.cleanup();
		stdout.write('\u001b[?1049l');
	}
}

export function renderOnce(source: DashboardSource, options: TuiOptions & {columns: number; rows: number}): string {
	const theme = makeTheme(options);
	return renderToString(
		<ThemeContext.Provider value={theme}>
			<App source={source} columns={options.columns} rows={options.rows} />
		</ThemeContext.Provider>,
		{columns: options.columns},
	);
}
