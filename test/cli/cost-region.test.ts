/**
 * Class: a price of one region applied to a spec of another without a word. The built-in prices
 * (instance table, EKS, NAT, NLB, gp3) are us-east-1 list prices; `kafka-eks cost` printed them
 * for a spec in eu-west-1 as that spec's cost. It now warns on stderr, naming `region`, the prices
 * that come from the table and the flags (or spec field) that give this region's.
 */
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { regionPriceWarning, runCost } from '../../cli/run/cost';
import { runPlanCapacity } from '../../cli/run/plan-capacity';
import { runSimulate } from '../../cli/run/simulate';
import { checkSimulateOptions } from '../../cli/simulate-options';
import { PRICE_TABLE_REGION } from '../../simulator/cost';
import { parseSpec } from '../../spec/load';
import { specInput } from '../util/specs';

function capture(): {
  io: { stdout: (t: string) => void; stderr: (t: string) => void };
  err: string[];
} {
  const err: string[] = [];
  return { io: { stdout: () => undefined, stderr: text => err.push(text) }, err };
}

describe('cost in a region other than the price table', () => {
  const work = mkdtempSync(join(tmpdir(), 'cost-region-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  function specFile(region: string): string {
    const base = specInput(3, 2);
    const file = join(work, `${region}.yaml`);
    const zones = ['a', 'b', 'c'].map(letter => `${region}${letter}`);
    writeFileSync(file, stringify({ ...base, region, zones }));
    return file;
  }

  it('warns, naming region, the table prices and the flags to give (example)', () => {
    // GIVEN a spec in eu-west-1 and no price on the command line
    const { io, err } = capture();
    // WHEN cost runs
    expect(runCost({ config: specFile('eu-west-1'), json: false, prices: {} }, io)).toBe(0);
    // THEN stderr says the prices are us-east-1's and how to give eu-west-1's
    expect(err.join('')).toMatch(
      /^warning: region: "eu-west-1", but the prices are us-east-1 list prices .*--kafka-node-per-hour.*--gp3-per-gib-month/m,
    );
  });

  it('says nothing in us-east-1, or when every price is given', () => {
    const inTable = capture();
    runCost({ config: specFile(PRICE_TABLE_REGION), json: false, prices: {} }, inTable.io);
    expect(inTable.err.join('')).not.toMatch(/warning: region/);
    const loaded = parseSpec({
      ...specInput(3, 2),
      region: 'eu-west-1',
      zones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
    });
    const all = {
      kafkaNodePerHour: 1,
      systemNodePerHour: 1,
      eksControlPlanePerHour: 1,
      natGatewayPerHour: 1,
      nlbPerHour: 1,
      gp3PerGiMonth: 1,
      gp3PerIopsMonth: 1,
      gp3PerMiBpsMonth: 1,
    };
    expect(regionPriceWarning(loaded.spec, all)).toBeUndefined();
    // One price left to the table is still named.
    const allButOne: Partial<typeof all> = { ...all };
    delete allButOne.gp3PerIopsMonth;
    expect(regionPriceWarning(loaded.spec, allButOne)).toMatch(/--gp3-per-iops-month/);
  });

  it("counts nodes.kafka.capacity.pricePerHourUsd as this region's Kafka node price", () => {
    const base = specInput(3, 2);
    const loaded = parseSpec({
      ...base,
      region: 'eu-west-1',
      zones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
      nodes: { kafka: { capacity: { pricePerHourUsd: 0.5 } } },
    });
    expect(regionPriceWarning(loaded.spec, {})).not.toMatch(/--kafka-node-per-hour/);
  });

  it('simulate and plan-capacity say so too, naming the spec field that gives the price', async () => {
    // GIVEN a spec in eu-west-1 with the Kafka node price from the table
    const config = specFile('eu-west-1');
    // WHEN simulate and plan-capacity run
    const simulated = capture();
    const options = checkSimulateOptions({
      config,
      synthetic: 'daily:2',
      peakMibps: '50',
      days: '1',
    });
    expect(await runSimulate(options, simulated.io)).toBe(0);
    const planned = capture();
    runPlanCapacity({ config, peakMiBps: 50, troughMiBps: 20, json: false }, planned.io);
    // THEN each warns on stderr with region and nodes.kafka.capacity.pricePerHourUsd
    for (const err of [simulated.err, planned.err]) {
      expect(err.join('')).toMatch(
        /^warning: region: "eu-west-1", but .*us-east-1 list price.*nodes\.kafka\.capacity\.pricePerHourUsd/m,
      );
    }
    // AND simulate is quiet once the spec gives the price
    const priced = join(work, 'priced.yaml');
    const base = specInput(3, 2);
    writeFileSync(
      priced,
      stringify({
        ...base,
        region: 'eu-west-1',
        zones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
        nodes: { kafka: { capacity: { pricePerHourUsd: 0.2 } } },
      }),
    );
    const quiet = capture();
    await runSimulate(
      checkSimulateOptions({ config: priced, synthetic: 'daily:2', peakMibps: '50', days: '1' }),
      quiet.io,
    );
    expect(quiet.err.join('')).not.toMatch(/warning: region/);
  });
});
