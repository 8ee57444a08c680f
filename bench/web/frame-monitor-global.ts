/**
 * Built on its own as a classic script and injected into the app's page before its code runs, so the
 * benchmark can measure the real playground without touching it.
 */
import { FrameMonitor } from './frame-monitor';

declare global {
  interface Window {
    tagplayFrames: FrameMonitor;
  }
}

window.tagplayFrames = new FrameMonitor();
