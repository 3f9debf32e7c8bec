/**
 * `KafkaPlatform`: the whole Kubernetes side of the platform as one construct a user adds to their
 * own cdk8s `App`, beside their own charts. It adds one chart per enabled component, in deploy
 * order, exactly the charts `npm run synth` writes (the same registry, the same IDs).
 */
import type { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { parseSpec, type LoadedSpec } from '../spec/load';
import type { PlatformSpecInput } from '../spec/schema';
import { components } from './registry';

export interface KafkaPlatformProps {
  /**
   * The platform spec: either the result of `loadSpec(file)` / `validateSpec(object)`, or a plain
   * spec object (the same shape as `stacks/prod.yaml`), which is validated here.
   * @default - required
   * @throws SpecError listing every problem when a plain object is invalid.
   */
  readonly spec: LoadedSpec | PlatformSpecInput;
}

/** One chart the construct added. */
export interface KafkaPlatformComponent {
  /** Stable component name, also the chart's construct ID and the synth output folder. */
  readonly name: string;
  /** One line saying what the component holds. */
  readonly description: string;
  readonly chart: Chart;
}

function isLoadedSpec(value: LoadedSpec | PlatformSpecInput): value is LoadedSpec {
  return (
    typeof value === 'object' &&
    value !== null &&
    'plan' in value &&
    'spec' in value &&
    'warnings' in value
  );
}

/**
 * Adds every enabled component's chart under `scope/id`. Construct IDs of the charts are the
 * component names (`storage`, `kafka`, ...), so two `KafkaPlatform`s need different `id`s.
 */
export class KafkaPlatform extends Construct {
  /** The validated spec, its derived plan and warnings. */
  public readonly loaded: LoadedSpec;
  /** The charts added, in deploy order; components the spec turns off are absent. */
  public readonly components: readonly KafkaPlatformComponent[];

  public constructor(scope: Construct, id: string, props: KafkaPlatformProps) {
    super(scope, id);
    this.loaded = isLoadedSpec(props.spec) ? props.spec : parseSpec(props.spec);
    const added: KafkaPlatformComponent[] = [];
    for (const entry of components) {
      const chart = entry.build(this, this.loaded);
      if (chart !== undefined) {
        added.push({ name: entry.name, description: entry.description, chart });
      }
    }
    this.components = added;
  }

  /** The chart of one component, or undefined when the spec turns it off. */
  public chart(name: string): Chart | undefined {
    return this.components.find(component => component.name === name)?.chart;
  }
}
