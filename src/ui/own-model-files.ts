/**
 * Reading a model the user opens into memory: from a folder picker (`<input type="file" webkitdirectory>`), a
 * drop of a folder or of its files, or a path on this site. Nothing leaves the browser, and nothing is kept.
 */
import {
  MAX_FILE_BYTES,
  checkModelFiles,
  modelName,
  ownModel,
  ownModelError,
  parseJsonFile,
  pickModelFiles,
  type ModelFiles,
  type OwnModel,
} from '../model/own-model';
import { OWN_OPTIONAL_FILES, OWN_REQUIRED_FILES } from '../worker/model-files';

/** A file and its path relative to the folder it was picked or dropped with. */
interface Listed {
  path: string;
  file: File;
}

/** Reads the model's files among those listed, checks them and names the model. */
async function readListed(listed: Listed[], origin: string): Promise<OwnModel> {
  const { folder, files: picked } = pickModelFiles(listed.map(({ path, file }) => ({ path, data: file })));
  const files: ModelFiles = {};
  for (const [path, file] of Object.entries(picked)) {
    if (file.size > MAX_FILE_BYTES)
      throw ownModelError('unreadable', `The model's ${path} is larger than 2 GiB, more than this page can read.`);
    files[path] = await file.arrayBuffer();
  }
  checkModelFiles(files);
  return ownModel(folder ?? nameFromConfig(files), origin, files);
}

/** A name for loose files: the last part of config.json's `_name_or_path`, if it has one. */
function nameFromConfig(files: ModelFiles): string {
  const config = parseJsonFile(files, 'config.json') as { _name_or_path?: unknown } | null;
  const path = typeof config?._name_or_path === 'string' ? config._name_or_path : '';
  return modelName(path.split('/').filter(Boolean).pop());
}

/** The files a folder picker gave (each with its `webkitRelativePath`). */
export function modelFromPicker(list: FileList): Promise<OwnModel> {
  return readListed(
    Array.from(list, (file) => ({ path: file.webkitRelativePath || file.name, file })),
    'your disk',
  );
}

/**
 * What was dropped: a folder (read through its entries) or loose files. Must be called during the drop event,
 * while the browser still lets the page read what was dropped; the reading itself goes on afterwards.
 */
export function modelFromDrop(data: DataTransfer): Promise<OwnModel> {
  const entries = Array.from(data.items)
    .filter((item) => item.kind === 'file')
    .map((item) => item.webkitGetAsEntry?.() ?? null);
  const files = Array.from(data.files);
  const folders = entries.filter((entry): entry is FileSystemDirectoryEntry => entry?.isDirectory === true);
  return (async () => {
    const listed: Listed[] =
      folders.length > 0
        ? (await Promise.all(folders.map((folder) => walk(folder)))).flat()
        : files.map((file) => ({ path: file.webkitRelativePath || file.name, file }));
    return readListed(listed, 'your disk');
  })();
}

/** Every file under a dropped folder, with its path from the folder's parent (the folder's name first). */
async function walk(folder: FileSystemDirectoryEntry): Promise<Listed[]> {
  const out: Listed[] = [];
  const visit = async (dir: FileSystemDirectoryEntry): Promise<void> => {
    const reader = dir.createReader();
    // readEntries gives a folder's entries a batch at a time, then an empty batch.
    for (;;) {
      const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
      if (batch.length === 0) break;
      for (const entry of batch) {
        if (entry.isDirectory) await visit(entry as FileSystemDirectoryEntry);
        else {
          const file = await new Promise<File>((resolve, reject) =>
            (entry as FileSystemFileEntry).file(resolve, reject),
          );
          out.push({ path: entry.fullPath, file });
        }
      }
    }
  };
  await visit(folder);
  return out;
}

/**
 * The folder a path typed on the page names: relative to the site's base (`base`), like `models/mine/`.
 * Refused when it leaves the site's origin: the page's Content-Security-Policy lets it fetch nothing else.
 */
export function folderOnSite(path: string, base: URL): URL {
  const trimmed = path.trim();
  if (trimmed === '')
    throw ownModelError('missing', 'Type the path of a model folder on this site, such as models/mine/.');
  const folder = new URL(trimmed.endsWith('/') ? trimmed : `${trimmed}/`, base);
  const web = folder.protocol === 'http:' || folder.protocol === 'https:';
  if (folder.origin !== base.origin)
    throw ownModelError(
      'other-origin',
      `${trimmed} is on another origin (${web ? folder.origin : folder.protocol}) ` +
        `than this site (${base.origin}). The page fetches only its own site's files: deploy the model folder ` +
        'beside the site and give its path, such as models/mine/.',
    );
  return folder;
}

/**
 * Fetches a model folder deployed on this site. Asked with `cache: 'no-store'`, so that neither the browser's
 * cache nor the site's service worker keeps its files. `onFile` hears each file as it is asked for.
 */
export async function modelFromSite(path: string, base: URL, onFile: (file: string) => void): Promise<OwnModel> {
  const folder = folderOnSite(path, base);
  const files: ModelFiles = {};
  for (const file of [...OWN_REQUIRED_FILES, ...OWN_OPTIONAL_FILES]) {
    const url = new URL(file, folder);
    const required = (OWN_REQUIRED_FILES as readonly string[]).includes(file);
    onFile(file);
    let response: Response;
    try {
      response = await fetch(url, { cache: 'no-store' });
    } catch (error) {
      throw ownModelError('missing', `${url.pathname} could not be fetched: ${(error as Error).message}.`);
    }
    if (response.ok) files[file] = await response.arrayBuffer();
    else if (required)
      throw ownModelError(
        'missing',
        `The model folder has no ${file}: ${url.pathname} was not found on this site (HTTP ${response.status}).`,
      );
  }
  checkModelFiles(files);
  const name = folder.pathname.split('/').filter(Boolean).pop();
  const shown = folder.pathname.startsWith(base.pathname) ? folder.pathname.slice(base.pathname.length) : '';
  return ownModel(modelName(name), `${shown || folder.pathname} on this site`, files);
}
