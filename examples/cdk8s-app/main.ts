/** `npx ts-node main.ts` (or compile first): writes every chart to `dist/`, one file per chart. */
import { buildApp } from './app';

buildApp().app.synth();
