/** True when the JSON text opens more than `max` nested objects/arrays (brackets inside strings do not count). */
export function exceedsJsonDepth(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === 0x5c) i++; // backslash: skip the escaped character
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) inString = true;
    else if (char === 0x7b || char === 0x5b) {
      if (++depth > max) return true;
    } else if (char === 0x7d || char === 0x5d) depth--;
  }
  return false;
}

// With the u flag a well-formed surrogate pair is one code point; only an unpaired half is \p{Cs}.
const UNPAIRED_SURROGATE = /\p{Cs}/u;

/** True when a string (value or key) anywhere in the parsed body holds an unpaired UTF-16 surrogate (not valid Unicode). */
export function hasUnpairedSurrogate(value: unknown): boolean {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const current = pending.pop();
    if (typeof current === 'string') {
      if (UNPAIRED_SURROGATE.test(current)) return true;
    } else if (Array.isArray(current)) {
      pending.push(...current);
    } else if (current !== null && typeof current === 'object') {
      for (const [key, child] of Object.entries(current)) {
        if (UNPAIRED_SURROGATE.test(key)) return true;
        pending.push(child);
      }
    }
  }
  return false;
}
