/**
 * A Node built-in module where the platform has one (Node 22; workerd with `nodejs_compat`), looked up at run time
 * with `process.getBuiltinModule`, not imported: a module that uses it still loads where no `node:` module exists,
 * and falls back to plain JavaScript there.
 * @example builtinModule<{ deflateRawSync: unknown }>("node:zlib")?.deflateRawSync
 */
export function builtinModule<T>(id: string): Partial<T> | undefined {
  try {
    const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    return proc?.getBuiltinModule?.(id) as Partial<T> | undefined;
  } catch {
    return undefined;
  }
}

/** The part of Node's `Buffer` used for base64 (native, where the platform has it). */
interface NodeBuffer {
  from(data: ArrayBufferLike, offset: number, length: number): { toString(encoding: "base64"): string };
  from(text: string, encoding: "base64"): Uint8Array;
}

/**
 * `Buffer` from `node:buffer` where the platform has it (workerd with `nodejs_compat`, Node; `builtinModule`): the
 * Worker still loads without the flag, and then uses `btoa` / `atob`.
 */
const NODE_BUFFER = (() => {
  const b = builtinModule<{ Buffer: NodeBuffer }>("node:buffer")?.Buffer;
  return typeof b?.from === "function" ? b : undefined;
})();

export function toBase64(bytes: Uint8Array): string {
  if (NODE_BUFFER) return NODE_BUFFER.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, Math.min(i + 0x8000, bytes.length)));
  return btoa(binary);
}

export function fromBase64(text: string): Uint8Array {
  // A Buffer is a Uint8Array (a short one a view of Node's pool): taken as it is, not copied.
  if (NODE_BUFFER) return NODE_BUFFER.from(text, "base64");
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
