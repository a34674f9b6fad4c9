// A lab on the docker runtime: the exercise's service is built from the workspace copy under a
// tag of its own, every other component from the tree; and the copy's build context leaves its
// build outputs out, as its own .dockerignore (copied from the tree) says.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exercises } from '../../src/labs/catalog.js';
import { prepareExercise } from '../../src/labs/workspace.js';
import { serviceNamed } from '../../src/topology/chain.js';
import { contextFiles } from '../../src/runtime/docker/build-context.js';
import { componentsOfRun } from '../../src/runtime/docker/chain-images.js';
import { withWorkspaces, workspaceImage } from '../../src/runtime/docker/workspace-images.js';

describe("a lab's workspace on the docker runtime", () => {
  it('builds only the workspace’s service from the copy, under the tag lab', () => {
    const run = componentsOfRun([]);
    const dir = mkdtempSync(join(tmpdir(), 'polytrace-lab-unit-'));
    const lab = withWorkspaces(run, { 'api-gateway': dir });
    expect(lab.find((c) => c.name === 'api-gateway')).toMatchObject({
      contextDir: dir,
      docker: { image: 'polytrace/api-gateway:lab' },
    });
    expect(lab.filter((c) => c.name !== 'api-gateway')).toEqual(run.filter((c) => c.name !== 'api-gateway'));
    expect(withWorkspaces(run, undefined)).toEqual(run);
  });

  it('tags the tree’s image name, whatever its registry port', () => {
    expect(workspaceImage('polytrace/order-service:dev')).toBe('polytrace/order-service:lab');
    expect(workspaceImage('127.0.0.1:5000/polytrace/order-service:dev')).toBe(
      '127.0.0.1:5000/polytrace/order-service:lab',
    );
  });

  /** What each language's own build, and an attendee's git, leave in a copy. */
  const buildOutputs: Record<string, string[]> = {
    go: ['bin/api-gateway', 'api-gateway'],
    java: ['target/auth-service.jar', 'target/classes/App.class'],
    python: ['.venv/bin/python', '__pycache__/app.cpython-311.pyc', 'orders.db', 'orders.log'],
    nodejs: ['node_modules/express/index.js', 'npm-debug.log.1'],
  };

  it.each(exercises.map((e) => [e.id, e] as const))(
    '%s: the copy’s build context holds its Dockerfile and sources, none of its build outputs',
    async (_id, exercise) => {
      const workspace = mkdtempSync(join(tmpdir(), 'polytrace-lab-unit-'));
      const { dir } = await prepareExercise(workspace, exercise);
      const outputs = [...buildOutputs[serviceNamed(exercise.service).language]!, '.git/HEAD'];
      for (const file of outputs) {
        mkdirSync(join(dir, file, '..'), { recursive: true });
        writeFileSync(join(dir, file), 'built');
      }
      const files = await contextFiles(dir);
      expect(files).toContain('Dockerfile');
      expect(files).toContain(exercise.file);
      expect(files.filter((f) => outputs.includes(f))).toEqual([]);
    },
  );
});
