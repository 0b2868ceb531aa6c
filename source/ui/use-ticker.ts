import {useEffect, useRef, useState} from 'react';

/**
 * Re-reads a clock every `ms` real milliseconds, but re-renders only when `shown(time)` — the
 * text the caller draws from the time — changes: each Ink repaint lays out and writes the whole
 * frame (~11 ms), even when no byte of it differs.
 */
export function useTicker(now: () => number, ms: number, shown: (time: number) => string): number {
	const [time, setTime] = useState(now);
	const latest = useRef({shown, time});
	latest.current = {shown, time};
	useEffect(() => {
		const timer = setInterval(() => {
			const next = now();
			if (latest.current.shown(next) !== latest.current.shown(latest.current.time)) setTime(next);
		}, ms);
		return () => clearInterval(timer);
	}, [now, ms]);
	return time;
}
