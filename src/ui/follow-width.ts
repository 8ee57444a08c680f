/** Calls `resize` with the element's width whenever its box changes size; returns the function that stops it. */
export function followWidth(element: HTMLElement, resize: (width: number) => void): () => void {
  const observer = new ResizeObserver(() => resize(element.clientWidth));
  observer.observe(element);
  return () => observer.disconnect();
}
