// deploy/kubernetes/ without a cluster: every manifest passes the JSON-schema validation of
// kubernetes-models (the Kubernetes OpenAPI schemas) and @kubernetes-models/prometheus-operator
// (the ServiceMonitor CRD), and satisfies their TypeScript types, which also refuse a key the
// API does not have (the schemas let unknown keys through; the API server would drop them
// silently). Then what the manifests wire together agrees: the shard count, the ports, the
// volume for the store, the config the ConfigMap carries (loaded by the real loader).
import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { apps, v1 } from 'kubernetes-models';
import { monitoringCoreosCom } from '@kubernetes-models/prometheus-operator';
import { parse, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import { typeErrors } from '../support/type-check-values.ts';

const DIR = fileURLToPath(new URL('../../deploy/kubernetes/', import.meta.url));

interface ManifestBody {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly labels?: Record<string, string>; readonly annotations?: Record<string, string> };
  readonly [key: string]: unknown;
}
type Manifest = ManifestBody & { readonly file: string };

const kustomization = parse(readFileSync(path.join(DIR, 'kustomization.yaml'), 'utf8')) as { kind: string; namespace: string; resources: string[] };
const manifests: Manifest[] = kustomization.resources.flatMap((file) =>
  parseAllDocuments(readFileSync(path.join(DIR, file), 'utf8')).map((document) => ({ file, ...(document.toJS() as ManifestBody) })),
);
const manifest = (kind: string): Manifest => {
  const found = manifests.filter((candidate) => candidate.kind === kind);
  if (found.length !== 1) throw new Error(`expected one ${kind}, found ${found.length}`);
  return found[0]!;
};

/** The model class and its TypeScript interface, per kind. */
const MODELS: Record<string, { readonly model: new (data: never) => { validate(): void }; readonly imports: string; readonly type: string }> = {
  Namespace: { model: v1.Namespace, imports: "import type { INamespace } from 'kubernetes-models/v1';", type: 'INamespace' },
  ConfigMap: { model: v1.ConfigMap, imports: "import type { IConfigMap } from 'kubernetes-models/v1';", type: 'IConfigMap' },
  Service: { model: v1.Service, imports: "import type { IService } from 'kubernetes-models/v1';", type: 'IService' },
  StatefulSet: { model: apps.v1.StatefulSet, imports: "import type { IStatefulSet } from 'kubernetes-models/apps/v1';", type: 'IStatefulSet' },
  ServiceMonitor: {
    model: monitoringCoreosCom.v1.ServiceMonitor,
    imports: "import type { IServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';",
    type: 'IServiceMonitor',
  },
};

const validationErrors = (candidate: ManifestBody): string[] => {
  const models = MODELS[candidate.kind];
  if (models === undefined) return [`no model for kind ${candidate.kind}`];
  try {
    new models.model(candidate as never).validate();
    return [];
  } catch (error) {
    return [(error as Error).message];
  }
};
const withoutFile = ({ file: _file, ...rest }: Manifest): ManifestBody => rest;

interface Container {
  readonly args: string[];
  readonly env: { name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string } } }[];
  readonly ports: { name: string; containerPort: number }[];
  readonly volumeMounts: { name: string; mountPath: string }[];
  readonly livenessProbe: { httpGet: { path: string; port: string } };
  readonly readinessProbe: { httpGet: { path: string; port: string } };
}
interface StatefulSetSpec {
  readonly serviceName: string;
  readonly replicas: number;
  readonly selector: { matchLabels: Record<string, string> };
  readonly template: {
    metadata: { labels: Record<string, string>; annotations: Record<string, string> };
    spec: { containers: Container[]; volumes: { name: string; configMap?: { name: string } }[] };
  };
  readonly volumeClaimTemplates: { metadata: { name: string }; spec: { accessModes: string[]; resources: { requests: { storage: string } } } }[];
}
const statefulSet = manifest('StatefulSet').spec as StatefulSetSpec;
const container = statefulSet.template.spec.containers[0]!;

