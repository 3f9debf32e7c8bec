/**
 * Renders a Vega-Lite specification (JSON file) to SVG with Vega, headless. Runs under tsx, not
 * jest (Vega is an ES module with top-level await).
 *
 * Usage: tsx test/e2e/render-timeline-cli.ts <spec.vl.json> <out.svg>
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';

interface VegaLiteModule {
  compile(spec: Record<string, unknown>): { spec: object };
}

interface VegaModule {
  parse(spec: object): object;
  View: new (runtime: object, options: { renderer: 'none' }) => { toSVG(): Promise<string> };
}

async function main(): Promise<void> {
  const [specPath, svgPath] = process.argv.slice(2);
  if (specPath === undefined || svgPath === undefined) {
    process.stderr.write('usage: render-timeline-cli.ts <spec.vl.json> <out.svg>\n');
    process.exit(2);
  }
  const vegaName = 'vega';
  const vegaLiteName = 'vega-lite';
  const vega = (await import(vegaName)) as VegaModule;
  const vegaLite = (await import(vegaLiteName)) as VegaLiteModule;
  const spec = JSON.parse(readFileSync(specPath, 'utf8')) as Record<string, unknown>;
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  const temporary = `${svgPath}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, svg);
    renameSync(temporary, svgPath);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

main().catch(error => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
