import model from '../../models/model.json';

/**
 * The shipped model's folder under `models/`. Named in `models/model.json` alone, which the Python
 * recipe reads too, so a new model is a one-line change.
 */
export const MODEL_NAME: string = model.name;
