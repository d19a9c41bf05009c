/**
 * What a page (or a Web Worker) imports: fetches the shipped CSV from `csvUrl` and runs the shared training steps.
 * Bundled by esbuild for the "with a bundler" pages and loaded as plain ES modules through an import map for the
 * others.
 */
import { type TutorialSteps, trainTutorialSteps } from './tutorial_steps.js';

export type { TutorialSteps };

export async function runTutorialSteps(csvUrl: string): Promise<TutorialSteps> {
  const response = await fetch(csvUrl);
  if (!response.ok) throw new Error(`GET ${csvUrl}: HTTP ${response.status}`);
  return trainTutorialSteps(await response.text());
}
