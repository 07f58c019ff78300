import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildEditor } from '../../editor/build.ts';

describe('buildEditor', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('should bundle the app, its css and fonts and copy the page shell in under 10 seconds', async () => {
    // given
    const outdir = await mkdtemp(join(tmpdir(), 'quytrinh-editor-'));
    dirs.push(outdir);
    // when
    const started = performance.now();
    const result = await buildEditor({ outdir, minify: true });
    const seconds = (performance.now() - started) / 1000;
    // then
    expect(seconds).toBeLessThan(10);
    expect(result.outdir).toBe(outdir);
    const files = await readdir(outdir);
    expect(files).toEqual(expect.arrayContaining(['index.html', 'main.js', 'main.css']));
    const html = await readFile(join(outdir, 'index.html'), 'utf8');
    expect(html).toContain('<html lang="vi">');
    expect(html).toContain('src="./main.js"');
    const css = await readFile(join(outdir, 'main.css'), 'utf8');
    // bpmn-js' diagram styles, the properties panel and our own markers are all in the bundle
    expect(css).toContain('.djs-container');
    expect(css).toContain('.bio-properties-panel');
    expect(css).toContain('.qt-active');
    const assets = await readdir(join(outdir, 'assets'));
    expect(assets.some((name) => /^bpmn-.*\.(woff2?|ttf|eot|svg)$/.test(name))).toBe(true);
  });
});
