// Colours and glyphs: colour off with NO_COLOR or --no-color, plain ASCII with --ascii.
import {createContext, useContext} from 'react';

export type Theme = {
	color: boolean;
	ascii: boolean;
	glyph: {full: string; empty: string; mark: string; rule: string; arrow: string; pointer: string; ok: string; bad: string; dot: string};
	/** A colour name for Ink, or undefined when colour is off. */
	tint(name: 'green' | 'red' | 'yellow' | 'cyan' | 'gray' | 'magenta'): string | undefined;
};

export function makeTheme(options: {color: boolean; ascii: boolean}): Theme {
	const glyph = options.ascii
		? {full: '#', empty: '.', mark: '|', rule: '-', arrow: '>', pointer: '>', ok: 'ok', bad: 'x', dot: '*'}
		: {full: '█', empty: '░', mark: '│', rule: '─', arrow: '▸', pointer: '>', ok: '✓', bad: '✗', dot: '●'};
	return {...options, glyph, tint: name => (options.color ? name : undefined)};
}

export const ThemeContext = createContext<Theme>(makeTheme({color: true, ascii: false}));
export const useTheme = () => useContext(ThemeContext);

/** asciichart's symbols in plain ASCII. */
export const asciiChartSymbols = ['+', '|', '-', '-', '-', '\\', '/', '\\', '/', '|'];
