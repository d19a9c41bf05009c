/** A run's trained model, rebuilt in this thread from its config and weights (runs come back from workers as data). */
import { type ModelResult, SequenceRegressor } from 'rnnlab/forecast';

export function trainedModel(run: Pick<ModelResult, 'config' | 'state'>): SequenceRegressor {
  const model = new SequenceRegressor(run.config);
  model.loadStateDict(run.state);
  return model;
}