describe('deploy/kubernetes', () => {
  it('is a kustomization listing every manifest of the folder, one namespace for all', () => {
    expect(kustomization.kind).toBe('Kustomization');
    expect(manifests.map((candidate) => candidate.kind).sort()).toEqual(['ConfigMap', 'Namespace', 'Service', 'ServiceMonitor', 'StatefulSet']);
    expect(manifest('Namespace').metadata.name).toBe(kustomization.namespace);
  });

  it('passes the Kubernetes and prometheus-operator schemas, which do refuse a wrong value', () => {
    expect(manifests.flatMap((candidate) => validationErrors(withoutFile(candidate)).map((error) => `${candidate.file}: ${error}`))).toEqual([]);
    const broken = { ...withoutFile(manifest('StatefulSet')), spec: { ...statefulSet, replicas: 'three' } };
    expect(validationErrors(broken).join()).toMatch(/replicas must be integer/);
    const brokenMonitor = withoutFile(manifest('ServiceMonitor'));
    expect(validationErrors({ ...brokenMonitor, spec: { endpoints: [] } }).join()).toMatch(/selector/);
  });

  it("satisfies the models' TypeScript types, which refuse a key the API does not have", () => {
    const typed = (candidate: ManifestBody, name: string) => ({
      name,
      imports: MODELS[candidate.kind]!.imports,
      type: MODELS[candidate.kind]!.type,
      value: candidate,
    });
    const misspelt = { ...withoutFile(manifest('StatefulSet')), spec: { ...statefulSet, replica: 3 } };
    const errors = typeErrors([...manifests.map((candidate) => typed(withoutFile(candidate), candidate.file)), typed(misspelt, 'misspelt')]);
    expect(errors.filter((error) => !error.startsWith('misspelt:'))).toEqual([]);
    expect(errors.filter((error) => error.startsWith('misspelt:')).join()).toMatch(/'"replica"' does not exist/);
  }, 60_000);

  it('gives each pod its shard from its ordinal: --shard INDEX/N with N the replicas', () => {
    const shard = container.args[container.args.indexOf('--shard') + 1];
    expect(shard).toBe(`$(SHARD_INDEX)/${statefulSet.replicas}`);
    expect(container.env.find((variable) => variable.name === 'SHARD_INDEX')?.valueFrom?.fieldRef?.fieldPath).toBe(
      "metadata.labels['apps.kubernetes.io/pod-index']",
    );
    expect(container.args.slice(0, 1)).toEqual(['run']);
  });

  it('keeps each shard its own store on a volume claimed per pod, mounted where storage.path points', () => {
    const [claim] = statefulSet.volumeClaimTemplates;
    expect(claim?.spec.accessModes).toEqual(['ReadWriteOnce']);
    expect(container.volumeMounts).toContainEqual({ name: claim!.metadata.name, mountPath: '/app/data' });
  });

  it('loads the ConfigMap config with the real loader, at the path the pod mounts it and with its DVC_LISTEN', () => {
    const configMap = manifest('ConfigMap') as Manifest & { data: Record<string, string> };
    const configArgument = container.args[container.args.indexOf('--config') + 1]!;
    const mount = container.volumeMounts.find((candidate) => configArgument.startsWith(`${candidate.mountPath}/`));
    const volume = statefulSet.template.spec.volumes.find((candidate) => candidate.name === mount?.name);
    expect(volume?.configMap?.name).toBe(configMap.metadata.name);
    const key = path.posix.relative(mount!.mountPath, configArgument);
    const dir = mkdtempSync(path.join(tmpdir(), 'dvc-kubernetes-'));
    try {
      writeFileSync(path.join(dir, key), configMap.data[key] ?? '');
      const listen = container.env.find((variable) => variable.name === 'DVC_LISTEN')?.value;
      const { config, warnings } = loadConfig(path.join(dir, key), { DVC_LISTEN: listen });
      expect(warnings).toEqual([]);
      expect(config.listen).toEqual({ host: '0.0.0.0', port: container.ports[0]!.containerPort });
      expect(path.posix.join('/app', config.storagePath).startsWith('/app/data/')).toBe(true);
      expect(config.checks.length).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is scraped as job dvc-sentinel through the headless Service: ServiceMonitor and scrape annotations agree on the port', () => {
    const service = manifest('Service') as Manifest & {
      spec: { clusterIP: string; selector: Record<string, string>; ports: { name: string; port: number; targetPort: string }[] };
    };
    const monitor = manifest('ServiceMonitor') as Manifest & {
      spec: { selector: { matchLabels: Record<string, string> }; endpoints: { port: string; path: string }[] };
    };
    // The Operator names the job after the Service; config/prometheus/rules.yml watches job="dvc-sentinel".
    expect(service.metadata.name).toBe('dvc-sentinel');
    expect(statefulSet.serviceName).toBe(service.metadata.name);
    expect(service.spec.clusterIP).toBe('None');
    expect(statefulSet.template.metadata.labels).toMatchObject(service.spec.selector);
    expect(statefulSet.template.metadata.labels).toMatchObject(statefulSet.selector.matchLabels);
    expect(service.metadata.labels).toMatchObject(monitor.spec.selector.matchLabels);
    const metricsPort = container.ports.find((port) => port.name === 'metrics')!;
    expect(service.spec.ports).toEqual([
      expect.objectContaining({ name: monitor.spec.endpoints[0]!.port, port: metricsPort.containerPort, targetPort: 'metrics' }),
    ]);
    expect(monitor.spec.endpoints[0]!.path).toBe('/metrics');
    // Annotations on the pods only: on the Service too, annotation discovery would scrape each shard twice.
    expect(statefulSet.template.metadata.annotations).toEqual({
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': String(metricsPort.containerPort),
      'prometheus.io/path': '/metrics',
    });
    expect(service.metadata.annotations).toBeUndefined();
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'metrics' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/healthz', port: 'metrics' });
  });
});
