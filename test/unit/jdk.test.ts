import { chmodSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chooseJdk, findJdk, passedOverLine, readJdk } from '../../src/runtime/jdk.js';

/** A folder laid out as a JDK home: bin/java, bin/javac (unless a JRE) and its release file. */
function home(root: string, name: string, version: string, { jre = false } = {}): string {
  const dir = join(root, name);
  mkdirSync(join(dir, 'bin'), { recursive: true });
  for (const tool of jre ? ['java'] : ['java', 'javac']) {
    writeFileSync(join(dir, 'bin', tool), '#!/bin/sh\n');
    chmodSync(join(dir, 'bin', tool), 0o755);
  }
  writeFileSync(join(dir, 'release'), `IMPLEMENTOR="Test"\nJAVA_VERSION="${version}"\n`);
  return dir;
}

describe('finding the JDK', () => {
  const root = mkdtempSync(join(tmpdir(), 'polytrace-jdk-'));
  const jdk17 = home(root, 'jdk-17', '17.0.15');
  const jdk25 = home(root, 'jdk-25', '25.0.3');
  const jdk26 = home(root, 'jvm/jdk-26', '26');
  const jre25 = home(root, 'jre-25', '25.0.3', { jre: true });
  home(root, 'jvm/jdk-8', '1.8.0_452');
  home(root, 'jvm/jdk-25b', '25.0.1');
  const pathBin = join(root, 'path-bin');
  mkdirSync(pathBin);
  symlinkSync(join(jdk25, 'bin', 'java'), join(pathBin, 'java'));
  const none = join(root, 'empty');

  it('reads the version from the release file, old style too, and refuses a JRE', async () => {
    expect(await readJdk(jdk25)).toEqual({ home: jdk25, version: '25.0.3', feature: 25 });
    expect((await readJdk(join(root, 'jvm/jdk-8')))?.feature).toBe(8);
    expect(await readJdk(jre25)).toBeUndefined();
    expect(await readJdk(none)).toBeUndefined();
  });

  it('takes JAVA_HOME first when it is new enough', async () => {
    const found = await findJdk(25, { JAVA_HOME: jdk26, PATH: pathBin }, [none]);
    expect(found?.home).toBe(jdk26);
  });

  it('passes over a JAVA_HOME too old for the `java` on PATH, found through its link', async () => {
    const found = await findJdk(25, { JAVA_HOME: jdk17, PATH: pathBin }, [none]);
    expect(found?.home).toBe(jdk25);
  });

  it('then takes the newest JDK installed side by side', async () => {
    const found = await findJdk(25, { JAVA_HOME: jdk17, PATH: none }, [join(root, 'jvm')]);
    expect(found?.home).toBe(jdk26);
  });

  it('finds nothing when no JDK is new enough', async () => {
    expect(await findJdk(25, { JAVA_HOME: jdk17, PATH: none }, [none])).toBeUndefined();
    expect(await findJdk(25, { JAVA_HOME: jre25, PATH: none }, [none])).toBeUndefined();
  });

  it('names what JAVA_HOME pointed at when it passed it over, and what it took instead', async () => {
    const choice = await chooseJdk({ env: { JAVA_HOME: jdk17, PATH: pathBin }, folders: [none] });
    expect(choice.jdk?.home).toBe(jdk25);
    expect(choice.passedOver).toEqual([{ by: 'JAVA_HOME', home: jdk17, version: '17.0.15' }]);
    expect(passedOverLine(choice)).toBe(`JAVA_HOME is JDK 17.0.15 (${jdk17}), older than 25`);
  });

  it('says a JAVA_HOME that is no JDK, and the java on PATH that was too old', async () => {
    const oldPath = join(root, 'old-path-bin');
    mkdirSync(oldPath);
    symlinkSync(join(jdk17, 'bin', 'java'), join(oldPath, 'java'));
    const choice = await chooseJdk({ env: { JAVA_HOME: jre25, PATH: oldPath }, folders: [join(root, 'jvm')] });
    expect(choice.jdk?.home).toBe(jdk26);
    expect(passedOverLine(choice)).toBe(
      `JAVA_HOME (${jre25}) is not a JDK; the java on PATH is JDK 17.0.15 (${jdk17}), older than 25`,
    );
  });

  it('passes nothing over when what the user pointed at is taken', async () => {
    const choice = await chooseJdk({ env: { JAVA_HOME: jdk26, PATH: pathBin }, folders: [none] });
    expect(choice).toEqual({ jdk: expect.objectContaining({ home: jdk26 }), passedOver: [] });
    expect(passedOverLine(choice)).toBeUndefined();
  });
});
