export function buildStudioHtml(): Promise<string>;
