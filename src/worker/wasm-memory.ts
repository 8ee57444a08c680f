/**
 * Measures the WebAssembly memory of this worker (onnxruntime's heap), which no browser API reports
 * for a worker: `WebAssembly.Memory` is wrapped so that every memory made afterwards is remembered.
 * Only switched on for tests (see `LoadOptions.testHooks`).
 */
const memories: WeakRef<WebAssembly.Memory>[] = [];
let tracking = false;

export function trackWasmMemory(): void {
  if (tracking) return;
  tracking = true;
  WebAssembly.Memory = new Proxy(WebAssembly.Memory, {
    construct(target, args, newTarget) {
      const memory = Reflect.construct(target, args, newTarget) as WebAssembly.Memory;
      memories.push(new WeakRef(memory));
      return memory;
    },
  });
}

/** Bytes of every live memory made since `trackWasmMemory`, or null when not tracking. */
export function wasmMemoryBytes(): number | null {
  if (!tracking) return null;
  return memories.reduce((sum, ref) => sum + (ref.deref()?.buffer.byteLength ?? 0), 0);
}
