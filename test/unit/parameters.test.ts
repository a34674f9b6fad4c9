// Functions of several values take one named object (as execa's do), so a call
// site says what each value is: none in src/ takes more than three positional
// parameters. Read from the TypeScript syntax tree, so no form of function is missed.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../src/common/paths.js';

const maxPositional = 3;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

function longParameterLists(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && node.parameters.length > maxPositional && !ts.isFunctionTypeNode(node)) {
      const { line } = source.getLineAndCharacterOfPosition(node.getStart());
      const name = node.name && ts.isIdentifier(node.name) ? node.name.text : '(anonymous)';
      found.push(`${relative(repoRoot, file)}:${line + 1} ${name} takes ${node.parameters.length}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('parameter lists', () => {
  it(`has no function in src/ with more than ${maxPositional} positional parameters`, () => {
    expect(sources(join(repoRoot, 'src')).flatMap(longParameterLists)).toEqual([]);
  });
});
