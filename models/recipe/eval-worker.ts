/** One evaluation process: loads the model on one CPU thread and generates the samples of each condition it is sent. */
import { generateSamples, type RunSpec } from './control';
import { loadNodeModel, loadTagger } from './load-node';

export interface Job {
  id: number;
  spec: RunSpec;
}

const model = await loadNodeModel(1);
const weights = loadTagger();
process.on('message', async ({ id, spec }: Job) => {
  process.send!({ id, samples: await generateSamples(model, weights, spec) });
});
process.send!({ ready: true });
