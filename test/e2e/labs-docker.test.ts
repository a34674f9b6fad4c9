// End-to-end: a lab on the docker runtime, through the CLI as an attendee runs it.
// One exercise, the quickest to build (go-propagator): the gateway's image is
// built from the workspace copy; the break is diagnosed at its hop; a save that
// does not compile shows the compiler's own line and keeps the edit; the
// reference solution, saved as an editor would, is verified, and only that
// image was rebuilt and only that container replaced; a start from a copy that
// does not compile ends with the compiler's line, exit 3. Every other case of the
// labs runs on the local runtime (labs.test.ts).
import { mkdtempSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findExercise } from '../../src/labs/catalog.js';
import { exerciseFiles, readFiles } from '../../src/labs/workspace.js';
import { chainPortsFree, outDir, polytrace, portBases, portsAt } from './run-cli.js';
import { labStartArgs, RunningLab, save } from './running-lab.js';
import { coldBuild, engineWithImages, leftovers as leftoversOf, runsDocker, warnIfSkipped } from './docker-engine.js';

const ports = portsAt(portBases.labsDocker);

warnIfSkipped('the lab on the docker runtime');

/** Containers and networks of the runs under one folder still on the engine. */
async function leftovers(runsDir: string): Promise<string[]> {
  const left: string[] = [];
  for (const runId of await readdir(runsDir)) left.push(...(await leftoversOf(runId)));
  return left;
}

const timings: string[] = [];
afterAll(() => {
  for (const timing of timings) process.stderr.write(`lab on docker, ${timing}\n`);
});

describe.skipIf(!runsDocker)('polytrace lab start --runtime docker (real chain in containers)', () => {
  // As the docker chain's test: with no images to build from, prepare them as the README says.
  beforeAll(engineWithImages, coldBuild);

  it(
    'go-propagator: built from the copy, broken at its hop; a save that does not build says where; the fix is verified, only its image rebuilt',
    async () => {
      const exercise = findExercise('go-propagator')!;
      const workspace = mkdtempSync(join(tmpdir(), 'polytrace-lab-docker-'));
      const runs = outDir();
      const dir = join(workspace, exercise.id);
      const startArgs = labStartArgs({ exercise: exercise.id, workspace, runtime: 'docker', runs, ports });
      const started = Date.now();
      const lab = new RunningLab(startArgs);
      try {
        const broken = await lab.nextVerdict(coldBuild);
        expect(broken.line).toBe(`✗ still broken at ${exercise.breaksAt}:`);
        timings.push(`start to the broken trace: ${((Date.now() - started) / 1000).toFixed(1)} s`);
        expect(broken.text).toMatch(/runtime: docker/);
        expect(broken.text).toMatch(/starting api-gateway \(polytrace\/api-gateway:lab\)/);
        expect(broken.text).toMatch(/starting order-service \(polytrace\/order-service:dev\)/);

        // A save that does not compile: the compiler's line from the image build's log, the edit kept.
        const otel = join(dir, 'otel.go');
        const edited = `${await readFile(otel, 'utf8')}\nfunc broken( {\n`;
        const beforeEdit = await readFiles(dir);
        const editedAt = Date.now();
        await writeFile(otel, edited);
        const failed = await lab.nextVerdict();
        timings.push(`a save that does not compile, to its line: ${((Date.now() - editedAt) / 1000).toFixed(1)} s`);
        expect(failed.line).toMatch(/^✗ api-gateway does not build from the workspace: \S*otel\.go:\d+:\d+: /);
        expect(await readFile(otel, 'utf8')).toBe(edited);

        // The reference solution, as an editor writes it.
        await save(dir, await exerciseFiles(exercise, 'solution'), new Map([...beforeEdit, ['otel.go', edited]]));
        const fixed = await lab.nextVerdict();
        expect(fixed.line).toBe(`✓ fixed: ${exercise.id}, every span and hop it requires is there and linked`);
        const took = /\((\d+\.\d) s from save to verdict\)/.exec(fixed.text);
        expect(took).not.toBeNull();
        timings.push(`go save to verdict: ${took![1]} s`);
        // Only the workspace's image was built again, and only its container replaced.
        expect(fixed.text).toMatch(
          /built polytrace\/api-gateway:lab in \d+\.\ds|polytrace\/api-gateway:lab is up to date/,
        );
        expect(fixed.text).toMatch(/starting api-gateway \(polytrace\/api-gateway:lab\)/);
        expect(fixed.text).not.toMatch(/starting (otel-collector|auth-service|order-service|notification-service)/);
      } finally {
        const result = await lab.stop();
        // Ctrl-C ends a lab: 130, as every interrupted command.
        expect(result.exitCode, lab.all.slice(-3000)).toBe(130);
      }
      expect(await leftovers(runs)).toEqual([]);
      expect(Object.values(await chainPortsFree(ports)).every(Boolean)).toBe(true);

      // A start from a copy that does not compile: the compiler's line, exit 3, the edit kept.
      const otel = join(dir, 'otel.go');
      const edited = `${await readFile(otel, 'utf8')}\nfunc broken( {\n`;
      await writeFile(otel, edited);
      const again = await polytrace(startArgs);
      expect(again.exitCode, again.all).toBe(3);
      const errors = again.stderr.split('\n').filter((line) => line.startsWith('polytrace:'));
      expect(errors).toHaveLength(1);
      expect(again.stderr.trim().split('\n').at(-1)).toBe(errors[0]);
      expect(errors[0]).toMatch(/api-gateway does not build from the workspace: \S*otel\.go:\d+:\d+: /);
      expect(await readFile(otel, 'utf8')).toBe(edited);
      expect(await leftovers(runs)).toEqual([]);
    },
    coldBuild,
  );
});
