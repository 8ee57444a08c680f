/**
 * Fetches a model's `tagplay.json` in the browser: its parsed content, or null when the model has none
 * (404), so that the tokenizer's tags are used on their own.
 */
export async function fetchVocabulary(url: URL): Promise<unknown> {
  const response = await fetch(url, { cache: 'no-store' });
  if (response.status === 404) return null;
  if (!response.ok) throw new Error(`${url.pathname}: HTTP ${response.status}`);
  return response.json();
}
