/**
 * Light or dark: the host's theme when the SDK has applied its palette (Azure DevOps passes the
 * neutral palette as "r, g, b" custom properties, --palette-neutral-0 being the background),
 * otherwise the browser's preference. The stylesheet keys its status colours on the result,
 * because the greens and reds readable on white are not readable on a dark background.
 */
export type ColorScheme = 'light' | 'dark';

export function schemeOfBackground(rgb: string): ColorScheme | undefined {
  const channels = rgb.split(',').map((part) => Number(part.trim()));
  if (channels.length !== 3 || !channels.every((c) => Number.isFinite(c) && c >= 0 && c <= 255)) return undefined;
  const [r, g, b] = channels;
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255 < 0.5 ? 'dark' : 'light';
}

export function applyColorScheme(doc: Document = document): ColorScheme {
  const root = doc.documentElement;
  const hostBackground = getComputedStyle(root).getPropertyValue('--palette-neutral-0');
  const scheme = schemeOfBackground(hostBackground) ?? (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light');
  root.dataset.theme = scheme;
  return scheme;
}
