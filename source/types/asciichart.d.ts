// asciichart ships no types; this is the part canary-tui uses.
declare module 'asciichart' {
	type PlotConfig = {height?: number; offset?: number; padding?: string; colors?: string[]; symbols?: string[]; min?: number; max?: number; format?: (value: number, index: number) => string};
	export function plot(series: number[] | number[][], config?: PlotConfig): string;
	export const green: string;
	export const red: string;
	export const yellow: string;
	export const cyan: string;
	export const lightgray: string;
	export const darkgray: string;
	export const reset: string;
	const asciichart: {plot: typeof plot; green: string; red: string; yellow: string; cyan: string; lightgray: string; darkgray: string; reset: string};
	export default asciichart;
}
