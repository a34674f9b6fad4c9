// Number formats every reporter shares, so the terminal, HTML and Markdown agree.

/** At most 7 characters: `151.7ms` below a second, `12.35s` above, so columns never overflow. */
export function formatMs(ms: number): string {
  return ms < 999.95 ? `${ms.toFixed(1)}ms` : `${(ms / 1000).toFixed(2)}s`;
}
