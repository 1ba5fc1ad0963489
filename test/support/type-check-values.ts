// Checks plain data (parsed JSON or YAML) against a published TypeScript type, with the compiler:
// each value is written as an object literal `satisfies` the type, so a key the type does not have
// (a typo), a value outside a union or a missing required field is an error, as it would be in
// code. Lets the shipped dashboards and manifests be held to the types their projects publish.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export interface TypedValue {
  /** Names the value in the errors: `dashboards/overview.json`. */
  readonly name: string;
  /** `import type { Dashboard } from '@grafana/schema';` */
  readonly imports: string;
  /** The type the value must satisfy: `Dashboard`. */
  readonly type: string;
  readonly value: unknown;
}

const HERE = path.dirname(fileURLToPath(import.meta.url));

/**
 * The type as data can hold it: a string enum (Grafana's ThresholdsMode, MappingType…) becomes
 * the union of its values, since a file holds "absolute", never ThresholdsMode.Absolute; the rest
 * stays as published, excess-property checks included.
 */
const AS_DATA =
  'type AsData<T> = T extends string ? `${T}` : T extends readonly (infer U)[] ? AsData<U>[] : T extends object ? { [K in keyof T]: AsData<T[K]> } : T;';

/** Every compiler error, as `name: line:column message` (line of the value's pretty JSON). */
export function typeErrors(values: readonly TypedValue[]): string[] {
  const sources = new Map<string, { name: string; text: string; offset: number }>();
  values.forEach((value, index) => {
    const head = `${value.imports}\n${AS_DATA}\nexport const value = `;
    const text = `${head}${JSON.stringify(value.value, null, 2)} satisfies AsData<${value.type}>;\n`;
    sources.set(path.join(HERE, `__typed-value-${index}.ts`), { name: value.name, text, offset: head.split('\n').length - 1 });
  });
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (file) => sources.get(path.resolve(file))?.text ?? readFile(file);
  host.fileExists = (file) => sources.has(path.resolve(file)) || fileExists(file);
  host.getSourceFile = (file, language, onError, shouldCreate) => {
    const source = sources.get(path.resolve(file));
    return source === undefined ? getSourceFile(file, language, onError, shouldCreate) : ts.createSourceFile(file, source.text, language, true);
  };
  const program = ts.createProgram([...sources.keys()], options, host);
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    const source = diagnostic.file === undefined ? undefined : sources.get(path.resolve(diagnostic.file.fileName));
    if (diagnostic.file === undefined || diagnostic.start === undefined || source === undefined) return message;
    const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    return `${source.name}: ${line + 1 - source.offset}:${character + 1} ${message}`;
  });
}
