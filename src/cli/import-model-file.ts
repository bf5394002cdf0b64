/**
 * How the command line imports a model file: `.ts`/`.mts` through tsx's
 * `tsImport`, which compiles it as ESM even outside a `"type": "module"`
 * package (a plain import would treat /tmp/model.ts as CommonJS and fail on
 * its imports); JavaScript with a plain import. tsx is loaded only here, so
 * a run that names no TypeScript file never pays for it.
 */
export async function importModelFile(url: string): Promise<unknown> {
  if (!/\.m?ts$/.test(url)) return import(url);
  const { tsImport } = await import('tsx/esm/api');
  return tsImport(url, import.meta.url);
}
