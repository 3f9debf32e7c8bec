/**
 * Java's `String.trim()`, which Kafka applies to configuration values and list items: it removes
 * leading and trailing characters up to U+0020 (spaces and control characters) only. JavaScript's
 * `trim()` also removes U+00A0, U+2028, U+2029, U+FEFF and the other Unicode spaces, which Kafka
 * keeps, so a value trimmed the JavaScript way can pass a check Kafka fails.
 */
export function javaTrim(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && text.charCodeAt(start) <= 0x20) start += 1;
  while (end > start && text.charCodeAt(end - 1) <= 0x20) end -= 1;
  return text.slice(start, end);
}
