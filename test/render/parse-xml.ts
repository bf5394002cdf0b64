/**
 * A strict little XML parser for tests: elements, attributes, text, the
 * five predefined entities and numeric character references; no DTDs,
 * CDATA, comments or processing instructions other than the XML
 * declaration. Throws on anything not well-formed (unbalanced tags,
 * unquoted or duplicate attributes, a bare `<` or `&`, characters XML
 * cannot carry), so "it parsed" means a CI's JUnit reader will parse it too.
 */
export interface XmlElement {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
  /** The element's own text, decoded (children's text not included). */
  readonly text: string;
}

const NAME = /^[A-Za-z_][\w.-]*/;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const ILLEGAL = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

function decode(raw: string, where: number): string {
  if (raw.includes('<')) throw new Error(`bare '<' near offset ${where}`);
  return raw.replace(/&([^;]*);?/g, (m, body: string) => {
    if (!m.endsWith(';')) throw new Error(`bare '&' near offset ${where}`);
    if (body in ENTITIES) return ENTITIES[body];
    const num = /^#(x[0-9A-Fa-f]+|\d+)$/.exec(body);
    if (!num) throw new Error(`unknown entity &${body}; near offset ${where}`);
    const code = num[1].startsWith('x') ? parseInt(num[1].slice(1), 16) : Number(num[1]);
    return String.fromCodePoint(code);
  });
}

export function parseXml(xml: string): XmlElement {
  if (ILLEGAL.test(xml)) throw new Error('contains a character XML cannot carry');
  let i = 0;
  const decl = /^<\?xml[^?]*\?>\s*/.exec(xml);
  if (decl) i = decl[0].length;

  function element(): XmlElement {
    if (xml[i] !== '<') throw new Error(`expected '<' at ${i}`);
    i++;
    const name = NAME.exec(xml.slice(i))?.[0];
    if (!name) throw new Error(`bad element name at ${i}`);
    i += name.length;
    const attrs: Record<string, string> = {};
    for (;;) {
      const ws = /^\s*/.exec(xml.slice(i))![0];
      i += ws.length;
      if (xml.startsWith('/>', i)) {
        i += 2;
        return { name, attrs, children: [], text: '' };
      }
      if (xml[i] === '>') {
        i++;
        break;
      }
      if (ws.length === 0) throw new Error(`expected whitespace before an attribute at ${i}`);
      const an = NAME.exec(xml.slice(i))?.[0];
      if (!an) throw new Error(`bad attribute name at ${i}`);
      i += an.length;
      if (xml[i] !== '=' || xml[i + 1] !== '"') throw new Error(`attribute ${an} must be ="..." at ${i}`);
      const end = xml.indexOf('"', i + 2);
      if (end < 0) throw new Error(`unterminated attribute ${an}`);
      if (an in attrs) throw new Error(`duplicate attribute ${an}`);
      attrs[an] = decode(xml.slice(i + 2, end), i);
      i = end + 1;
    }
    const children: XmlElement[] = [];
    let text = '';
    for (;;) {
      const next = xml.indexOf('<', i);
      if (next < 0) throw new Error(`unclosed <${name}>`);
      text += decode(xml.slice(i, next), i);
      i = next;
      if (xml.startsWith('</', i)) {
        const close = `</${name}>`;
        if (!xml.startsWith(close, i)) throw new Error(`expected ${close} at ${i}, found ${xml.slice(i, i + 30)}`);
        i += close.length;
        return { name, attrs, children, text };
      }
      children.push(element());
    }
  }

  const root = element();
  if (xml.slice(i).trim() !== '') throw new Error(`content after the root element at ${i}`);
  return root;
}

/** Every descendant element named `name`, in document order. */
export function findAll(e: XmlElement, name: string): XmlElement[] {
  return [...(e.name === name ? [e] : []), ...e.children.flatMap((c) => findAll(c, name))];
}
