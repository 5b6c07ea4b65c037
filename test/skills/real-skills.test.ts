import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, publishSkill, type TestApp } from '../helpers/app.ts';
import type { FileMap } from '../helpers/bundles.ts';

// Shaped like the public anthropics/skills repository and Claude Code skills: instruction-only, Python scripts,
// fields the spec does not know, long or colon-laden descriptions.
const REAL_SKILLS: Record<string, FileMap> = {
  pdf: {
    'SKILL.md': `---
name: pdf
description: Comprehensive PDF manipulation toolkit for extracting text and tables, creating new PDFs, merging/splitting documents, and handling forms. When Claude needs to fill in a PDF form or programmatically process, generate, or analyze PDF documents at scale.
license: Proprietary. LICENSE.txt has complete terms
---

# PDF Processing Guide

## Quick Start

\`\`\`python
from pypdf import PdfReader
reader = PdfReader("document.pdf")
\`\`\`
`,
    'LICENSE.txt': '© 2025 Anthropic, PBC. All rights reserved.\n',
    'scripts/fill_fillable_fields.py': 'import sys\nfrom pypdf import PdfReader\n\ndef main():\n    pass\n',
    'forms.md': '# Forms\n',
    'reference.md': '# Reference\n',
  },
  'mcp-builder': {
    'SKILL.md': `---
name: mcp-builder
description: Guide for creating high-quality MCP (Model Context Protocol) servers that enable LLMs to interact with external services through well-designed tools. Use when building MCP servers to integrate external APIs or services, whether in Python (FastMCP) or Node/TypeScript (MCP SDK).
license: Complete terms in LICENSE.txt
---

# MCP Server Development Guide
`,
    'reference/evaluation.md': '# Evaluation\n',
    'scripts/connections.py': 'class Connection: pass\n',
    'scripts/requirements.txt': 'anthropic>=0.39.0\n',
  },
  'claude-code-style': {
    'SKILL.md': `---
name: claude-code-style
description: Reviews pull requests: checks style, tests and docs
when_to_use: When the user asks for a review
allowed-tools: Read, Grep, Bash(git diff:*)
metadata:
  author: someone
  version: "2.1"
---
Review the diff.
`,
  },
};

describe('real-world skills import as instruction skills', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('pglite');
  });
  afterAll(() => t.close());

  it.each(Object.entries(REAL_SKILLS))('%s imports without edits', async (name, files) => {
    const result = await publishSkill(t, files, name);
    expect(result.version).toMatchObject({
      entrypoint: null,
      runnable: false,
      status: 'published',
      file_count: Object.keys(files).length,
    });
    const version = await (await t.request(`/skill-versions/${result.version.id}`)).json();
    expect(version.instructions.length).toBeGreaterThan(5);
    const py = version.files.find((f: { path: string }) => f.path.endsWith('.py'));
    if (py) expect(py.mime).toBe('text/x-python');
  });

  it('keeps unknown fields and reads metadata.version, with warnings', async () => {
    const version = await (await t.request('/skills/claude-code-style?include=instructions')).json();
    expect(version.latest_version).toBe('2.1.0');
    const full = await (await t.request(`/skill-versions/${version.latest_version_id}`)).json();
    expect(full.front_matter.when_to_use).toBe('When the user asks for a review');
    const warnings = full.warnings.map((w: { message: string }) => w.message).join('\n');
    expect(warnings).toMatch(/read it leniently/);
    expect(warnings).toMatch(/unknown field "when_to_use"/);
    expect(warnings).toMatch(/version "2.1" read as 2.1.0/);
  });
});
