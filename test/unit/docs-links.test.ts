// Every link in the README and docs/ leads somewhere: a file or folder of the
// repository, and a heading of it when the link names one (its #anchor made by
// GitHub's rules). Links out of the repository are checked for form only, never
// fetched.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import GithubSlugger from 'github-slugger';
import { Lexer, type Token, type Tokens } from 'marked';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../src/common/paths.js';
import { documents } from '../docs-samples.js';

/** Every token of a document, nested ones included. */
function* walk(tokens: readonly Token[]): Generator<Token> {
  for (const token of tokens) {
    yield token;
    const nested = token as {
      tokens?: Token[];
      items?: Token[];
      header?: Tokens.TableCell[];
      rows?: Tokens.TableCell[][];
    };
    if (nested.tokens) yield* walk(nested.tokens);
    if (nested.items) yield* walk(nested.items);
    for (const cell of [...(nested.header ?? []), ...(nested.rows ?? []).flat()]) yield* walk(cell.tokens);
  }
}

/** A heading's text as GitHub renders it, before it makes the anchor: markup gone, code kept. */
const plain = (tokens: readonly Token[]): string =>
  tokens.map((t) => ('tokens' in t && t.tokens ? plain(t.tokens) : 'text' in t ? String(t.text) : '')).join('');

const parsed = new Map<string, { anchors: Set<string>; links: string[] }>();

function parse(path: string) {
  const known = parsed.get(path);
  if (known) return known;
  const tokens = new Lexer().lex(readFileSync(join(repoRoot, path), 'utf8'));
  const slugger = new GithubSlugger();
  const anchors = new Set<string>();
  const links: string[] = [];
  for (const token of walk(tokens)) {
    if (token.type === 'heading') anchors.add(slugger.slug(plain((token as Tokens.Heading).tokens)));
    if (token.type === 'link' || token.type === 'image') links.push((token as Tokens.Link).href);
    if (token.type === 'html') {
      for (const m of (token as Tokens.HTML).raw.matchAll(/\b(?:href|src)="([^"]+)"/g)) links.push(m[1]!);
    }
  }
  const result = { anchors, links };
  parsed.set(path, result);
  return result;
}

/** What is wrong with one link of a document, or undefined when it leads somewhere. */
function broken(from: string, href: string): string | undefined {
  if (/^[a-z][a-z+.-]*:/i.test(href)) {
    if (!/^https?:/i.test(href)) return `${href}: a link out of the repository that is not http(s)`;
    try {
      new URL(href);
      return undefined;
    } catch {
      return `${href}: not a URL`;
    }
  }
  const [target = '', anchor] = decodeURI(href).split('#');
  const path = target ? relative(repoRoot, join(repoRoot, dirname(from), target)) : from;
  if (path.startsWith('..')) return `${href}: leads out of the repository`;
  if (!existsSync(join(repoRoot, path))) return `${href}: there is no ${path}`;
  if (anchor === undefined) return undefined;
  if (!path.endsWith('.md')) return `${href}: an #anchor in a file that is not Markdown`;
  return parse(path).anchors.has(anchor) ? undefined : `${href}: ${path} has no heading whose anchor is #${anchor}`;
}

describe('the links of the README and docs/', () => {
  it.each(documents)('%s: every link leads to a file and heading that exist', (path) => {
    const { links } = parse(path);
    expect(links.map((href) => broken(path, href)).filter(Boolean)).toEqual([]);
  });

  it('the README links every page of docs/', () => {
    const linked = new Set(parse('README.md').links.map((href) => href.split('#')[0]));
    expect(documents.filter((d) => d.startsWith('docs/') && !linked.has(d))).toEqual([]);
  });

  it('knows a broken link when it sees one', () => {
    expect(parse('README.md').links).toContain('docs/architecture.md');
    expect(broken('README.md', 'docs/nothing.md')).toMatch(/there is no docs\/nothing\.md/);
    expect(broken('README.md', 'docs/check.md#no-such-heading')).toMatch(/has no heading/);
    expect(broken('docs/check.md', '../README.md#exit-codes')).toBeUndefined();
    expect(broken('docs/check.md', '#what-it-prints')).toBeUndefined();
    expect(broken('README.md', 'https://www.w3.org/TR/trace-context/')).toBeUndefined();
    expect(broken('README.md', 'ftp://example.org/')).toMatch(/not http/);
  });
});
