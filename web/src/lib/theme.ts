import { useEffect, useState } from 'preact/hooks'

const query = window.matchMedia('(prefers-color-scheme: dark)')

/** The system colour scheme; canvases re-draw when it changes, CSS follows by itself. */
export function useColorScheme(): 'light' | 'dark' {
  const [isDark, setDark] = useState(query.matches)
  useEffect(() => {
    const listener = () => setDark(query.matches)
    query.addEventListener('change', listener)
    return () => query.removeEventListener('change', listener)
  }, [])
  return isDark ? 'dark' : 'light'
}

/** A theme colour from styles.css, for drawing on canvases. */
export function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim()
}

/** Run colours, told apart in both themes; the i-th selected run always gets the i-th. */
const PALETTE = [
  '#4f7cff',
  '#f97316',
  '#10b981',
  '#e11d48',
  '#a855f7',
  '#ca8a04',
  '#06b6d4',
  '#65a30d',
  '#db2777',
  '#64748b',
]

export function runColor(index: number): string {
  return PALETTE[index % PALETTE.length]!
}
