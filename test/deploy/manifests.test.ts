/**
 * The deployment files: every manifest the kustomization lists is validated against the Kubernetes schema of its
 * kind (kubernetes-models), every environment name they set exists in src/config.ts, the probes, security context
 * and grace period agree with the server, and the Dockerfile keeps its production rules.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ConfigSchema } from '../../src/config.ts';

const K8S = join(import.meta.dirname, '../../k8s');
// biome-ignore lint/suspicious/noExplicitAny: manifests are checked field by field.
type Manifest = any;

const kustomization = (): Manifest =>
  parseAllDocuments(readFileSync(join(K8S, 'kustomization.yaml'), 'utf8'))[0]!.toJS();

function manifests(): { file: string; doc: Manifest }[] {
  return (kustomization().resources as string[]).flatMap((file) =>
    parseAllDocuments(readFileSync(join(K8S, file), 'utf8')).map((d) => {
      if (d.errors.length > 0) throw new Error(`${file}: ${d.errors[0]!.message}`);
      return { file, doc: d.toJS() };
    }),
  );
}

/** The model (schema) of each kind the manifests may use, by `apiVersion/kind`: any other kind fails the test. */
const MODELS: Record<string, new (data: Manifest) => { validate(): void }> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
};

function modelOf(apiVersion: string, kind: string) {
  const Model = MODELS[`${apiVersion}/${kind}`];
  if (!Model) throw new Error(`no schema for ${apiVersion} ${kind}`);
  return Model;
}

const configNames = new Set(Object.keys(ConfigSchema.shape));
const byKind = (kind: string) => manifests().find((m) => m.doc.kind === kind)!.doc;
const container = () => byKind('Deployment').spec.template.spec.containers[0];

describe('k8s/ manifests', () => {
  it('lists files that exist and covers the kinds production needs', () => {
    const k = kustomization();
    expect(k).toMatchObject({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization' });
    for (const file of k.resources) expect(existsSync(join(K8S, file)), file).toBe(true);
    expect(
      manifests()
        .map((m) => m.doc.kind)
        .sort(),
    ).toEqual([
      'ConfigMap',
      'Deployment',
      'HorizontalPodAutoscaler',
      'NetworkPolicy',
      'PodDisruptionBudget',
      'Secret',
      'Service',
    ]);
  });

  it('validates every manifest against the Kubernetes schema of its kind', () => {
    for (const { file, doc } of manifests()) {
      const Model = modelOf(doc.apiVersion, doc.kind);
      expect(() => new Model(doc).validate(), `${file}: ${doc.kind}`).not.toThrow();
    }
  });

  it('catches a manifest that breaks its schema (the validation can fail)', () => {
    const deployment = structuredClone(byKind('Deployment'));
    deployment.spec.replicas = 'two';
    const Model = modelOf('apps/v1', 'Deployment');
    expect(() => new Model(deployment).validate()).toThrow();
  });

  it('sets only environment variables that src/config.ts reads', () => {
    const names = [
      ...Object.keys(byKind('ConfigMap').data),
      ...Object.keys(byKind('Secret').stringData),
      ...(container().env as { name: string }[]).map((e) => e.name),
    ];
    for (const name of names) expect(configNames.has(name), `${name} is not in src/config.ts`).toBe(true);
    const secret = Object.keys(byKind('Secret').stringData);
    for (const name of ['POSTGRES_URL', 'JWT_SECRET', 'OPENAI_API_KEY', 'LANGFUSE_PUBLIC_KEY', 'LANGFUSE_SECRET_KEY']) {
      expect(secret).toContain(name);
    }
    expect(secret.some((n) => n.startsWith('S3_'))).toBe(true);
  });

  it('probes /healthz and /readyz, runs as non-root on a read-only root file system, and outlasts the drain', () => {
    const c = container();
    expect(c.livenessProbe.httpGet.path).toBe('/healthz');
    expect(c.readinessProbe.httpGet.path).toBe('/readyz');
    expect(c.startupProbe.httpGet.path).toBe('/healthz');
    expect(c.resources.requests).toBeDefined();
    expect(c.resources.limits).toBeDefined();
    expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    const pod = byKind('Deployment').spec.template.spec;
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    // The data folder is the one writable place besides /tmp.
    const mounts = (c.volumeMounts as { mountPath: string }[]).map((m) => m.mountPath).sort();
    expect(mounts).toEqual([byKind('ConfigMap').data.DATA_DIR, '/tmp'].sort());
    const grace = Number(byKind('ConfigMap').data.SHUTDOWN_GRACE_SECONDS);
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(grace + 15);
    expect(c.ports.map((p: { containerPort: number }) => String(p.containerPort))).toContain(
      byKind('ConfigMap').data.METRICS_PORT,
    );
  });

  it('parses the ConfigMap and Secret template as a valid server configuration', () => {
    const env = { ...byKind('ConfigMap').data, ...byKind('Secret').stringData };
    expect(ConfigSchema.safeParse(env).success).toBe(true);
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(import.meta.dirname, '../../Dockerfile'), 'utf8');
  it('builds compiled JavaScript on node:24-slim, installs production dependencies, runs as non-root', () => {
    expect(dockerfile).toMatch(/^FROM node:24-slim AS build$/m);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(dockerfile).toMatch(/RUN npm run build/);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^EXPOSE 8000$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK /m);
    expect(dockerfile).toMatch(/^CMD \["node", "--no-node-snapshot", "dist\/src\/main\.js"\]$/m);
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8'));
    expect(pkg.scripts.build).toContain('tsconfig.build.json');
  });
});
