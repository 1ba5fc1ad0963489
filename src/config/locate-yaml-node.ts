// Maps a path in the parsed config (['checks', 3, 'timeout']) back to a line and column of the
// YAML source, so every config message can point at the text to edit. Reads only; never changes the document.
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter } from 'yaml';
import type { PathKey } from './config-error.ts';

export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

export interface YamlLocator {
  /** The value at path or, when it is absent, its nearest existing ancestor. */
  valueAt(path: readonly PathKey[]): SourcePosition;
  /** The key naming path's last step (where an unknown key is written); valueAt when there is no key. */
  keyAt(path: readonly PathKey[]): SourcePosition;
  has(path: readonly PathKey[]): boolean;
  /** The path of the map key written at this offset (parser errors carry offsets, not paths). */
  pathOfKeyAt(offset: number): PathKey[] | undefined;
  positionOf(offset: number): SourcePosition;
}

interface YamlNodeLike {
  range?: readonly [number, number, number] | null;
}

interface Walked {
  readonly found: boolean;
  /** The deepest node reached; the whole document when nothing matched. */
  readonly node: YamlNodeLike | undefined;
  readonly key: YamlNodeLike | undefined;
}

export function createYamlLocator(document: Document, lineCounter: LineCounter): YamlLocator {
  const positionOf = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const start: SourcePosition = { line: 1, column: 1 };
  const positionOfNode = (node: YamlNodeLike | undefined): SourcePosition => (node?.range ? positionOf(node.range[0]) : start);

  const deref = (node: unknown): unknown => (isAlias(node) ? node.resolve(document) : node);

  const walk = (path: readonly PathKey[]): Walked => {
    let node: unknown = document.contents ?? undefined;
    let key: YamlNodeLike | undefined;
    for (const step of path) {
      const current = deref(node);
      if (isMap(current)) {
        const pair = current.items.find((item) => isScalar(item.key) && String(item.key.value) === String(step));
        if (!pair) return { found: false, node: current, key };
        key = pair.key as YamlNodeLike;
        // `name:` with nothing after it: the empty scalar sits at the line end; the key reads better.
        const value = pair.value;
        node = value === null || value === undefined || (isScalar(value) && value.source === '') ? key : value;
      } else if (isSeq(current) && typeof step === 'number' && step < current.items.length) {
        key = undefined;
        node = current.items[step];
      } else {
        return { found: false, node: current as YamlNodeLike | undefined, key };
      }
    }
    return { found: true, node: node as YamlNodeLike | undefined, key };
  };

  const pathOfKeyAt = (offset: number): PathKey[] | undefined => {
    const search = (node: unknown, path: PathKey[]): PathKey[] | undefined => {
      if (isMap(node)) {
        for (const pair of node.items) {
          const keyText = isScalar(pair.key) ? String(pair.key.value) : undefined;
          if (keyText === undefined) continue;
          if ((pair.key as YamlNodeLike).range?.[0] === offset) return [...path, keyText];
          const found = search(pair.value, [...path, keyText]);
          if (found) return found;
        }
      } else if (isSeq(node)) {
        for (const [index, item] of node.items.entries()) {
          const found = search(item, [...path, index]);
          if (found) return found;
        }
      }
      return undefined;
    };
    return search(document.contents, []);
  };

  return {
    valueAt: (path) => positionOfNode(walk(path).node),
    keyAt: (path) => {
      const walked = walk(path);
      return walked.found && walked.key ? positionOfNode(walked.key) : positionOfNode(walked.node);
    },
    has: (path) => walk(path).found,
    pathOfKeyAt,
    positionOf,
  };
}
