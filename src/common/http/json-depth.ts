/** Request bodies nest at most this deep; deeper ones are refused before they are parsed. */
export const MAX_JSON_DEPTH = 32;

/**
 * The deepest nesting of objects and arrays in raw JSON text, ignoring brackets inside
 * strings. Linear and iterative, so a hostile body cannot exhaust the stack.
 */
export function jsonNestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) {
        i++; // skip the escaped character
      } else if (c === 0x22) {
        inString = false;
      }
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      depth++;
      deepest = Math.max(deepest, depth);
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return deepest;
}
