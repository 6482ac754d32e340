/**
 * Text from outside (the service's error messages, the agent's reply, media and clip names)
 * as plain text a person can safely read in a terminal or a chat: terminal escape sequences
 * (ANSI colours, OSC titles and links), control characters and bidirectional overrides are
 * removed. Those can recolour or rewrite a terminal, hide text, or make a name read
 * backwards ("gpj.exe" shown as "exe.jpg"). Ordinary Unicode stays: Chinese, emoji (with
 * their joiners and variation selectors), accents, and newlines and tabs.
 *
 * Markup such as `<script>` is left as it is: the text is shown as plain text (MCP text
 * content, a terminal), where a tag is only characters. Escaping it would garble honest text
 * ("a < b", "<intro>") and a host that renders HTML must escape what it renders anyway.
 */

// ESC [ … final byte (CSI), ESC ] … BEL or ESC \ (OSC), ESC P/X/^/_ … ESC \ (DCS, SOS, PM, APC), and
// the 8-bit forms (CSI 0x9B, OSC 0x9D, DCS 0x90, …); an unterminated string runs to the end.
const ESCAPE_SEQUENCES =
  /(?:\u001b\[|\u009b)[0-?]*[ -/]*[@-~]?|(?:\u001b[\]PX^_]|[\u009d\u0090\u0098\u009e\u009f])[^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)?|\u001b[ -/]*[0-~]?/g;

// C0 controls but tab and newline, DEL, C1 controls; bidi embeddings, overrides, isolates and marks;
// the BOM / zero-width no-break space. Zero-width joiners stay (emoji sequences need them).
const INVISIBLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

// Half of a surrogate pair (JSON can carry one): shown as the replacement character.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** The plain-text form of text that came from outside; see the file comment. Pure. */
export function plainText(text: string): string {
  return text
    .replace(LONE_SURROGATE, "\ufffd")
    .replace(/\r\n?|[\u2028\u2029\u0085]/g, "\n")
    .replace(ESCAPE_SEQUENCES, "")
    .replace(INVISIBLE, "");
}
