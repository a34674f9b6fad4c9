// The cells file of `matrix --cells FILE` (and `--expect FILE`, which reads
// the same form): JSON, each cell the versions it names, what it is expected
// to do and one line of why. Read from outside the run, so bounded in size,
// count and length, and every fault is one line that says where.
import { parseSdkFlags, sdkLanguages, type SdkRequest } from '../topology/sdk-versions.js';
import { maxCells, type CellExpectation, type MatrixCell } from './cell.js';

/** The largest cells file read: a few dozen cells take a few kilobytes. */
export const maxCellsFileBytes = 64 * 1024;
/** The longest `why` (and the file's `about`): one line a table can show. */
const maxWhyLength = 300;
/** The most breaks one cell can be expected to have: every ordered pair of four languages is 12. */
const maxBreaks = 20;

const expectations: readonly CellExpectation[] = ['pass', 'broken'];
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const shown = (value: unknown) => JSON.stringify(value)?.slice(0, 60) ?? String(value);

/** One line of text: a string, short, no line break (it is printed in a table and a JUnit attribute). */
function oneLine(value: unknown, where: string): string {
  if (typeof value !== 'string' || /[\r\n]/.test(value) || value.length > maxWhyLength) {
    throw new Error(`Expected ${where} to be one line of at most ${maxWhyLength} characters, got ${shown(value)}`);
  }
  return value;
}

function parseSdk(value: unknown, where: string): SdkRequest {
  if (!isRecord(value)) throw new Error(`Expected ${where} to be an object of language → version, got ${shown(value)}`);
  const flags = Object.entries(value).map(([language, version]) => {
    if (typeof version !== 'string')
      throw new Error(`Expected ${where}.${language} to be a version, got ${shown(version)}`);
    return `${language}=${version}`;
  });
  const request = parseSdkFlags(flags);
  // The flag parser's words, said of the file: "--sdk" is the file's "sdk" here.
  if (typeof request === 'string') throw new Error(`${where}: ${request.replace(/--sdk/g, 'sdk')}`);
  return request;
}

function parseCell(value: unknown, where: string): MatrixCell {
  if (!isRecord(value)) throw new Error(`Expected ${where} to be an object with "sdk", got ${shown(value)}`);
  const unknown = Object.keys(value).filter((key) => !['sdk', 'expect', 'breaks', 'why'].includes(key));
  if (unknown.length > 0) {
    throw new Error(`Expected ${where} to hold only sdk, expect, breaks and why, got "${unknown[0]}"`);
  }
  const cell: MatrixCell = { sdk: parseSdk(value.sdk ?? {}, `${where}.sdk`) };
  if (value.expect !== undefined) {
    if (!expectations.includes(value.expect as CellExpectation)) {
      throw new Error(`Expected ${where}.expect to be "pass" or "broken", got ${shown(value.expect)}`);
    }
    cell.expect = value.expect as CellExpectation;
  }
  if (value.breaks !== undefined) {
    if (cell.expect !== 'broken') throw new Error(`Expected ${where}.breaks only with "expect": "broken"`);
    if (!Array.isArray(value.breaks) || value.breaks.length === 0 || value.breaks.length > maxBreaks) {
      throw new Error(
        `Expected ${where}.breaks to list 1 to ${maxBreaks} places (e.g. "java → go"), got ${shown(value.breaks)}`,
      );
    }
    cell.breaks = value.breaks.map((place, i) => oneLine(place, `${where}.breaks[${i}]`));
  }
  if (value.why !== undefined) cell.why = oneLine(value.why, `${where}.why`);
  return cell;
}

/**
 * `{ "about": "…", "cells": [{ "sdk": { "java": "2.26.0", "go": "1.41.0" }, "expect": "broken", "why": "…" }] }`
 * as cells, or one line saying what is wrong and where (`name` is the file as the user gave it).
 */
export function parseCellsFile(text: string, name: string): MatrixCell[] | string {
  if (Buffer.byteLength(text) > maxCellsFileBytes) {
    return `Expected a cells file of at most ${maxCellsFileBytes / 1024} KiB, got ${name} of ${Buffer.byteLength(text)} bytes`;
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    return `Expected ${name} to be JSON, got: ${(error as Error).message.split('\n')[0]}`;
  }
  try {
    if (!isRecord(document) || !Array.isArray(document.cells)) {
      throw new Error(`Expected an object with a "cells" list, got ${shown(document)}`);
    }
    const extra = Object.keys(document).filter((key) => !['about', 'cells'].includes(key));
    if (extra.length > 0) throw new Error(`Expected only "about" and "cells" at the top, got "${extra[0]}"`);
    if (document.about !== undefined) oneLine(document.about, '"about"');
    if (document.cells.length === 0 || document.cells.length > maxCells) {
      throw new Error(`Expected 1 to ${maxCells} cells, got ${document.cells.length}`);
    }
    const cells = document.cells.map((cell, i) => parseCell(cell, `cells[${i}]`));
    const labels = cells.map((c) => JSON.stringify(sdkLanguages.map((l) => c.sdk[l])));
    const twice = labels.findIndex((label, i) => labels.indexOf(label) !== i);
    if (twice >= 0) throw new Error(`Expected each cell once, got cells[${twice}] twice`);
    return cells;
  } catch (error) {
    return `${name}: ${(error as Error).message}`;
  }
}
