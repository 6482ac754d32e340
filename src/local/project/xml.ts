/**
 * Just enough XML for MLT documents: elements with attributes, MLT `<property>` children,
 * text escaped. A person's titles, file names and paths go in as text, never as markup.
 */

export interface XmlNode {
  name: string;
  attributes?: Record<string, string | number | undefined>;
  children?: Array<XmlNode | undefined>;
  text?: string;
}

/** Characters XML 1.0 does not allow at all (controls other than tab, newline, carriage return; lone surrogates; U+FFFE/F). */
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function escapeText(value: string): string {
  return value.replace(NOT_XML, "").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Attribute values also keep their quotes, tabs and line breaks (a parser would turn those into spaces). */
export function escapeAttribute(value: string): string {
  return escapeText(value).replace(/"/g, "&quot;").replace(/'/g, "&apos;").replace(/\t/g, "&#9;").replace(/\n/g, "&#10;").replace(/\r/g, "&#13;");
}

export function element(name: string, attributes: XmlNode["attributes"] = {}, children: XmlNode["children"] = []): XmlNode {
  return { name, attributes, children };
}

/** An MLT property: `<property name="…">value</property>`. */
export function property(name: string, value: string | number): XmlNode {
  return { name: "property", attributes: { name }, text: String(value) };
}

/** MLT properties from a record, in its order; undefined values are left out. */
export function properties(values: Record<string, string | number | undefined>): XmlNode[] {
  return Object.entries(values).flatMap(([name, value]) => (value === undefined ? [] : [property(name, value)]));
}

export function renderXml(root: XmlNode): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n${renderNode(root, "")}\n`;
}

function renderNode(node: XmlNode, indent: string): string {
  const attributes = Object.entries(node.attributes ?? {})
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => ` ${key}="${escapeAttribute(String(value))}"`)
    .join("");
  const children = (node.children ?? []).filter((child): child is XmlNode => child !== undefined);
  if (node.text !== undefined) return `${indent}<${node.name}${attributes}>${escapeText(node.text)}</${node.name}>`;
  if (children.length === 0) return `${indent}<${node.name}${attributes}/>`;
  const inner = children.map((child) => renderNode(child, `${indent} `)).join("\n");
  return `${indent}<${node.name}${attributes}>\n${inner}\n${indent}</${node.name}>`;
}
