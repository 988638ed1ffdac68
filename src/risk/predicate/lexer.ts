import { PredicateError } from './predicate-error';

export type TokenKind = 'attribute' | 'string' | 'number' | 'op' | '(' | ')' | ',' | 'and' | 'or' | 'not' | 'in' | 'end';

export interface Token {
  kind: TokenKind;
  text: string;
  value?: string | number;
  /** 1-based character position of the token's first character. */
  position: number;
}

const KEYWORDS = new Set(['and', 'or', 'not', 'in']);
const OPERATORS = ['>=', '<=', '!=', '=', '>', '<'];
const WORD = /[a-z_0-9]/i;
const NUMBER = /^-?\d+(\.\d+)?/;

/** Splits a predicate into tokens; throws PredicateError naming the position of the first bad character. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < source.length) {
    const char = source[index];
    if (/\s/.test(char)) {
      index++;
      continue;
    }
    const token = readToken(source, index);
    tokens.push(token);
    index += token.text.length;
  }
  tokens.push({ kind: 'end', text: '', position: source.length + 1 });
  return tokens;
}

function readToken(source: string, index: number): Token {
  const char = source[index];
  const position = index + 1;
  if (char === '(' || char === ')' || char === ',') return { kind: char, text: char, position };
  if (char === ':') return readAttribute(source, index);
  if (char === "'") return readString(source, index);
  const op = OPERATORS.find((candidate) => source.startsWith(candidate, index));
  if (op) return { kind: 'op', text: op, position };
  const number = NUMBER.exec(source.slice(index));
  if (number) return { kind: 'number', text: number[0], value: Number(number[0]), position };
  const word = readWord(source, index);
  if (KEYWORDS.has(word.toLowerCase())) return { kind: word.toLowerCase() as TokenKind, text: word, position };
  throw new PredicateError(word ? `unexpected '${word}'` : `unexpected character '${char}'`, position);
}

function readWord(source: string, index: number): string {
  let end = index;
  while (end < source.length && WORD.test(source[end])) end++;
  return source.slice(index, end);
}

function readAttribute(source: string, index: number): Token {
  const name = readWord(source, index + 1);
  if (!name || source[index + 1 + name.length] !== ':') {
    throw new PredicateError("an attribute is written :name: (letters, digits and '_' between colons)", index + 1);
  }
  return { kind: 'attribute', text: `:${name}:`, value: name, position: index + 1 };
}

function readString(source: string, index: number): Token {
  let value = '';
  let end = index + 1;
  while (end < source.length && source[end] !== "'") {
    if (source[end] === '\\' && end + 1 < source.length) end++;
    value += source[end];
    end++;
  }
  if (end >= source.length) throw new PredicateError('unterminated string (missing closing quote)', index + 1);
  return { kind: 'string', text: source.slice(index, end + 1), value, position: index + 1 };
}
