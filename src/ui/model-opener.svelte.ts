import { errorText } from '../error-text';
import { ownFailureKind, type OwnModel } from '../model/own-model';
import type { LoadOptions, LoadProgress, LoadResult } from '../worker/api';
import { loadFailureKind, type LoadFailureKind } from '../worker/load-failure';
import { modelFromDrop, modelFromPicker, modelFromSite } from './own-model-files';
import { remoteCallback } from './worker-client';
import { WorkerSession } from './worker-session';

/** Why a model the user opened did not load. */
export interface OpenError {
  kind: ReturnType<typeof ownFailureKind> | LoadFailureKind | 'load';
  message: string;
}

/** What opening a model needs of the playground. */
export interface OpenHost {
  loadOptions(model: OwnModel): LoadOptions;
  /** A worker has loaded `model`, which the page runs from now on; returns what the worker's crash then does. */
  adopt(worker: WorkerSession, result: LoadResult, model: OwnModel): (why: string) => void;
}

/**
 * Opens a model the user chose (from the folder picker, a drop or a path on the site) in a worker of its own,
 * while the current model goes on; once it has loaded, the host runs it. If it fails, the current model stays and
 * `error` says why.
 */
export class ModelOpener {
  /** While a model loads beside the current one: what is happening, for the page to show. */
  status = $state<string | null>(null);
  /** Why the last model the user opened did not load. */
  error = $state.raw<OpenError | null>(null);

  /** The worker loading a model, while the current one goes on. */
  private trial: WorkerSession | null = null;

  constructor(
    private readonly host: OpenHost,
    /** The site's base address, which paths typed on the page are relative to. */
    private readonly siteBase: () => URL,
  ) {}

  /** Loads `model` in a new worker, and hands it to the host once loaded. */
  async open(model: OwnModel): Promise<boolean> {
    this.cancel();
    this.error = null;
    this.status = `Loading ${model.name}…`;
    let onCrash: (why: string) => void = () => undefined;
    const trial = new WorkerSession((why) => onCrash(why));
    this.trial = trial;
    const crashed = new Promise<never>((_, reject) => {
      onCrash = (why) => reject(new Error(`The model worker stopped (${why}).`));
    });
    try {
      const progress = (p: LoadProgress) => {
        if (this.trial === trial) this.status = `Loading ${model.name}: ${p.file}…`;
      };
      const result = await Promise.race([
        trial.api.load(this.host.loadOptions(model), remoteCallback(progress)),
        crashed,
      ]);
      if (this.trial !== trial) return false;
      this.trial = null;
      this.status = null;
      onCrash = this.host.adopt(trial, result, model);
      return true;
    } catch (error) {
      trial.end();
      if (this.trial === trial) {
        this.trial = null;
        this.status = null;
        this.error = { kind: ownFailureKind(error) ?? loadFailureKind(error) ?? 'load', message: errorText(error) };
      }
      return false;
    }
  }

  fromPicker = (files: FileList) => this.read(() => modelFromPicker(files));
  /** Called during the drop event: the dropped files can be read only then. */
  fromDrop = (data: DataTransfer) => {
    const reading = modelFromDrop(data);
    return this.read(() => reading);
  };
  fromPath = (path: string) =>
    this.read((status) => modelFromSite(path, this.siteBase(), (file) => status(`Fetching ${file}…`)));

  /** Stops loading a model, if one is loading, and forgets the last error. */
  cancel(): void {
    this.trial?.end();
    this.trial = null;
    this.status = null;
  }

  /** Reads a model the user chose (`read`), checks it and opens it. */
  private async read(read: (status: (text: string) => void) => Promise<OwnModel>): Promise<boolean> {
    this.cancel();
    this.error = null;
    this.status = 'Reading the model…';
    let model: OwnModel;
    try {
      model = await read((text) => (this.status = text));
    } catch (error) {
      this.status = null;
      this.error = { kind: ownFailureKind(error) ?? 'load', message: errorText(error) };
      return false;
    }
    return this.open(model);
  }
}
