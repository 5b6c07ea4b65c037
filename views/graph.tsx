/**
 * The composition of a run (its ctx.callSkill, chain and parallel steps, at any depth) drawn as a tree in SVG on
 * the server: each node links to its run and shows its skill, status and duration.
 */
import type { RunDto } from '../src/runs/schemas.ts';
import { formatDuration } from './components.tsx';

const NODE_W = 168;
const NODE_H = 46;
const GAP_X = 18;
const GAP_Y = 42;
const PAD = 8;

interface Placed {
  run: RunDto;
  x: number;
  y: number;
}

/** Leaves left to right in creation order, each parent centred over its children. */
function layout(runs: RunDto[]): { nodes: Placed[]; edges: [Placed, Placed][]; width: number; height: number } {
  const root = runs[0]!;
  const children = new Map<string, RunDto[]>();
  for (const run of runs.slice(1)) {
    const siblings = children.get(run.parent_run_id ?? '') ?? [];
    siblings.push(run);
    children.set(run.parent_run_id ?? '', siblings);
  }
  const nodes: Placed[] = [];
  const edges: [Placed, Placed][] = [];
  let nextLeaf = 0;
  let depthMax = 0;
  const place = (run: RunDto, depth: number): Placed => {
    depthMax = Math.max(depthMax, depth);
    const kids = (children.get(run.id) ?? []).map((child) => place(child, depth + 1));
    const x = kids.length ? (kids[0]!.x + kids.at(-1)!.x) / 2 : PAD + nextLeaf++ * (NODE_W + GAP_X);
    const node = { run, x, y: PAD + depth * (NODE_H + GAP_Y) };
    nodes.push(node);
    for (const kid of kids) edges.push([node, kid]);
    return node;
  };
  place(root, 0);
  return {
    nodes,
    edges,
    width: Math.max(1, nextLeaf) * (NODE_W + GAP_X) - GAP_X + 2 * PAD,
    height: (depthMax + 1) * (NODE_H + GAP_Y) - GAP_Y + 2 * PAD,
  };
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

export function CompositionGraph({
  runs,
  current,
  truncated,
}: {
  runs: RunDto[];
  current: string;
  truncated: boolean;
}) {
  if (runs.length < 2) return null;
  const { nodes, edges, width, height } = layout(runs);
  return (
    <figure class="graph-wrap">
      <svg
        class="composition"
        viewBox={`0 0 ${width} ${height}`}
        width={width}
        height={height}
        role="img"
        aria-labelledby="composition-title"
      >
        <title id="composition-title">{`Composition: ${runs.length} runs`}</title>
        {edges.map(([from, to]) => {
          const x1 = from.x + NODE_W / 2;
          const y1 = from.y + NODE_H;
          const x2 = to.x + NODE_W / 2;
          const y2 = to.y;
          const mid = (y1 + y2) / 2;
          return <path class="edge" d={`M${x1},${y1} C${x1},${mid} ${x2},${mid} ${x2},${y2}`} />;
        })}
        {nodes.map(({ run, x, y }) => (
          <a href={`/console/runs/${run.id}`} class="node-link">
            <g class={`node status-${run.status}${run.id === current ? ' current' : ''}`} data-run={run.id}>
              <title>{`${run.skill ?? 'run'} ${run.version ?? ''}: ${run.status}, ${formatDuration(run.duration_ms)}`}</title>
              <rect x={x} y={y} width={NODE_W} height={NODE_H} rx={6} />
              <text x={x + 10} y={y + 19} class="node-name">
                {clip(run.skill ?? 'run', 22)}
              </text>
              <text x={x + 10} y={y + 36} class="node-meta">
                {`${run.status} · ${formatDuration(run.duration_ms)}`}
              </text>
            </g>
          </a>
        ))}
      </svg>
      {truncated && <figcaption class="muted">Showing the first {runs.length} runs of this composition.</figcaption>}
    </figure>
  );
}
