/**
 * `npm run synth` (runs `tsx main.ts`; tsx is a devDependency of this project): writes every
 * chart to `dist/`, one file per chart.
 */
import { buildApp } from './app';

buildApp().app.synth();
