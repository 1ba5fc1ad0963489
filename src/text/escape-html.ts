// Makes text safe to place in HTML element content and in double- or single-quoted attributes.
// Everything a probed endpoint or the config said goes through here before it reaches HTML.

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ENTITIES[character] ?? character);
}
