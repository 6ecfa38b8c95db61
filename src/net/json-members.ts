/**
 * Member names given twice in one JSON object. RFC 8259 §4: the names within an object SHOULD be unique, and receivers
 * disagree on which duplicate counts (JSON.parse keeps the last, some keep the first, .NET's readers either): a request
 * that repeats a member is ambiguous, so the JSON endpoints refuse it rather than guess. JSON.parse cannot tell, so the
 * text is read again with momoa's tokenizer (a maintained JSON tokenizer; iterative, so no nesting exhausts the stack),
 * keeping one set of names per open object.
 */
import { tokenize } from '@humanwhocodes/momoa';

interface Frame {
  /** The object's names so far; null for an array. */
  names: Set<string> | null;
  path: string;
  /** The member whose value comes next (objects). */
  member: string;
}

/**
 * The path (`body.metadata.custID`, arrays as `[]`) of the first member name `text` gives twice in one object, or
 * undefined when every object's names are unique. `text` must be valid JSON (call after JSON.parse succeeded);
 * `root` names the document in the path.
 */
export function duplicateMember(text: string, root = 'body'): string | undefined {
  const tokens = tokenize(text, { ranges: true });
  const stack: Frame[] = [];
  const childPath = (): string => {
    const top = stack[stack.length - 1];
    if (top === undefined) return root;
    return top.names === null ? `${top.path}[]` : `${top.path}.${top.member}`;
  };
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token === undefined) break;
    switch (token.type) {
      case 'LBrace':
        stack.push({ names: new Set(), path: childPath(), member: '' });
        break;
      case 'LBracket':
        stack.push({ names: null, path: childPath(), member: '' });
        break;
      case 'RBrace':
      case 'RBracket':
        stack.pop();
        break;
      case 'String': {
        const top = stack[stack.length - 1];
        if (top?.names == null || tokens[i + 1]?.type !== 'Colon') break;
        const [start, end] = token.range ?? [0, 0];
        const name = JSON.parse(text.slice(start, end)) as string;
        if (top.names.has(name)) return `${top.path}.${name}`;
        top.names.add(name);
        top.member = name;
        break;
      }
      default:
        break;
    }
  }
  return undefined;
}
