import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listBundles, listCases, loadSkill, matchesPartial, runCase } from './harness.ts';

const bundles = listBundles();
const runnable = bundles.filter((bundle) => bundle.parsed.manifest.entrypoint);

describe('bundles: manifests', () => {
  it('has the example skills', () => {
    expect(bundles.map((bundle) => bundle.name).sort()).toEqual([
      'code-review-checklist',
      'commit-message-writer',
      'csv-to-chart',
      'csv-to-json',
      'excel-to-pptx',
      'http-json',
      'json-to-csv',
      'markdown-to-html',
      'sales-report',
      'text-stats',
    ]);
  });

  for (const bundle of bundles) {
    it(`${bundle.name}: SKILL.md parses without errors or warnings`, () => {
      expect(bundle.parsed.errors).toEqual([]);
      expect(bundle.parsed.warnings).toEqual([]);
      const { manifest } = bundle.parsed;
      expect(manifest.version).toMatch(/^\d+\.\d+\.\d+$/);
      expect(manifest.tags.length).toBeGreaterThan(0);
      expect(manifest.description.length).toBeGreaterThan(80);
      expect(bundle.parsed.instructions.length).toBeGreaterThan(300);
      if (manifest.entrypoint) expect(existsSync(join(bundle.dir, manifest.entrypoint))).toBe(true);
    });

    it(`${bundle.name}: every relative link in SKILL.md points to a file of the bundle`, () => {
      // Links inside code spans and fences are examples, not references.
      const prose = bundle.parsed.instructions.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
      const links = [...prose.matchAll(/\]\((?!https?:|#|mailto:)([^)\s]+)\)/g)].map((m) => m[1]!);
      for (const link of links) expect(existsSync(join(bundle.dir, link)), link).toBe(true);
    });
  }

  it('instruction-only skills have references and no scripts', () => {
    for (const bundle of bundles.filter((b) => !b.parsed.manifest.entrypoint)) {
      expect(existsSync(join(bundle.dir, 'references')), bundle.name).toBe(true);
      expect(existsSync(join(bundle.dir, 'scripts')), bundle.name).toBe(false);
    }
  });

  it('shared modules are identical copies in every bundle that has them', () => {
    for (const shared of ['ctx.ts', 'csv.ts']) {
      const copies = runnable
        .map((bundle) => join(bundle.dir, 'scripts', shared))
        .filter((path) => existsSync(path))
        .map((path) => readFileSync(path, 'utf8'));
      expect(copies.length, shared).toBeGreaterThan(1);
      expect(new Set(copies).size, shared).toBe(1);
    }
  });
});

describe('bundles: build', () => {
  for (const bundle of runnable) {
    it(`${bundle.name}: bundles into one module free of Node APIs`, async () => {
      const { bundle: built } = await loadSkill(bundle.name);
      expect(built.code).toMatch(/export\s*\{[^}]*\bdefault\b/);
      // The isolate has no require, no Node built-ins and no process (bare-context-run proves the rest).
      expect(built.code).not.toMatch(/\brequire\(|["']node:|\bprocess\./);
      expect(built.code).not.toMatch(/^\s*import\s/m);
      expect(JSON.parse(built.map).sources.length).toBeGreaterThan(0);
    });
  }
});

describe('bundles: cases', () => {
  for (const bundle of runnable) {
    const cases = listCases(bundle.dir);
    it(`${bundle.name}: has 2-4 test cases`, () => {
      expect(cases.length).toBeGreaterThanOrEqual(2);
      expect(cases.length).toBeLessThanOrEqual(4);
    });
    for (const { file, testCase } of cases) {
      it(`${bundle.name}/${file}: ${testCase.name}`, async () => {
        const result = await runCase(bundle.name, testCase);
        const { expect: expected } = testCase;
        // The same case in a bare V8 context (sandbox globals only) must end the same way.
        const bare = await runCase(bundle.name, testCase, { bare: true });
        expect(bare.status, JSON.stringify(bare.error)).toBe(result.status);
        expect(bare.error?.message).toBe(result.error?.message);
        expect(result.status, JSON.stringify(result.error)).toBe(expected.status);
        if (expected.output !== undefined) expect(result.output).toEqual(expected.output);
        if (expected.output_contains !== undefined) {
          expect(matchesPartial(result.output, expected.output_contains), JSON.stringify(result.output, null, 1)).toBe(
            true,
          );
        }
        if (expected.error_type !== undefined) expect(result.error?.type).toBe(expected.error_type);
        if (expected.error_message_contains !== undefined) {
          expect(result.error?.message).toContain(expected.error_message_contains);
        }
        for (const artifact of expected.artifacts ?? []) {
          const found = result.artifacts.find((candidate) => candidate.name === artifact.name);
          expect(found, `artifact ${artifact.name}`).toBeDefined();
          if (artifact.mimeType) expect(found?.mimeType).toBe(artifact.mimeType);
          if (artifact.min_size) expect(found?.size).toBeGreaterThanOrEqual(artifact.min_size);
        }
      });
    }
  }
});
