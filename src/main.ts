import { mount } from 'svelte';
import 'uplot/dist/uPlot.min.css';
import './ui/global.css';
import { isResizeObserverNotice, missingFeatures, uncaughtMessage, unsupportedMessage } from './ui/browser-support';

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

/** A message above the page, for what it cannot handle itself: said, never failed silently. */
function alertBox(text: string, testId: string): void {
  const box = document.createElement('p');
  box.className = 'browser-alert';
  box.setAttribute('role', 'alert');
  box.dataset.testid = testId;
  box.textContent = text;
  document.body.prepend(box);
}

addEventListener('error', (event) => {
  if (!isResizeObserverNotice(event)) alertBox(uncaughtMessage(event.error ?? event.message), 'uncaught-error');
});
addEventListener('unhandledrejection', (event) => alertBox(uncaughtMessage(event.reason), 'uncaught-error'));

const missing = missingFeatures();
if (missing.length > 0) alertBox(unsupportedMessage(missing), 'unsupported');
else {
  // Loaded only after the check: the app's modules use some of these features as they load.
  const { default: App } = await import('./App.svelte');
  mount(App, { target });
}
