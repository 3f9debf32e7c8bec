/**
 * The cost figures the README and docs/deploy-to-aws.md quote for the example specs agree with the
 * cost model at this commit (`simulator/cost.ts`, what `npm run cost -- --config <spec>` prints).
 * The docs' highest prod level counts `nodes.system.max` system nodes (and their root volumes),
 * where the model counts `nodes.system.min`; the test adds the difference the same way.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultPrices, HOURS_PER_MONTH, levelCosts, type Prices } from '../../simulator/cost';
import { loadSpecFile } from '../../spec/load';

const ROOT = join(__dirname, '..', '..');
// Line breaks inside a paragraph read as spaces.
const README = readFileSync(join(ROOT, 'README.md'), 'utf8').replace(/\s+/g, ' ');
const DEPLOY = readFileSync(join(ROOT, 'docs', 'deploy-to-aws.md'), 'utf8');

function costOf(specFile: string) {
  const loaded = loadSpecFile(join(ROOT, specFile));
  const prices = defaultPrices(loaded.spec, loaded.plan).prices as Prices;
  const levels = levelCosts(loaded.spec, prices, loaded.plan);
  const extraSystemNodes = loaded.spec.nodes.system.max - loaded.spec.nodes.system.min;
  // A system node at its hourly price plus its root volume (50 GiB gp3 as the model counts it).
  const rootVolumePerHour = (50 * prices.gp3PerGiMonth) / HOURS_PER_MONTH;
  const lowest = levels[0]!;
  const highest = levels[levels.length - 1]!;
  return {
    lowest,
    highest,
    highestWithSystemMax:
      highest.totalPerHour + extraSystemNodes * (prices.systemNodePerHour + rootVolumePerHour),
  };
}

/** `value` rounded half up to `digits` decimals (0.2925 reads 0.293, as the docs round it). */
const fixed = (value: number, digits: number): string =>
  (Math.round(value * 10 ** digits + 1e-6) / 10 ** digits).toFixed(digits);
const perHour = (value: number): string => `$${fixed(value, 2)}/h`;
const item = (level: { items: readonly { item: string; perHour: number }[] }, name: string) =>
  level.items.find(entry => entry.item === name)!.perHour;

describe('cost figures in the docs', () => {
  const prod = costOf('stacks/prod.yaml');
  const dev = costOf('stacks/dev.yaml');

  it('README: prod lowest and highest level, dev', () => {
    expect(README).toContain(`about **${perHour(prod.lowest.totalPerHour)} at its lowest level**`);
    expect(README).toContain(`about **${perHour(prod.highestWithSystemMax)} at its highest**`);
    expect(README).toContain(`reads ${perHour(prod.highest.totalPerHour)} rather than the`);
    expect(README).toContain(`the dev example about ${perHour(dev.lowest.totalPerHour)}`);
  });

  it('deploy-to-aws.md: the table rows and totals', () => {
    const row = (name: string) => DEPLOY.split('\n').find(line => line.startsWith(`| ${name}`))!;
    const kafka = row('Kafka nodes');
    for (const level of [prod.lowest, prod.highest]) {
      expect(kafka).toContain(`$${fixed(item(level, 'Kafka nodes'), 3)}`);
    }
    expect(kafka).toContain(`$${fixed(item(dev.lowest, 'Kafka nodes'), 3)}`);
    expect(row('NLBs')).toContain(`$${fixed(item(prod.lowest, 'NLBs'), 3)}`);
    expect(row('NLBs')).toContain(`$${fixed(item(dev.lowest, 'NLBs'), 3)}`);
    expect(row('Broker volumes')).toContain(`$${fixed(item(prod.lowest, 'Broker volumes'), 3)}`);
    expect(row('Broker volumes')).toContain(`$${fixed(item(dev.lowest, 'Broker volumes'), 3)}`);
    const total = row('**Total**');
    expect(total).toContain(`about ${perHour(prod.lowest.totalPerHour)}`);
    expect(total).toContain(`about ${perHour(prod.highestWithSystemMax)}`);
    expect(total).toContain(`about ${perHour(dev.lowest.totalPerHour)}`);
  });
});
