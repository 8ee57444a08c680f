/** Offers text as a file download. */
export function downloadText(fileName: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  // The click has started the download by the next task; the object URL is no longer needed then.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
