import type uPlot from 'uplot';

/**
 * A chart cursor that reads the values under a mouse and under a finger alike. uPlot follows mouse events only,
 * keeps the plot's position from the last window scroll or resize, and clears its reading when the mouse leaves.
 * So the position is read again as a pointer enters or presses (panels that open and text that streams move the
 * chart without a scroll), and after a tap the reading stays until the next one: the mouse events a browser makes
 * from a tap can end in a stray leave.
 */
export function pointerCursor(): { bind: uPlot.Cursor.Bind; attach: (plot: uPlot) => void } {
  let touched = false;
  return {
    bind: {
      mouseleave: (_plot, target, handler) => (event) => {
        if (!touched && event.target === target) handler(event);
        return null;
      },
    },
    attach(plot) {
      for (const type of ['pointerenter', 'pointerdown'] as const)
        plot.over.addEventListener(type, (event) => {
          touched = event.pointerType !== 'mouse';
          plot.syncRect();
        });
    },
  };
}
