/**
 * Fetches a model's `tagplay.json` in the browser: its parsed content, or null when the model has none
 * (404), so that the tokenizer's tags are used on their own.
 */
export async function fetchVocabulary(url: URL): Promise<unknown> {
  // Not `no-store`: the service worker passes such requests by (they are a user's model's), and the site's
  // model folder is named by its content, so a kept copy is good.
  const response = await fetch(url);
  if (response.status === 404) return null;
  if (!response.ok) throw new Error(`${url.pathname}: HTTP ${response.status}`);
  return response.json();
}
