/**
 * Synthesized objects as the cluster tier applies them: flattened with their component, each
 * namespaced object given the namespace of the part of the spec it belongs to.
 */
import { parse } from 'yaml';
import { objectFileName, synthPlatform } from '../../charts/synth';
import type { LoadedSpec } from '../../spec/load';
import type { KubeObject } from './kube-api';

export interface PlacedObject {
  readonly component: string;
  readonly object: KubeObject;
  /** Namespace for a namespaced object that names none. */
  readonly defaultNamespace: string;
}

/** `Kind namespace/name` (or `Kind name`) for messages. */
export function describeObject(object: KubeObject, namespace?: string): string {
  const ns = object.metadata?.namespace ?? namespace;
  const name = object.metadata?.name ?? '(no name)';
  return `${String(object.kind)} ${ns === undefined ? '' : `${ns}/`}${name}`;
}

/**
 * The spec's namespace a component's objects belong to: the one Namespace the component creates,
 * the controller's namespace for the controller, else the Kafka namespace.
 */
export function defaultNamespaceOf(
  component: string,
  objects: readonly KubeObject[],
  loaded: LoadedSpec,
): string {
  const own = objects.filter(o => o.kind === 'Namespace');
  if (own.length === 1 && own[0].metadata?.name !== undefined) return own[0].metadata.name;
  if (/controller|autoscal/.test(component)) return loaded.spec.controller.namespace;
  return loaded.spec.kafka.namespace;
}

/**
 * The objects as a YAML 1.1 reader (kubectl, Flux, Argo CD: Go's YAML libraries) reads them back
 * from the files synth writes, so a string the writer left ambiguous reaches the server mistyped.
 */
export function synthObjects(loaded: LoadedSpec): PlacedObject[] {
  const result = synthPlatform(loaded);
  return result.components.flatMap(component => {
    const objects = component.objects.map(written => {
      const text = result.files.get(`${component.name}/${objectFileName(written)}`);
      if (text === undefined)
        throw new Error(`no file for ${describeObject(written as KubeObject)}`);
      return parse(text, { version: '1.1' }) as KubeObject;
    });
    const defaultNamespace = defaultNamespaceOf(component.name, objects, loaded);
    return objects.map(object => ({ component: component.name, object, defaultNamespace }));
  });
}
