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
