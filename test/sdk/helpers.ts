import { type FileMap, skillMd } from '../helpers/bundles.ts';
import { codeSkill } from '../runs/helpers.ts';

/** The skills the SDK tests route to: file input, a non-object input, a non-ASCII name, a failure, instructions only. */
export const sdkSkills: Record<string, FileMap> = {
  'csv-stats': codeSkill(
    'csv-stats',
    [
      'export default async (input: any, ctx: any) => {',
      '  const text = await ctx.files.readText(input.csv);',
      "  const rows = text.trim().split('\\n').length - 1;",
      "  ctx.log('counted ' + rows);",
      "  await ctx.artifacts.write('summary.txt', 'rows: ' + rows, { mimeType: 'text/plain' });",
      '  return { rows };',
      '};',
    ].join('\n'),
    {
      description: 'Counts the data rows of a CSV spreadsheet file and writes a summary',
      tags: ['csv'],
      inputs: [
        { name: 'csv', type: 'file', mime: 'text/csv', required: true, description: 'The table' },
        { name: 'column', type: 'string' },
      ],
      outputs: [{ name: 'rows', type: 'number' }],
    },
  ),
  shout: codeSkill('shout', 'export default (text: string) => text.toUpperCase();', {
    description: 'Shouts a text back in capital letters',
    input_schema: { type: 'string', minLength: 1 },
  }),
  'мой-навык': codeSkill('мой-навык', 'export default (i: any) => ({ double: i.x * 2 });', {
    description: 'Doubles a number',
    inputs: [{ name: 'x', type: 'number', required: true }],
  }),
  breaker: codeSkill('breaker', "export default () => { throw new Error('broken on purpose'); };", {
    description: 'Always fails',
  }),
  'style-guide': {
    'SKILL.md': skillMd(
      { name: 'style-guide', description: 'House style guide for writing reports', version: '1.0.0' },
      '# Style\n\nShort sentences.\n',
    ),
  },
};
